// Stage 2 of an evaluation: the automatic plan, from the candidates the main pass measured.
#include "core/evaluation/stages_p.h"

#include <algorithm>
#include <cmath>

namespace cs::evaluation {

QuantPlan runAutoPlan(const EvaluationInput& input, const MainPassOutput& mainPass, EvaluationResult& result)
{
    QuantPlan autoPlan = input.plan;
    for (size_t p = 0; p < mainPass.points.size(); ++p) {
        const auto& cands = mainPass.candidates[p];
        const std::string& name = mainPass.points[p];
        if (cands.empty() || !input.plan.activations.count(name))
            continue;
        const auto best = std::min_element(cands.begin(), cands.end(), [](const auto& a, const auto& b) {
            return a.squaredError < b.squaredError;
        });
        AutoChoice choice;
        choice.point = name;
        choice.observer = best->observer;
        choice.localL2 = std::sqrt(best->squaredError);
        for (const auto& c : cands)
            choice.candidates[c.observer] = std::sqrt(c.squaredError);
        const std::string current = input.planConfigs.at(name).name;
        const double currentL2 = choice.candidates.count(current) ? choice.candidates.at(current)
                                                                   : result.points.at(p).local.l2;
        choice.reason = best->observer + " has the lowest local L2 (" + std::to_string(choice.localL2) + ") of "
                        + std::to_string(cands.size()) + " observers; " + current + " gives "
                        + std::to_string(currentL2);
        autoPlan.activations[choice.point] = best->params;
        result.autoPlan.push_back(std::move(choice));
    }
    return autoPlan;
}

} // namespace cs::evaluation
