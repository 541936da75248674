#include "core/exchange/qconfig_merge_p.h"

#include "core/exchange/json_writer.h"
#include "core/observers/observer_registry.h"
#include "core/observers/quant_math.h"

#include <cmath>

namespace cs {
namespace {

obs::ParamMap normalized(const ObserverConfig& c)
{
    const obs::ObserverInfo* info = obs::findObserver(c.name);
    return info ? obs::withDefaults(*info, c.params) : c.params;
}

std::string flagText(bool v) { return v ? "true" : "false"; }

std::string rangeText(const obs::QuantSpec& s)
{
    const obs::QuantRange r = obs::quantRange(s);
    return "[" + std::to_string(r.qmin) + ", " + std::to_string(r.qmax) + "]";
}

template <typename T, typename F>
std::string firstDifference(const char* what, const std::vector<T>& a, const std::vector<T>& b, F text)
{
    if (a.size() != b.size())
        return std::string(what) + " has " + std::to_string(b.size()) + " values instead of " + std::to_string(a.size());
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i])
            return std::string(what) + (a.size() > 1 ? "[" + std::to_string(i) + "]" : std::string()) + " " + text(a[i])
                   + " -> " + text(b[i]);
    return {};
}

// What an entry names replaces the base; what it leaves out keeps the base's value.
template <typename T, typename U>
void overrideIfGiven(T& target, const std::optional<U>& given)
{
    if (given)
        target = *given;
}

} // namespace

ObserverConfig mergeBlock(const ObserverConfig& base, const QconfigBlock* block, std::optional<bool> quantize)
{
    ObserverConfig c = base;
    if (block) {
        const QconfigBlock& b = *block;
        if (b.observer && *b.observer != c.name) {
            c.name = *b.observer;
            c.params.clear();
        }
        if (b.params) {
            c.params.clear();
            const obs::ObserverInfo* info = obs::findObserver(c.name);
            for (const auto& [key, value] : *b.params) {
                const obs::ParamSpec* spec = info ? info->param(key) : nullptr;
                if (!spec || spec->defaultValue != value) // unknown keys stay for validateParams to report
                    c.params[key] = value;
            }
        }
        obs::QuantSpec& s = c.spec;
        overrideIfGiven(s.dtype, b.dtype);
        overrideIfGiven(s.qscheme, b.qscheme);
        overrideIfGiven(s.chAxis, b.chAxis);
        if (!s.perChannel())
            s.chAxis = -1;
        else if (s.chAxis < 0 && !b.chAxis)
            s.chAxis = 0;
        overrideIfGiven(s.narrowRange, b.narrowRange);
        overrideIfGiven(s.reduceRange, b.reduceRange);
        overrideIfGiven(s.powerOfTwo, b.powerOfTwo);
        if (b.quantMin || b.quantMax) {
            obs::QuantSpec plain = s;
            plain.quantMin.reset();
            plain.quantMax.reset();
            const obs::QuantRange derived = obs::quantRange(plain);
            const bool custom = b.customRange.value_or(false) || (b.quantMin && *b.quantMin != derived.qmin)
                                || (b.quantMax && *b.quantMax != derived.qmax);
            s.quantMin.reset();
            s.quantMax.reset();
            if (custom) {
                s.quantMin = b.quantMin.value_or(derived.qmin);
                s.quantMax = b.quantMax.value_or(derived.qmax);
            }
        } else if (b.customRange && !*b.customRange) {
            s.quantMin.reset();
            s.quantMax.reset();
        }
    }
    if (quantize && !*quantize)
        c.keepFloat = true;
    else if (block && block->keepFloat)
        c.keepFloat = *block->keepFloat;
    else if (quantize)
        c.keepFloat = false;
    return c;
}

bool sameConfig(const ObserverConfig& a, const ObserverConfig& b)
{
    ObserverConfig x = a;
    ObserverConfig y = b;
    x.params = normalized(a);
    y.params = normalized(b);
    return x == y;
}

std::string describeChange(const ObserverConfig& from, const ObserverConfig& to)
{
    std::vector<std::string> parts;
    if (from.keepFloat != to.keepFloat)
        parts.push_back(to.keepFloat ? "keep in float" : "quantize (was kept in float)");
    if (from.name != to.name)
        parts.push_back("observer " + from.name + " -> " + to.name);
    const obs::ParamMap a = normalized(from);
    const obs::ParamMap b = normalized(to);
    if (from.name == to.name) {
        for (const auto& [key, value] : b)
            if (!a.count(key) || a.at(key) != value)
                parts.push_back(key + " " + (a.count(key) ? doubleText(a.at(key)) : std::string("?")) + " -> "
                                + doubleText(value));
    } else {
        for (const auto& [key, value] : to.params)
            parts.push_back(key + " " + doubleText(value));
    }
    const obs::QuantSpec& s = from.spec;
    const obs::QuantSpec& t = to.spec;
    if (s.dtype != t.dtype)
        parts.push_back("dtype " + obs::toString(s.dtype) + " -> " + obs::toString(t.dtype));
    if (s.qscheme != t.qscheme)
        parts.push_back("qscheme " + obs::toString(s.qscheme) + " -> " + obs::toString(t.qscheme));
    if (s.chAxis != t.chAxis)
        parts.push_back("ch_axis " + std::to_string(s.chAxis) + " -> " + std::to_string(t.chAxis));
    if (s.narrowRange != t.narrowRange)
        parts.push_back("narrow_range " + flagText(t.narrowRange));
    if (s.reduceRange != t.reduceRange)
        parts.push_back("reduce_range " + flagText(t.reduceRange));
    if (s.powerOfTwo != t.powerOfTwo)
        parts.push_back("power_of_two " + flagText(t.powerOfTwo));
    if (rangeText(s) != rangeText(t) || s.quantMin != t.quantMin || s.quantMax != t.quantMax)
        parts.push_back("integer range " + rangeText(s) + " -> " + rangeText(t) + (t.quantMin ? " (custom)" : ""));
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : ", ") + p;
    return out;
}

std::string blockValues(const QconfigBlock& b, const ObserverConfig& config, int64_t channels, obs::ObserverResult& out)
{
    const bool hasRange = b.min || b.max;
    if (hasRange && !(b.min && b.max))
        return "\"min\" and \"max\" go together";
    if ((b.scale.has_value()) != (b.zeroPoint.has_value()))
        return "\"scale\" and \"zero_point\" go together";
    obs::ObserverResult r;
    if (b.min) {
        r.min = *b.min;
        r.max = *b.max;
        if (r.min.size() != r.max.size())
            return "\"min\" has " + std::to_string(r.min.size()) + " values and \"max\" " + std::to_string(r.max.size());
        for (size_t i = 0; i < r.min.size(); ++i)
            if (r.min[i] > r.max[i])
                return "min[" + std::to_string(i) + "] " + floatText(r.min[i]) + " is above max " + floatText(r.max[i]);
    }
    const obs::QuantRange range = obs::quantRange(config.spec);
    if (b.scale) {
        r.scale = *b.scale;
        r.zeroPoint = *b.zeroPoint;
        if (r.scale.size() != r.zeroPoint.size())
            return "\"scale\" has " + std::to_string(r.scale.size()) + " values and \"zero_point\" "
                   + std::to_string(r.zeroPoint.size());
        if (!r.min.empty() && r.min.size() != r.scale.size())
            return "\"min\"/\"max\" have " + std::to_string(r.min.size()) + " values and \"scale\" "
                   + std::to_string(r.scale.size());
    } else if (b.min) {
        const obs::QParams q = obs::calculateQParams(r.min, r.max, config.spec);
        r.scale = q.scale;
        r.zeroPoint = q.zeroPoint;
    } else {
        return "no values";
    }
    const size_t expected = config.spec.perChannel() ? static_cast<size_t>(channels) : 1;
    if ((expected > 0 || !config.spec.perChannel()) && r.scale.size() != expected)
        return "\"scale\" has " + std::to_string(r.scale.size()) + " values; " + obs::toString(config.spec.qscheme)
               + " needs " + std::to_string(expected);
    if (r.scale.empty())
        return "\"scale\" is empty";
    for (size_t i = 0; i < r.scale.size(); ++i) {
        if (!(r.scale[i] > 0.0f))
            return "scale[" + std::to_string(i) + "] must be positive, got " + floatText(r.scale[i]);
        if (r.zeroPoint[i] < range.qmin || r.zeroPoint[i] > range.qmax)
            return "zero_point[" + std::to_string(i) + "] " + std::to_string(r.zeroPoint[i]) + " is outside "
                   + rangeText(config.spec) + " of " + obs::toString(config.spec.dtype);
    }
    r.hasStatistics = !r.min.empty();
    out = r;
    return {};
}

bool sameValues(const obs::ObserverResult& a, const obs::ObserverResult& b)
{
    return a.min == b.min && a.max == b.max && a.scale == b.scale && a.zeroPoint == b.zeroPoint;
}

std::string describeValueChange(const obs::ObserverResult& from, const obs::ObserverResult& to)
{
    auto f = [](float v) { return floatText(v); };
    auto i = [](int64_t v) { return std::to_string(v); };
    for (std::string d : {firstDifference("scale", from.scale, to.scale, f),
                          firstDifference("zero_point", from.zeroPoint, to.zeroPoint, i),
                          firstDifference("min", from.min, to.min, f), firstDifference("max", from.max, to.max, f)})
        if (!d.empty())
            return d;
    return {};
}

} // namespace cs
