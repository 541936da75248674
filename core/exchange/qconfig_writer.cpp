#include "core/exchange/qconfig.h"

#include "core/platform/atomic_file.h"
#include "core/exchange/export_points_p.h"
#include "core/exchange/json_writer.h"
#include "core/observers/observer_registry.h"

#include <QJsonObject>

namespace cs {
namespace {

// One member each: the key, then its value (the writer keeps the order they are called in).
void putString(JsonWriter& w, std::string_view key, std::string_view value)
{
    w.key(key);
    w.string(value);
}

void putInteger(JsonWriter& w, std::string_view key, int64_t value)
{
    w.key(key);
    w.integer(value);
}

void putBoolean(JsonWriter& w, std::string_view key, bool value)
{
    w.key(key);
    w.boolean(value);
}

void writeBlock(JsonWriter& w, const ObserverConfig& config, const obs::ObserverResult& result, bool markKeepFloat,
                const std::string& foldedBatchNorm)
{
    const obs::QuantSpec& spec = config.spec;
    w.beginObject();
    putString(w, "observer", config.name);
    w.key("params");
    w.beginObject(true);
    const obs::ObserverInfo* info = obs::findObserver(config.name);
    for (const auto& [name, value] : info ? obs::withDefaults(*info, config.params) : config.params) {
        w.key(name);
        w.number(value);
    }
    w.endObject();
    putString(w, "dtype", obs::toString(spec.dtype));
    putString(w, "qscheme", obs::toString(spec.qscheme));
    if (spec.perChannel())
        putInteger(w, "ch_axis", spec.chAxis);
    const obs::QuantRange range = obs::quantRange(spec);
    putInteger(w, "quant_min", range.qmin);
    putInteger(w, "quant_max", range.qmax);
    putBoolean(w, "narrow_range", spec.narrowRange);
    putBoolean(w, "reduce_range", spec.reduceRange);
    putBoolean(w, "power_of_two", spec.powerOfTwo);
    if (spec.quantMin || spec.quantMax)
        putBoolean(w, "custom_range", true);
    if (markKeepFloat)
        putBoolean(w, "keep_float", true);
    if (!foldedBatchNorm.empty())
        putString(w, "folded_batch_norm", foldedBatchNorm);
    w.key("min");
    w.floatArray(result.min);
    w.key("max");
    w.floatArray(result.max);
    w.key("scale");
    w.floatArray(result.scale);
    w.key("zero_point");
    w.integerArray(result.zeroPoint);
    w.endObject();
}

void writeCalibration(JsonWriter& w, const CalibrationResult& result)
{
    const CalibrationConfig& c = result.config;
    w.beginObject();
    putString(w, "data", c.data.path);
    putString(w, "data_format", datasetFormatName(c.data.format));
    putInteger(w, "start", c.data.start);
    putInteger(w, "count", c.data.count);
    w.key("preprocess");
    w.value(c.data.preprocess.toJson());
    putInteger(w, "batch_size", c.batchSize);
    putInteger(w, "num_batches", c.numBatches);
    putString(w, "mode", c.mode == PointMode::PerOp ? "per_op" : "deployment");
    putInteger(w, "images", result.images);
    putInteger(w, "batches", result.batches);
    w.endObject();
}

// How to start QAT from the checkpoint without losing the calibration: activation observers
// that keep their loaded range (averaging_constant 0: min/max and hence scale stay as
// exported while the network trains), weight observers that follow the weight being trained
// (averaging_constant 1: each step's own min/max).
void writeQat(JsonWriter& w, const CalibrationResult& result, QatMode mode)
{
    w.beginObject();
    w.key("mode");
    w.string(qatModeName(mode));
    w.key("modes_differ");
    w.boolean(qatModesDiffer(result));
    w.key("activation");
    w.beginObject(true);
    w.key("fake_quantize");
    w.string("torch.ao.quantization.FakeQuantize");
    w.key("observer");
    w.string("torch.ao.quantization.MovingAverageMinMaxObserver");
    w.key("averaging_constant");
    w.number(0);
    w.endObject();
    w.key("weight");
    w.beginObject(true);
    w.key("fake_quantize");
    w.string("torch.ao.quantization.FakeQuantize");
    w.key("observer");
    w.string("torch.ao.quantization.MovingAveragePerChannelMinMaxObserver");
    w.key("averaging_constant");
    w.number(1);
    w.endObject();
    w.key("note");
    w.string("A starting point: averaging_constant 0 freezes the calibrated activation ranges; raise it (PyTorch's "
             "default is 0.01) or call disable_observer later to let QAT adapt them.");
    w.endObject();
}

void writeOp(JsonWriter& w, const OpInfo& op, const ExportPoints& points)
{
    const PointCalibration* act = points.activation(op.name);
    const WeightCalibration* weight = points.weight(op.name);
    const bool quantize = points.quantized(op);
    w.beginObject();
    putString(w, "name", op.name);
    putString(w, "module", op.module);
    putString(w, "kind", op.kind);
    putBoolean(w, "passthrough", op.passthrough);
    putBoolean(w, "quantize", quantize);
    if (!op.fusedInto.empty())
        putString(w, "fused_into", op.fusedInto);
    if (!op.sharesPointWith.empty())
        putString(w, "shares_point_with", op.sharesPointWith);
    if (act) {
        w.key("activation");
        writeBlock(w, act->config, act->result, quantize && act->config.keepFloat, {});
    }
    if (weight) {
        w.key("weight");
        writeBlock(w, weight->config, weight->result, quantize && weight->config.keepFloat, weight->foldedBatchNorm);
    }
    w.endObject();
}

} // namespace

std::string formatQconfig(const CalibrationResult& result, QatMode mode)
{
    const ExportPoints points(result);
    JsonWriter w;
    w.beginObject();
    putString(w, "format", kQconfigFormat);
    putInteger(w, "version", kQconfigVersion);
    w.key("model");
    w.beginObject();
    putString(w, "path", result.model.path);
    putString(w, "sha256", result.model.sha256);
    w.endObject();
    w.key("calibration");
    writeCalibration(w, result);
    w.key("qat");
    writeQat(w, result, mode);
    w.key("ops");
    w.beginArray();
    for (const OpInfo& op : result.model.ops)
        writeOp(w, op, points);
    w.endArray();
    w.endObject();
    return w.finish();
}

void saveQconfig(const CalibrationResult& result, const std::string& path, QatMode mode)
{
    writeFileAtomically(path, formatQconfig(result, mode));
}

} // namespace cs
