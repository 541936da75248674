#include "core/session.h"

#include "core/platform/atomic_file.h"
#include "core/errors.h"
#include "core/session/cbor_values_p.h"
#include "core/session/evaluation_cbor_p.h"
#include "core/platform/logging.h"
#include "core/session/observer_bank_state.h"
#include "core/session/observer_config_json_p.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamReader>
#include <QCborValue>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>

#include <cmath>
#include <type_traits>
#include <vector>

namespace cs {
namespace {

using K = QLatin1String;

using cbor::json;
using cbor::jsonOf;
using cbor::packed;
using cbor::unpacked;

QCborArray intArray(const std::vector<int64_t>& v)
{
    QCborArray a;
    for (auto x : v)
        a.append(qint64(x));
    return a;
}

std::vector<int64_t> intVector(const QCborValue& v)
{
    std::vector<int64_t> out;
    for (const auto& x : v.toArray())
        out.push_back(x.toInteger());
    return out;
}

QCborMap opToCbor(const OpInfo& op)
{
    return QCborMap{{K("name"), QString::fromStdString(op.name)},
                    {K("module"), QString::fromStdString(op.module)},
                    {K("kind"), QString::fromStdString(op.kind)},
                    {K("shape"), intArray(op.shape)},
                    {K("dtype"), QString::fromStdString(op.dtype)},
                    {K("passthrough"), op.passthrough},
                    {K("fused_into"), QString::fromStdString(op.fusedInto)},
                    {K("shares_point_with"), QString::fromStdString(op.sharesPointWith)},
                    {K("weight_shape"), intArray(op.weightShape)}};
}

OpInfo opFromCbor(const QCborMap& m)
{
    OpInfo op;
    op.name = m.value(K("name")).toString().toStdString();
    op.module = m.value(K("module")).toString().toStdString();
    op.kind = m.value(K("kind")).toString().toStdString();
    op.shape = intVector(m.value(K("shape")));
    op.dtype = m.value(K("dtype")).toString().toStdString();
    op.passthrough = m.value(K("passthrough")).toBool();
    op.fusedInto = m.value(K("fused_into")).toString().toStdString();
    op.sharesPointWith = m.value(K("shares_point_with")).toString().toStdString();
    op.weightShape = intVector(m.value(K("weight_shape")));
    return op;
}

// The histograms are counts: packed as uint32 (zlib where long) they take a fraction of their
// float bytes; sessions written before that hold raw little-endian floats (a byte string).
constexpr double kMaxHistogramBins = double(1 << 22);

template <typename T>
QCborValue histogramToCbor(const std::vector<T>& counts)
{
    return numbersToPackedCbor(std::vector<double>(counts.begin(), counts.end()));
}

template <typename T>
std::vector<T> histogramFromCbor(const QCborValue& value)
{
    if (value.isByteArray())
        return unpacked<T>(value);
    try {
        if constexpr (std::is_same_v<T, float>)
            return floatsFromPackedCbor(value.toMap(), kMaxHistogramBins);
        else
            return numbersFromPackedCbor(value.toMap(), kMaxHistogramBins);
    } catch (const std::invalid_argument& e) {
        throw CalibError("histogram", e.what());
    }
}

// A batch's |x| histogram: a compressed one stays compressed until read (a thousand-point
// session holds 30 000 of them, and decoding them all made most of its load time and memory).
// Its stored bytes' CRC-32 is checked here, so a corrupt one fails the load naming it as any
// bad array does; one from a writer that kept no CRC is decoded once here to check it.
BatchHistogram batchHistogramFromCbor(const QCborValue& value)
{
    if (value.isMap()) {
        const QCborMap packedMap = value.toMap();
        try {
            const CompressedArray compressed = compressedArray(packedMap, kMaxHistogramBins);
            if (compressed == CompressedArray::Unchecked)
                (void)floatsFromPackedCbor(packedMap, kMaxHistogramBins);
            if (compressed != CompressedArray::No)
                return BatchHistogram::deferred([packedMap]() -> std::vector<float> {
                    try {
                        return floatsFromPackedCbor(packedMap, kMaxHistogramBins);
                    } catch (const std::invalid_argument&) {
                        // Only bytes made to match their CRC yet not inflate get here: no
                        // histogram, as in a session that kept none.
                        return {};
                    }
                });
        } catch (const std::invalid_argument& e) {
            throw CalibError("histogram", e.what());
        }
    }
    return histogramFromCbor<float>(value);
}

QCborMap statsToCbor(const PointStatistics& s)
{
    QCborArray batches;
    for (const auto& b : s.batches)
        batches.append(QCborMap{{K("min"), double(b.min)}, {K("max"), double(b.max)},
                                {K("count"), qint64(b.count)}, {K("nan"), qint64(b.nan)},
                                {K("inf"), qint64(b.inf)}, {K("sum"), b.sum},
                                {K("sum_squares"), b.sumSquares}, {K("abs_max"), double(b.absMax)},
                                {K("abs_histogram"), histogramToCbor(b.absHistogram.countsCopy())}});
    return QCborMap{{K("count"), qint64(s.count)}, {K("nan"), qint64(s.nan)}, {K("inf"), qint64(s.inf)},
                    {K("min"), double(s.min)}, {K("max"), double(s.max)}, {K("mean"), s.mean},
                    {K("std"), s.std}, {K("shape"), intArray(s.shape)},
                    {K("histogram"), QCborMap{{K("lo"), s.histogram.lo}, {K("hi"), s.histogram.hi},
                                              {K("counts"), histogramToCbor(s.histogram.counts)}}},
                    {K("batches"), batches}};
}

PointStatistics statsFromCbor(const QCborMap& m)
{
    PointStatistics s;
    s.count = m.value(K("count")).toInteger();
    s.nan = m.value(K("nan")).toInteger();
    s.inf = m.value(K("inf")).toInteger();
    s.min = float(m.value(K("min")).toDouble());
    s.max = float(m.value(K("max")).toDouble());
    s.mean = m.value(K("mean")).toDouble();
    s.std = m.value(K("std")).toDouble();
    s.shape = intVector(m.value(K("shape")));
    const QCborMap h = m.value(K("histogram")).toMap();
    s.histogram.lo = h.value(K("lo")).toDouble();
    s.histogram.hi = h.value(K("hi")).toDouble();
    s.histogram.counts = histogramFromCbor<double>(h.value(K("counts")));
    for (const auto& v : m.value(K("batches")).toArray()) {
        const QCborMap b = v.toMap();
        BatchSummary bs;
        bs.min = float(b.value(K("min")).toDouble());
        bs.max = float(b.value(K("max")).toDouble());
        bs.count = b.value(K("count")).toInteger();
        bs.nan = b.value(K("nan")).toInteger();
        bs.inf = b.value(K("inf")).toInteger();
        bs.sum = b.value(K("sum")).toDouble();
        bs.sumSquares = b.value(K("sum_squares")).toDouble();
        bs.absMax = float(b.value(K("abs_max")).toDouble());
        bs.absHistogram = batchHistogramFromCbor(b.value(K("abs_histogram")));
        s.batches.push_back(std::move(bs));
    }
    return s;
}

QCborMap rangesToCbor(const ChannelRanges& r)
{
    return QCborMap{{K("min"), packed(r.min)}, {K("max"), packed(r.max)}};
}

ChannelRanges rangesFromCbor(const QCborMap& m)
{
    return ChannelRanges{unpacked<float>(m.value(K("min"))), unpacked<float>(m.value(K("max")))};
}


QCborMap parametersToCbor(const LayerParameterMap& parameters)
{
    QCborMap m;
    for (const auto& [name, p] : parameters) {
        QCborMap layer;
        if (!p.weight.empty()) {
            layer.insert(K("weight_shape"), intArray(p.weightShape));
            layer.insert(K("weight"), packed(p.weight));
        }
        if (!p.bias.empty())
            layer.insert(K("bias"), packed(p.bias));
        m.insert(QString::fromStdString(name), layer);
    }
    return m;
}

LayerParameterMap parametersFromCbor(const QCborMap& m, const std::string& path)
{
    LayerParameterMap parameters;
    for (auto it = m.begin(); it != m.end(); ++it) {
        const std::string name = it.key().toString().toStdString();
        const QCborMap layer = it.value().toMap();
        LayerParameters p;
        p.weightShape = intVector(layer.value(K("weight_shape")));
        p.weight = unpacked<float>(layer.value(K("weight")));
        p.bias = unpacked<float>(layer.value(K("bias")));
        int64_t count = p.weight.empty() ? 0 : 1;
        for (int64_t d : p.weightShape)
            count = d < 0 || d > (int64_t(1) << 40) ? -1 : count * d;
        if (!p.weight.empty() && count != int64_t(p.weight.size()))
            throw CalibError(path, "corrupt session (repaired weight of " + name + " has " + std::to_string(p.weight.size())
                                       + " values for shape " + shapeToString(p.weightShape) + ")");
        for (float v : p.weight)
            if (!std::isfinite(v))
                throw CalibError(path, "corrupt session (repaired weight of " + name + " is not finite)");
        for (float v : p.bias)
            if (!std::isfinite(v))
                throw CalibError(path, "corrupt session (repaired bias of " + name + " is not finite)");
        parameters[name] = std::move(p);
    }
    return parameters;
}

QCborArray repairsToCbor(const std::vector<RepairRecord>& repairs)
{
    QCborArray a;
    for (const auto& r : repairs) {
        QCborMap params;
        for (const auto& [key, value] : r.params)
            params.insert(QString::fromStdString(key), QString::fromStdString(value));
        QCborArray notes;
        for (const auto& n : r.notes)
            notes.append(QString::fromStdString(n));
        a.append(QCborMap{{K("name"), QString::fromStdString(r.name)}, {K("params"), params}, {K("notes"), notes}});
    }
    return a;
}

std::vector<RepairRecord> repairsFromCbor(const QCborArray& a)
{
    std::vector<RepairRecord> repairs;
    for (const auto& v : a) {
        const QCborMap m = v.toMap();
        RepairRecord r;
        r.name = m.value(K("name")).toString().toStdString();
        const QCborMap params = m.value(K("params")).toMap();
        for (auto it = params.begin(); it != params.end(); ++it)
            r.params[it.key().toString().toStdString()] = it.value().toString().toStdString();
        for (const auto& n : m.value(K("notes")).toArray())
            r.notes.push_back(n.toString().toStdString());
        repairs.push_back(std::move(r));
    }
    return repairs;
}

QCborMap configToCbor(const CalibrationConfig& c)
{
    QCborMap overrides;
    for (const auto& [name, oc] : c.overrides)
        overrides.insert(QString::fromStdString(name), json(observerConfigToJson(oc)));
    QCborMap weightOverrides;
    for (const auto& [name, oc] : c.weightOverrides)
        weightOverrides.insert(QString::fromStdString(name), json(observerConfigToJson(oc)));
    QCborMap m{{K("model"), QString::fromStdString(c.modelPath)},
                    {K("mode"), c.mode == PointMode::Deployment ? K("deployment") : K("per_op")},
                    {K("data"), json(c.data.toJson())},
                    {K("batch_size"), c.batchSize},
                    {K("num_batches"), c.numBatches},
                    {K("threads"), c.threads},
                    {K("activation"), json(observerConfigToJson(c.activation))},
                    {K("weight"), json(observerConfigToJson(c.weight))},
                    {K("overrides"), overrides},
                    {K("weight_overrides"), weightOverrides},
                    {K("compare_observers"), c.compareObservers},
                    {K("histogram_bins"), c.histogramBins}};
    if (!c.parameters.empty()) // version 2
        m.insert(K("parameters"), parametersToCbor(c.parameters));
    return m;
}

CalibrationConfig configFromCbor(const QCborMap& m, const std::string& path)
{
    CalibrationConfig c;
    c.modelPath = m.value(K("model")).toString().toStdString();
    c.mode = m.value(K("mode")).toString() == K("per_op") ? PointMode::PerOp : PointMode::Deployment;
    c.data = DatasetSpec::fromJson(jsonOf(m.value(K("data"))), path);
    c.batchSize = int(m.value(K("batch_size")).toInteger());
    c.numBatches = int(m.value(K("num_batches")).toInteger());
    c.threads = int(m.value(K("threads")).toInteger());
    c.activation = observerConfigFromJson(jsonOf(m.value(K("activation"))), path);
    c.weight = observerConfigFromJson(jsonOf(m.value(K("weight"))), path);
    const QCborMap overrides = m.value(K("overrides")).toMap();
    for (auto it = overrides.begin(); it != overrides.end(); ++it)
        c.overrides[it.key().toString().toStdString()] = observerConfigFromJson(jsonOf(it.value()), path);
    const QCborMap weightOverrides = m.value(K("weight_overrides")).toMap();
    for (auto it = weightOverrides.begin(); it != weightOverrides.end(); ++it)
        c.weightOverrides[it.key().toString().toStdString()] = observerConfigFromJson(jsonOf(it.value()), path);
    c.compareObservers = m.value(K("compare_observers")).toBool();
    c.histogramBins = int(m.value(K("histogram_bins")).toInteger());
    c.parameters = parametersFromCbor(m.value(K("parameters")).toMap(), path);
    return c;
}

QCborMap resultToCbor(const obs::ObserverResult& r) { return json(observerResultToJson(r)).toMap(); }
obs::ObserverResult resultFromCbor(const QCborValue& v) { return observerResultFromJson(jsonOf(v)); }

// What a point and a weight store alike: the name, the op, the configured observer and its
// result, first in the map; each adds its own keys after them.
template <class Calibration>
QCborMap calibrationToCbor(const Calibration& c)
{
    return QCborMap{{K("name"), QString::fromStdString(c.name)},
                    {K("op_index"), c.opIndex},
                    {K("config"), json(observerConfigToJson(c.config))},
                    {K("result"), resultToCbor(c.result)}};
}

template <class Calibration>
void calibrationFromCbor(const QCborMap& m, Calibration& c, const std::string& path)
{
    c.name = m.value(K("name")).toString().toStdString();
    c.opIndex = int(m.value(K("op_index")).toInteger());
    c.config = observerConfigFromJson(jsonOf(m.value(K("config"))), path);
    c.result = resultFromCbor(m.value(K("result")));
}

// A point whose observers cannot be rebuilt (a state from another calibscope, a damaged
// file) still loads: it just needs a re-run to retune, which the warning says.
void restorePointObservers(CalibrationResult& r, ObserverBank& bank, const PointCalibration& p,
                           const QCborMap& observers, const std::string& path)
{
    try {
        bank.points.emplace(p.name, bankPointFromCbor(observers, p.config, double(p.stats.batches.size())));
    } catch (const std::exception& e) { // std::invalid_argument from the observers, CalibError
        r.warnings.push_back(path + ": the observers of point " + p.name + " could not be restored (" + e.what()
                             + "); changing its observer needs a new calibration");
        logWarning(r.warnings.back());
    }
}

} // namespace

void saveSession(const CalibrationResult& r, const ObserverBank& bank, const std::string& path)
{
    QCborArray ops;
    for (const auto& op : r.model.ops)
        ops.append(opToCbor(op));
    QCborArray points;
    for (const auto& p : r.points) {
        QCborMap compare;
        for (const auto& [name, result] : p.compare)
            compare.insert(QString::fromStdString(name), resultToCbor(result));
        QCborMap point = calibrationToCbor(p);
        point.insert(K("compare"), compare);
        point.insert(K("stats"), statsToCbor(p.stats));
        // The live observers, so that a reopened session still retunes instantly. Older
        // sessions lack them and load with an empty bank (retunes then need a re-run).
        if (auto it = bank.points.find(p.name); it != bank.points.end())
            point.insert(K("observers"), bankPointToCbor(it->second));
        points.append(point);
    }
    QCborArray weights;
    for (const auto& w : r.weights) {
        QCborMap weight = calibrationToCbor(w);
        weight.insert(K("shape"), intArray(w.shape));
        weight.insert(K("folded"), rangesToCbor(w.folded));
        weight.insert(K("unfolded"), rangesToCbor(w.unfolded));
        weight.insert(K("folded_batch_norm"), QString::fromStdString(w.foldedBatchNorm));
        weights.append(weight);
    }
    QCborArray warnings;
    for (const auto& w : r.warnings)
        warnings.append(QString::fromStdString(w));

    QCborMap root{
        {K("format"), K("calibscope-session")},
        {K("version"), r.config.parameters.empty() && r.repairs.empty() ? 1 : kSessionVersion},
        {K("generator"), QStringLiteral("calibscope " CALIBSCOPE_VERSION)},
        {K("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {K("model"), QCborMap{{K("path"), QString::fromStdString(r.model.path)},
                              {K("sha256"), QString::fromStdString(r.model.sha256)},
                              {K("input_shape"), intArray(r.model.inputShape)},
                              {K("parameters"), qint64(r.model.parameterCount)}}},
        {K("config"), configToCbor(r.config)},
        {K("ops"), ops},
        {K("points"), points},
        {K("weights"), weights},
        {K("run"), QCborMap{{K("images"), qint64(r.images)}, {K("batches"), r.batches},
                            {K("seconds"), r.seconds}, {K("images_per_second"), r.imagesPerSecond},
                            {K("warnings"), warnings}}}};
    // Optional: a session without "evaluation" (none run, or an older file) loads with null.
    if (r.evaluation)
        root.insert(K("evaluation"), evaluationToCbor(*r.evaluation));
    if (!r.repairs.empty())
        root.insert(K("repairs"), repairsToCbor(r.repairs));
    writeFileAtomically(path, root.toCborValue().toCbor().toStdString());
}

namespace {

// A parsed CBOR container costs far more memory than its encoding (an empty array is one
// byte in the file and hundreds in a QCborValue): before parsing, the file's containers are
// counted, and a file with more than its size can hold as real session data is refused.
// Also refuses bytes after the one top-level item. Returns "" when fine.
std::string checkCborShape(const QByteArray& bytes)
{
    QCborStreamReader reader(bytes);
    std::vector<char> skipped(64 * 1024);
    const qint64 maxContainers = 4096 + bytes.size() / 16;
    qint64 containers = 0;
    int depth = 0;
    do {
        if (reader.lastError() != QCborError::NoError)
            return "corrupt CBOR (" + reader.lastError().toString().toStdString() + ")";
        if (!reader.hasNext()) {
            if (depth == 0)
                return "corrupt CBOR (no value)";
            reader.leaveContainer();
            --depth;
            continue;
        }
        if (reader.isArray() || reader.isMap()) {
            if (++containers > maxContainers)
                return "corrupt session (more than " + std::to_string(maxContainers) + " arrays and maps in "
                       + std::to_string(bytes.size()) + " bytes)";
            if (++depth > 64)
                return "corrupt session (arrays or maps nested more than 64 deep)";
            reader.enterContainer();
            continue;
        }
        if (reader.isString() || reader.isByteArray()) {
            // Strings come in chunks: each passes through one small buffer, nothing is kept
            // (a session's byte strings are nearly all of its bytes).
            auto chunk = reader.readStringChunk(skipped.data(), qsizetype(skipped.size()));
            while (chunk.status == QCborStreamReader::Ok)
                chunk = reader.readStringChunk(skipped.data(), qsizetype(skipped.size()));
            continue;
        }
        reader.next();
    } while (depth > 0);
    if (reader.lastError() != QCborError::NoError)
        return "corrupt CBOR (" + reader.lastError().toString().toStdString() + ")";
    if (reader.currentOffset() != bytes.size())
        return "corrupt session (" + std::to_string(bytes.size() - reader.currentOffset())
               + " bytes after the session's data)";
    return {};
}

// An observer state sees each batch of its point at most once, and the point's statistics
// hold one summary per batch: a state claiming more batches (which would let its compressed
// arrays claim more room) is corrupt.
void checkObserverBatches(const QCborMap& observers, const PointCalibration& p, const std::string& path)
{
    auto check = [&](const QCborValue& state, const std::string& which) {
        const double batches = state.toMap().value(K("scalars")).toMap().value(K("batches")).toDouble(0);
        if (!(batches >= 0) || batches > double(p.stats.batches.size()))
            throw CalibError(path, "corrupt session (point " + p.name + " observer " + which + " claims "
                                       + std::to_string(batches) + " batches; its statistics hold "
                                       + std::to_string(p.stats.batches.size()) + ")");
    };
    check(observers.value(K("configured")), "configured");
    const QCborMap compare = observers.value(K("compare")).toMap();
    for (auto it = compare.begin(); it != compare.end(); ++it)
        check(it.value(), it.key().toString().toStdString());
}

bool positiveFinite(float v) { return std::isfinite(v) && v > 0; }

// What every later step relies on, checked once on load: the error names the field.
void validateSession(const CalibrationResult& r, const std::string& path)
{
    auto fail = [&](const std::string& what) { throw CalibError(path, "corrupt session (" + what + ")"); };
    if (r.model.path.empty())
        fail("model.path is empty: the session names no model");
    if (r.points.empty())
        fail("no quantization points");
    auto checkResult = [&](const obs::ObserverResult& res, const std::string& where) {
        for (size_t c = 0; c < res.scale.size(); ++c)
            if (!positiveFinite(res.scale[c]))
                fail(where + " scale[" + std::to_string(c) + "] is " + std::to_string(res.scale[c])
                     + "; scales must be positive and finite");
        if (res.zeroPoint.size() != res.scale.size())
            fail(where + " has " + std::to_string(res.scale.size()) + " scales and " + std::to_string(res.zeroPoint.size())
                 + " zero points");
    };
    for (const PointCalibration& p : r.points) {
        checkResult(p.result, "point " + p.name + " result");
        for (const auto& [name, res] : p.compare)
            checkResult(res, "point " + p.name + " compare." + name);
    }
    for (const WeightCalibration& w : r.weights) {
        if (w.opIndex < 0 || size_t(w.opIndex) >= r.model.ops.size())
            fail("weight " + w.name + " op_index " + std::to_string(w.opIndex) + " is not one of the "
                 + std::to_string(r.model.ops.size()) + " ops");
        checkResult(w.result, "weight " + w.name + " result");
    }
}

} // namespace

namespace {

// One point of the "points" array: its calibration, statistics and live observers.
void loadPoint(const QCborMap& m, CalibrationResult& r, ObserverBank& bank, const std::string& path)
{
    PointCalibration p;
    calibrationFromCbor(m, p, path);
    const QCborMap compare = m.value(K("compare")).toMap();
    for (auto it = compare.begin(); it != compare.end(); ++it)
        p.compare[it.key().toString().toStdString()] = resultFromCbor(it.value());
    p.stats = statsFromCbor(m.value(K("stats")).toMap());
    if (p.opIndex < 0 || size_t(p.opIndex) >= r.model.ops.size())
        throw CalibError(path, "corrupt session (point " + p.name + " has no op)");
    if (m.contains(K("observers"))) {
        try {
            checkObserverBatches(m.value(K("observers")).toMap(), p, path);
            restorePointObservers(r, bank, p, m.value(K("observers")).toMap(), path);
        } catch (const CalibError& e) { // like any damaged state: the point loads without its observers
            r.warnings.push_back(std::string(e.what()) + "; the observers of point " + p.name
                                 + " are not restored, changing its observer needs a new calibration");
            logWarning(r.warnings.back());
        }
    }
    r.points.push_back(std::move(p));
}

// What every key before "points" sets up (the points refer to the ops and the configuration).
void loadHeader(const QCborMap& root, CalibrationResult& r, const std::string& path)
{
    if (root.value(K("format")).toString() != K("calibscope-session"))
        throw CalibError(path, "not a calibscope session");
    const QCborValue versionValue = root.value(K("version"));
    const qint64 version = versionValue.toInteger(-1);
    if (!versionValue.isInteger() || version < 1)
        throw CalibError(path, "corrupt session (version must be a positive integer)");
    if (version > kSessionVersion)
        throw CalibError(path, "made by a newer calibscope (session version " + std::to_string(version) + ")");
    const QCborMap model = root.value(K("model")).toMap();
    r.model.path = model.value(K("path")).toString().toStdString();
    r.model.sha256 = model.value(K("sha256")).toString().toStdString();
    r.model.inputShape = intVector(model.value(K("input_shape")));
    r.model.parameterCount = model.value(K("parameters")).toInteger();
    for (const auto& op : root.value(K("ops")).toArray())
        r.model.ops.push_back(opFromCbor(op.toMap()));
    r.config = configFromCbor(root.value(K("config")).toMap(), path);
}

bool hasHeader(const QCborMap& root)
{
    for (const char* key : {"format", "version", "model", "config", "ops"})
        if (!root.contains(QLatin1String(key)))
            return false;
    return true;
}

// The session's top-level map, read item by item: the points (nearly all of a session's bytes)
// are parsed one at a time and dropped once loaded, so the whole file never stands as one tree
// of QCborValues beside the loaded result. Points that come before the keys they refer to (a
// writer with another key order) are kept parsed and loaded after the map.
void readSession(QCborStreamReader& reader, CalibrationResult& r, ObserverBank& bank, QCborMap& root,
                 const std::string& path)
{
    // Every item is checked as it is parsed: a damaged one (bad UTF-8, say) is not handed on.
    auto item = [&]() {
        QCborValue value = QCborValue::fromCbor(reader);
        if (reader.lastError() != QCborError::NoError)
            throw CalibError(path, "not a calibscope session (corrupt CBOR: " + reader.lastError().toString().toStdString() + ")");
        return value;
    };
    if (!reader.isMap())
        throw CalibError(path, "not a calibscope session (corrupt or not CBOR)");
    reader.enterContainer();
    bool header = false;
    bool pointsSeen = false;
    QCborArray laterPoints;
    while (reader.hasNext()) {
        const QCborValue key = item();
        if (!key.isString()) {
            reader.next(); // a session's keys are strings: anything else is not read
        } else if (key.toString() == K("points") && reader.isArray()) {
            if (pointsSeen)
                throw CalibError(path, "corrupt session (two \"points\" arrays)");
            pointsSeen = true;
            if (!header && hasHeader(root)) {
                loadHeader(root, r, path);
                header = true;
            }
            reader.enterContainer();
            while (reader.hasNext()) {
                const QCborValue point = item();
                if (header)
                    loadPoint(point.toMap(), r, bank, path);
                else
                    laterPoints.append(point);
            }
            reader.leaveContainer();
        } else {
            const QString name = key.toString();
            root.insert(name, item());
        }
        if (reader.lastError() != QCborError::NoError)
            throw CalibError(path, "not a calibscope session (corrupt CBOR: " + reader.lastError().toString().toStdString() + ")");
    }
    if (!header)
        loadHeader(root, r, path);
    for (const auto& point : laterPoints)
        loadPoint(point.toMap(), r, bank, path);
}

} // namespace

CalibrationResult loadSession(const std::string& path, ObserverBank* bankOut)
{
    QFile file(QString::fromStdString(path));
    if (!file.exists())
        throw CalibError(path, "no such file");
    if (!file.open(QIODevice::ReadOnly))
        throw CalibError(path, "cannot read (" + file.errorString().toStdString() + ")");
    const QByteArray bytes = file.readAll();
    if (const std::string problem = checkCborShape(bytes); !problem.empty())
        throw CalibError(path, problem.rfind("corrupt CBOR", 0) == 0 ? "not a calibscope session (" + problem + ")" : problem);

    CalibrationResult r;
    ObserverBank bank;
    QCborMap root;
    QCborStreamReader reader(bytes);
    readSession(reader, r, bank, root, path);
    for (const auto& v : root.value(K("weights")).toArray()) {
        const QCborMap m = v.toMap();
        WeightCalibration w;
        calibrationFromCbor(m, w, path);
        w.shape = intVector(m.value(K("shape")));
        w.folded = rangesFromCbor(m.value(K("folded")).toMap());
        w.unfolded = rangesFromCbor(m.value(K("unfolded")).toMap());
        w.foldedBatchNorm = m.value(K("folded_batch_norm")).toString().toStdString();
        r.weights.push_back(std::move(w));
    }
    const QCborMap run = root.value(K("run")).toMap();
    r.images = run.value(K("images")).toInteger();
    r.batches = int(run.value(K("batches")).toInteger());
    r.seconds = run.value(K("seconds")).toDouble();
    r.imagesPerSecond = run.value(K("images_per_second")).toDouble();
    for (const auto& w : run.value(K("warnings")).toArray())
        r.warnings.push_back(w.toString().toStdString());
    r.repairs = repairsFromCbor(root.value(K("repairs")).toArray());
    // A damaged evaluation costs only itself: the calibration still loads (evaluate again).
    if (root.value(K("evaluation")).isMap()) {
        try {
            r.evaluation = std::make_shared<const EvaluationResult>(evaluationFromCbor(root.value(K("evaluation")).toMap(), path));
        } catch (const CalibError& e) {
            r.warnings.push_back(std::string("the stored evaluation could not be read (") + e.what() + "); evaluate again");
            logWarning(r.warnings.back());
        }
    }
    validateSession(r, path);
    if (bankOut)
        *bankOut = std::move(bank);
    return r;
}

} // namespace cs
