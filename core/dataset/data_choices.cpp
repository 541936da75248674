#include "core/dataset/data_choices_p.h"

#include "core/dataset/sources_p.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace cs {
namespace {

uint64_t splitMix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Reverses the last axis of every row of a sample.
void mirror(float* sample, int64_t numel, int64_t width)
{
    if (width <= 1)
        return;
    for (int64_t row = 0; row + width <= numel; row += width)
        std::reverse(sample + row, sample + row + width);
}

class ChoiceSource : public InnerSource {
public:
    ChoiceSource(std::unique_ptr<DatasetSource> inner, const DatasetSpec& spec)
        : InnerSource(std::move(inner)), m_preprocess(spec.preprocess), m_start(spec.start)
    {
        const auto shape = m_inner->sampleShape();
        m_width = shape.empty() ? 1 : shape.back();
        m_numel = m_inner->sampleNumel();
        if (spec.sample > 0) {
            const int64_t available = m_inner->size();
            // A seeded permutation of the window; its first `sample` entries are the subset,
            // kept in that random order so that batches mix the whole window.
            std::vector<int64_t> order(static_cast<size_t>(available));
            std::iota(order.begin(), order.end(), int64_t(0));
            std::mt19937_64 rng(spec.sampleSeed);
            const int64_t n = std::min(spec.sample, available);
            for (int64_t i = 0; i < n; ++i) {
                std::uniform_int_distribution<int64_t> pick(i, available - 1);
                std::swap(order[size_t(i)], order[size_t(pick(rng))]);
            }
            order.resize(size_t(n));
            m_order = std::move(order);
            if (spec.sample > available)
                m_extraWarnings.push_back(spec.path + ": a sample of " + std::to_string(spec.sample)
                                          + " requested but the window holds " + std::to_string(available)
                                          + "; using all of them in random order");
        }
    }

    int64_t size() const override { return m_order.empty() ? m_inner->size() : int64_t(m_order.size()); }
    void readSample(int64_t index, float* out) const override
    {
        const int64_t inner = map(index);
        m_inner->readSample(inner, out);
        if (flipsSample(m_preprocess, m_start + inner))
            mirror(out, m_numel, m_width);
    }
    int64_t label(int64_t index) const override { return m_inner->label(map(index)); }

private:
    int64_t map(int64_t index) const
    {
        if (m_order.empty() || index < 0 || index >= int64_t(m_order.size()))
            return index;  // the inner source reports an index out of range itself
        return m_order[size_t(index)];
    }

    PreprocessConfig m_preprocess;
    int64_t m_start = 0;
    int64_t m_width = 1;
    int64_t m_numel = 0;
    std::vector<int64_t> m_order;
};

} // namespace

bool flipsSample(const PreprocessConfig& config, int64_t fileIndex)
{
    switch (config.flipHorizontal) {
    case FlipMode::None: return false;
    case FlipMode::Always: return true;
    case FlipMode::Random: return (splitMix64(config.flipSeed ^ splitMix64(uint64_t(fileIndex))) >> 63) != 0;
    }
    return false;
}

std::unique_ptr<DatasetSource> applyDataChoices(std::unique_ptr<DatasetSource> window, const DatasetSpec& spec)
{
    if (spec.sample <= 0 && spec.preprocess.flipHorizontal == FlipMode::None)
        return window;
    return std::make_unique<ChoiceSource>(std::move(window), spec);
}

} // namespace cs
