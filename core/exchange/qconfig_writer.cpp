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
    w.stringMember("observer", config.name);
    w.key("params");
    w.beginObject(true);
    const obs::ObserverInfo* info = obs::findObserver(config.name);
    for (const auto& [name, value] : info ? obs::withDefaults(*info, config.params) : config.params) {
        w.key(name);
        w.number(value);
    }
    w.endObject();
    w.stringMember("dtype", obs::toString(spec.dtype));
    w.stringMember("qscheme", obs::toString(spec.qscheme));
    if (spec.perChannel())
        w.integerMember("ch_axis", spec.chAxis);
    const obs::QuantRange range = obs::quantRange(spec);
    w.integerMember("quant_min", range.qmin);
    w.integerMember("quant_max", range.qmax);
    w.booleanMember("narrow_range", spec.narrowRange);
    w.booleanMember("reduce_range", spec.reduceRange);
    w.booleanMember("power_of_two", spec.powerOfTwo);
    if (spec.quantMin || spec.quantMax)
        w.booleanMember("custom_range", true);
    if (markKeepFloat)
        w.booleanMember("keep_float", true);
    if (!foldedBatchNorm.empty())
        w.stringMember("folded_batch_norm", foldedBatchNorm);
    w.floatArrayMember("min", result.min);
    w.floatArrayMember("max", result.max);
    w.qparamsMembers(result.scale, result.zeroPoint);
    w.endObject();
}

void writeCalibration(JsonWriter& w, const CalibrationResult& result)
{
    const CalibrationConfig& c = result.config;
    w.beginObject();
    w.stringMember("data", c.data.path);
    w.stringMember("data_format", datasetFormatName(c.data.format));
    w.integerMember("start", c.data.start);
    w.integerMember("count", c.data.count);
    w.key("preprocess");
    w.value(c.data.preprocess.toJson());
    w.integerMember("batch_size", c.batchSize);
    w.integerMember("num_batches", c.numBatches);
    w.stringMember("mode", c.mode == PointMode::PerOp ? "per_op" : "deployment");
    w.integerMember("images", result.images);
    w.integerMember("batches", result.batches);
    w.endObject();
}

// One QAT setting: PyTorch's FakeQuantize around `observer`.
void writeFakeQuantize(JsonWriter& w, std::string_view observer, double averagingConstant)
{
    w.beginObject(true);
    w.stringMember("fake_quantize", "torch.ao.quantization.FakeQuantize");
    w.stringMember("observer", observer);
    w.key("averaging_constant");
    w.number(averagingConstant);
    w.endObject();
}

// How to start QAT from the checkpoint without losing the calibration: activation observers
// that keep their loaded range (averaging_constant 0: min/max and hence scale stay as
// exported while the network trains), weight observers that follow the weight being trained
// (averaging_constant 1: each step's own min/max).
void writeQat(JsonWriter& w, const CalibrationResult& result, QatMode mode)
{
    w.beginObject();
    w.stringMember("mode", qatModeName(mode));
    w.booleanMember("modes_differ", qatModesDiffer(result));
    w.key("activation");
    writeFakeQuantize(w, "torch.ao.quantization.MovingAverageMinMaxObserver", 0);
    w.key("weight");
    writeFakeQuantize(w, "torch.ao.quantization.MovingAveragePerChannelMinMaxObserver", 1);
    w.stringMember("note", "A starting point: averaging_constant 0 freezes the calibrated activation ranges; raise it "
                           "(PyTorch's default is 0.01) or call disable_observer later to let QAT adapt them.");
    w.endObject();
}

void writeOp(JsonWriter& w, const OpInfo& op, const ExportPoints& points)
{
    const PointCalibration* act = points.activation(op.name);
    const WeightCalibration* weight = points.weight(op.name);
    const bool quantize = points.quantized(op);
    w.beginObject();
    w.stringMember("name", op.name);
    w.stringMember("module", op.module);
    w.stringMember("kind", op.kind);
    w.booleanMember("passthrough", op.passthrough);
    w.booleanMember("quantize", quantize);
    if (!op.fusedInto.empty())
        w.stringMember("fused_into", op.fusedInto);
    if (!op.sharesPointWith.empty())
        w.stringMember("shares_point_with", op.sharesPointWith);
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
    w.stringMember("format", kQconfigFormat);
    w.integerMember("version", kQconfigVersion);
    w.key("model");
    w.beginObject();
    w.stringMember("path", result.model.path);
    w.stringMember("sha256", result.model.sha256);
    w.endObject();
    w.key("calibration");
    writeCalibration(w, result);
    w.key("qat");
    writeQat(w, result, mode);
    // The repairs that made the parameters the exported models carry (absent when none).
    if (!result.repairs.empty()) {
        w.key("repairs");
        w.beginArray();
        for (const RepairRecord& r : result.repairs) {
            w.beginObject();
            w.stringMember("name", r.name);
            w.key("params");
            w.beginObject(true);
            for (const auto& [key, value] : r.params)
                w.stringMember(key, value);
            w.endObject();
            w.key("notes");
            w.beginArray();
            for (const auto& n : r.notes)
                w.string(n);
            w.endArray();
            w.endObject();
        }
        w.endArray();
        w.key("repaired_ops");
        w.beginArray(true);
        for (const auto& [op, unused] : result.config.parameters)
            w.string(op);
        w.endArray();
    }
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
