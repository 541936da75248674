#include "core/exchange/qconfig.h"

#include "core/platform/atomic_file.h"
#include "core/exchange/export_points_p.h"
#include "core/exchange/json_writer.h"
#include "core/observers/observer_registry.h"

#include <QJsonObject>

namespace cs {
namespace {

void writeBlock(JsonWriter& w, const ObserverConfig& config, const obs::ObserverResult& result, bool markKeepFloat,
                const std::string& foldedBatchNorm)
{
    const obs::QuantSpec& spec = config.spec;
    w.beginObject();
    w.key("observer");
    w.string(config.name);
    w.key("params");
    w.beginObject(true);
    const obs::ObserverInfo* info = obs::findObserver(config.name);
    for (const auto& [name, value] : info ? obs::withDefaults(*info, config.params) : config.params) {
        w.key(name);
        w.number(value);
    }
    w.endObject();
    w.key("dtype");
    w.string(obs::toString(spec.dtype));
    w.key("qscheme");
    w.string(obs::toString(spec.qscheme));
    if (spec.perChannel()) {
        w.key("ch_axis");
        w.integer(spec.chAxis);
    }
    const obs::QuantRange range = obs::quantRange(spec);
    w.key("quant_min");
    w.integer(range.qmin);
    w.key("quant_max");
    w.integer(range.qmax);
    w.key("narrow_range");
    w.boolean(spec.narrowRange);
    w.key("reduce_range");
    w.boolean(spec.reduceRange);
    w.key("power_of_two");
    w.boolean(spec.powerOfTwo);
    if (spec.quantMin || spec.quantMax) {
        w.key("custom_range");
        w.boolean(true);
    }
    if (markKeepFloat) {
        w.key("keep_float");
        w.boolean(true);
    }
    if (!foldedBatchNorm.empty()) {
        w.key("folded_batch_norm");
        w.string(foldedBatchNorm);
    }
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
    w.key("data");
    w.string(c.data.path);
    w.key("data_format");
    w.string(datasetFormatName(c.data.format));
    w.key("start");
    w.integer(c.data.start);
    w.key("count");
    w.integer(c.data.count);
    w.key("preprocess");
    w.value(c.data.preprocess.toJson());
    w.key("batch_size");
    w.integer(c.batchSize);
    w.key("num_batches");
    w.integer(c.numBatches);
    w.key("mode");
    w.string(c.mode == PointMode::PerOp ? "per_op" : "deployment");
    w.key("images");
    w.integer(result.images);
    w.key("batches");
    w.integer(result.batches);
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
    w.key("name");
    w.string(op.name);
    w.key("module");
    w.string(op.module);
    w.key("kind");
    w.string(op.kind);
    w.key("passthrough");
    w.boolean(op.passthrough);
    w.key("quantize");
    w.boolean(quantize);
    if (!op.fusedInto.empty()) {
        w.key("fused_into");
        w.string(op.fusedInto);
    }
    if (!op.sharesPointWith.empty()) {
        w.key("shares_point_with");
        w.string(op.sharesPointWith);
    }
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
    w.key("format");
    w.string(kQconfigFormat);
    w.key("version");
    w.integer(kQconfigVersion);
    w.key("model");
    w.beginObject();
    w.key("path");
    w.string(result.model.path);
    w.key("sha256");
    w.string(result.model.sha256);
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
