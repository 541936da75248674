#include "core/exchange/overrides.h"

#include "core/errors.h"
#include "core/exchange/export_points_p.h"
#include "core/exchange/qconfig_merge_p.h"
#include "core/exchange/qconfig_reader_p.h"
#include "core/observers/observer_registry.h"

#include <QFile>

#include <algorithm>
#include <set>

namespace cs {
namespace {

size_t editDistance(const std::string& a, const std::string& b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string unmatchedName(const std::string& name, const ModelSummary& model)
{
    const OpInfo* best = nullptr;
    size_t bestDistance = std::max<size_t>(2, name.size() / 4) + 1;
    for (const OpInfo& op : model.ops) {
        const size_t d = editDistance(name, op.name);
        if (d < bestDistance) {
            bestDistance = d;
            best = &op;
        }
    }
    return best ? name + " (did you mean '" + best->name + "'?)" : name;
}

// Where the activation of an op without its own point is quantized.
std::string noActivationReason(const OpInfo& op)
{
    if (!op.fusedInto.empty())
        return "is fused into '" + op.fusedInto + "': its output is quantized there; put the block on '" + op.fusedInto + "'";
    if (op.passthrough)
        return "is a passthrough op" + (op.sharesPointWith.empty() ? std::string()
                                                                    : " sharing the point of '" + op.sharesPointWith + "'")
               + ": it has no activation point of its own";
    return "has no activation quantization point";
}

int64_t activationChannels(const OpInfo& op, const PointCalibration& p, const ObserverConfig& config)
{
    const int axis = config.spec.chAxis;
    if (axis >= 0 && static_cast<size_t>(axis) < op.shape.size())
        return op.shape[static_cast<size_t>(axis)];
    return p.config.spec.perChannel() ? static_cast<int64_t>(p.result.scale.size()) : 0;
}

int64_t weightChannels(const WeightCalibration& w, const ObserverConfig& config)
{
    const int axis = config.spec.chAxis;
    return axis >= 0 && static_cast<size_t>(axis) < w.shape.size() ? w.shape[static_cast<size_t>(axis)] : 0;
}

// One block of one op, compared with the session's current point.
ImportEntry checkBlock(const std::string& op, const char* point, const ObserverConfig& current,
                       const obs::ObserverResult& currentValues, const QconfigBlock* block, std::optional<bool> quantize,
                       int64_t channels, const ImportOptions& options)
{
    ImportEntry e;
    e.op = op;
    e.point = point;
    e.config = mergeBlock(current, block, quantize);
    std::string problem = obs::validateParams(e.config.name, e.config.params, e.config.spec);
    if (problem.empty() && block && block->hasValues())
        problem = blockValues(*block, e.config, channels, e.values);
    if (!problem.empty()) {
        e.status = ImportStatus::Rejected;
        e.message = problem;
        return e;
    }
    e.hasValues = block && block->hasValues();
    const bool valuesDiffer = e.hasValues && !sameValues(currentValues, e.values);
    if (!sameConfig(e.config, current)) {
        e.status = ImportStatus::Change;
        e.message = describeChange(current, e.config);
    } else if (valuesDiffer && options.values == ImportOptions::Values::FromFile) {
        e.config = current;
        e.status = ImportStatus::Change;
        e.message = "values from the file: " + describeValueChange(currentValues, e.values);
    } else {
        e.config = current;
        e.status = ImportStatus::Unchanged;
        if (valuesDiffer)
            e.message = "same configuration, but the file's values differ (" + describeValueChange(currentValues, e.values)
                        + "); kept this session's (import with values from the file to take them)";
    }
    return e;
}

void compareCalibration(const QconfigFile& file, const CalibrationResult& result, std::vector<std::string>& notes)
{
    if (file.calibration.isEmpty())
        return;
    const std::string data = file.calibration.value(QLatin1String("data")).toString().toStdString();
    const QJsonValue images = file.calibration.value(QLatin1String("images"));
    const bool otherData = !data.empty() && data != result.config.data.path;
    const bool otherCount = images.isDouble() && images.toInteger() != result.images;
    if (otherData || otherCount)
        notes.push_back("the file was calibrated on " + data
                        + (images.isDouble() ? " (" + std::to_string(images.toInteger()) + " images)" : std::string())
                        + ", this session on " + result.config.data.path + " (" + std::to_string(result.images)
                        + " images): its values may differ from this session's");
}

} // namespace

// ---- calibrate --overrides ------------------------------------------------------------

OverridesFile loadOverrides(const std::string& path, const ObserverConfig& activationBase, const ObserverConfig& weightBase)
{
    const QconfigFile file = readQconfig(path);
    OverridesFile out;
    out.modelSha256 = file.modelSha256;
    out.notes = file.notes;
    for (const QconfigOp& op : file.ops) {
        if (!op.problem.empty())
            throw CalibError(path, "op " + op.name + ": " + op.problem);
        auto add = [&](std::map<std::string, ObserverConfig>& to, const ObserverConfig& base, const QconfigBlock* block,
                       const char* what) {
            const ObserverConfig c = mergeBlock(base, block, op.quantize);
            const std::string problem = obs::validateParams(c.name, c.params, c.spec);
            if (!problem.empty())
                throw CalibError(path, "op " + op.name + " " + what + ": " + problem);
            if (to.count(op.name))
                throw CalibError(path, "op " + op.name + " appears more than once");
            to[op.name] = c;
        };
        // Fused and passthrough ops carry no activation block; "quantize" alone applies to
        // whatever points the op has, which only the model knows: both maps get it, and
        // the run reports names that match no point.
        const bool onlyQuantizeFlag = op.quantize.has_value() && !*op.quantize;
        if (op.activation || (onlyQuantizeFlag && !op.weight && !op.fusedInto && !op.passthrough.value_or(false)))
            add(out.overrides, activationBase, op.activation ? &*op.activation : nullptr, "activation");
        if (op.weight)
            add(out.weightOverrides, weightBase, &*op.weight, "weight");
    }
    int otherWeights = 0;
    for (const auto& [name, config] : out.weightOverrides)
        otherWeights += sameConfig(config, weightBase) ? 0 : 1;
    if (otherWeights > 0)
        out.notes.push_back(std::to_string(otherWeights) + " weight configurations differ from the run's weight observer "
                            + "(see weightOverrides)");
    out.notes.push_back("read " + std::to_string(out.overrides.size()) + " activation and "
                        + std::to_string(out.weightOverrides.size()) + " weight configurations from " + path);
    return out;
}

OverridesFile loadOverrides(const std::string& path)
{
    return loadOverrides(path, defaultActivationConfig(), defaultWeightConfig());
}

// ---- import into a calibration result -------------------------------------------------

ImportReport checkImport(const CalibrationResult& result, const std::string& path, const ImportOptions& options)
{
    QFile f(QString::fromStdString(path));
    if (!f.exists())
        throw CalibError(path, "no such file");
    if (!f.open(QIODevice::ReadOnly))
        throw CalibError(path, "cannot read (" + f.errorString().toStdString() + ")");
    return checkImportText(result, f.readAll().toStdString(), path, options);
}

ImportReport checkImportText(const CalibrationResult& result, const std::string& json, const std::string& path,
                             const ImportOptions& options)
{
    const QconfigFile file = parseQconfig(json, path);
    const ExportPoints points(result);
    ImportReport report;
    report.path = path;
    report.options = options;
    report.fileSha256 = file.modelSha256;
    report.sessionSha256 = result.model.sha256;
    report.modelMismatch = !file.modelSha256.empty() && !result.model.sha256.empty()
                           && file.modelSha256 != result.model.sha256;
    report.notes = file.notes;
    if (file.modelSha256.empty())
        report.notes.push_back("the file names no model sha256: not checked against the session's model");
    compareCalibration(file, result, report.notes);

    std::set<std::string> mentioned;
    for (const QconfigOp& op : file.ops) {
        if (!op.problem.empty()) {
            report.entries.push_back({op.name, "op", ImportStatus::Rejected, op.problem, {}, {}, false});
            mentioned.insert(op.name);
            continue;
        }
        if (!mentioned.insert(op.name).second) {
            report.entries.push_back({op.name, "op", ImportStatus::Rejected,
                                      "appears more than once in the file (ops[" + std::to_string(op.index)
                                          + "] ignored, the first entry is used)",
                                      {}, {}, false});
            continue;
        }
        const OpInfo* info = result.model.find(op.name);
        if (!info) {
            report.unmatched.push_back(unmatchedName(op.name, result.model));
            continue;
        }
        if (op.kind && *op.kind != info->kind)
            report.notes.push_back("op " + op.name + " is " + *op.kind + " in the file but " + info->kind
                                   + " in the model");
        const PointCalibration* act = points.activation(op.name);
        const WeightCalibration* weight = points.weight(op.name);
        const QconfigBlock* actBlock = op.activation ? &*op.activation : nullptr;
        const QconfigBlock* weightBlock = op.weight ? &*op.weight : nullptr;
        if (actBlock || (op.quantize.has_value() && act)) {
            if (!act)
                report.entries.push_back({op.name, "activation", ImportStatus::Rejected,
                                          "op " + noActivationReason(*info), {}, {}, false});
            else
                report.entries.push_back(checkBlock(op.name, "activation", act->config, act->result, actBlock, op.quantize,
                                                    activationChannels(*info, *act, mergeBlock(act->config, actBlock, op.quantize)),
                                                    options));
        }
        if (weightBlock || (op.quantize.has_value() && weight)) {
            if (!weight)
                report.entries.push_back({op.name, "weight", ImportStatus::Rejected,
                                          "op has no weight quantization point (only conv/linear ops do)", {}, {}, false});
            else
                report.entries.push_back(checkBlock(op.name, "weight", weight->config, weight->result, weightBlock,
                                                    op.quantize,
                                                    weightChannels(*weight, mergeBlock(weight->config, weightBlock, op.quantize)),
                                                    options));
        }
        if (op.quantize.has_value() && !act && !weight && *op.quantize != points.quantized(*info)) {
            const std::string owner = !info->fusedInto.empty() ? info->fusedInto : info->sharesPointWith;
            report.entries.push_back({op.name, "op", ImportStatus::Rejected,
                                      "\"quantize\": " + std::string(*op.quantize ? "true" : "false")
                                          + " has no effect: the op has no quantization point of its own"
                                          + (owner.empty() ? std::string() : "; set it on '" + owner + "'"),
                                      {}, {}, false});
        }
    }
    for (const PointCalibration& p : result.points)
        if (!mentioned.count(p.name))
            report.notInFile.push_back(p.name + " (activation)");
    for (const WeightCalibration& w : result.weights)
        if (!mentioned.count(w.name))
            report.notInFile.push_back(w.name + " (weight)");
    return report;
}

} // namespace cs
