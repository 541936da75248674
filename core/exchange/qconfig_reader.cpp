#include "core/exchange/qconfig_reader_p.h"

#include "core/errors.h"
#include "core/exchange/qconfig.h"
#include "core/observers/observer_registry.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <set>
#include <utility>

namespace cs {
namespace {

// One bad value in an op entry: the entry is kept with this reason.
struct BadEntry {
    std::string reason;
};

std::string typeName(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null: return "null";
    case QJsonValue::Bool: return "a boolean";
    case QJsonValue::Double: return "a number";
    case QJsonValue::String: return "a string";
    case QJsonValue::Array: return "an array";
    case QJsonValue::Object: return "an object";
    case QJsonValue::Undefined: break;
    }
    return "nothing";
}

std::string join(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

void checkKeys(const QJsonObject& o, const std::set<QString>& known, const std::string& where)
{
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.count(it.key()))
            throw BadEntry{"unknown key '" + it.key().toStdString() + "'" + where};
}

std::string text(const QJsonValue& v, const std::string& key)
{
    if (!v.isString())
        throw BadEntry{"\"" + key + "\" must be a string, got " + typeName(v)};
    return v.toString().toStdString();
}

bool flag(const QJsonValue& v, const std::string& key)
{
    if (!v.isBool())
        throw BadEntry{"\"" + key + "\" must be true or false, got " + typeName(v)};
    return v.toBool();
}

int64_t integer(const QJsonValue& v, const std::string& key)
{
    const double d = v.toDouble();
    if (!v.isDouble() || d != std::floor(d) || std::fabs(d) > 9007199254740992.0)
        throw BadEntry{"\"" + key + "\" must be an integer, got " + (v.isDouble() ? std::to_string(d) : typeName(v))};
    return static_cast<int64_t>(d);
}

std::vector<float> floats(const QJsonValue& v, const std::string& key)
{
    if (!v.isArray())
        throw BadEntry{"\"" + key + "\" must be an array of numbers, got " + typeName(v)};
    std::vector<float> out;
    const QJsonArray a = v.toArray();
    for (qsizetype i = 0; i < a.size(); ++i) {
        const double d = a[i].toDouble();
        if (!a[i].isDouble() || !std::isfinite(static_cast<float>(d)))
            throw BadEntry{"\"" + key + "\"[" + std::to_string(i) + "] must be a finite number, got "
                           + (a[i].isDouble() ? std::to_string(d) : typeName(a[i]))};
        out.push_back(static_cast<float>(d));
    }
    return out;
}

std::vector<int64_t> integers(const QJsonValue& v, const std::string& key)
{
    if (!v.isArray())
        throw BadEntry{"\"" + key + "\" must be an array of integers, got " + typeName(v)};
    std::vector<int64_t> out;
    const QJsonArray a = v.toArray();
    for (qsizetype i = 0; i < a.size(); ++i)
        out.push_back(integer(a[i], key + "[" + std::to_string(i) + "]"));
    return out;
}

// The key's value read by parse (which throws BadEntry on a bad one), or nothing when the key
// is absent: a partial entry changes only what it names.
template <typename Parse>
auto optionalKey(const QJsonObject& o, const char* key, Parse parse)
    -> std::optional<decltype(parse(QJsonValue(), std::string()))>
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return std::nullopt;
    return parse(v, key);
}

// The quantized model applies one scale and zero point to an activation: a per-channel
// activation scheme would silently use channel 0's for every channel.
void checkActivationScheme(const QconfigBlock& b)
{
    if (b.qscheme && (*b.qscheme == obs::QScheme::PerChannelSymmetric || *b.qscheme == obs::QScheme::PerChannelAffine))
        throw BadEntry{"\"activation\" qscheme " + obs::toString(*b.qscheme)
                       + " is not supported: activations are quantized per tensor (per_tensor_symmetric or "
                         "per_tensor_affine); per-channel schemes are for weights"};
}

QconfigBlock parseBlock(const QJsonValue& value, const std::string& which)
{
    if (!value.isObject())
        throw BadEntry{"\"" + which + "\" must be an object, got " + typeName(value)};
    const QJsonObject o = value.toObject();
    static const std::set<QString> known{
        QStringLiteral("observer"),     QStringLiteral("params"),       QStringLiteral("dtype"),
        QStringLiteral("qscheme"),      QStringLiteral("ch_axis"),      QStringLiteral("quant_min"),
        QStringLiteral("quant_max"),    QStringLiteral("narrow_range"), QStringLiteral("reduce_range"),
        QStringLiteral("power_of_two"), QStringLiteral("custom_range"), QStringLiteral("keep_float"),
        QStringLiteral("folded_batch_norm"), QStringLiteral("min"),     QStringLiteral("max"),
        QStringLiteral("scale"),        QStringLiteral("zero_point")};
    checkKeys(o, known, " in \"" + which + "\"");
    QconfigBlock b;
    auto has = [&](const char* key) { return o.contains(QLatin1String(key)); };
    auto at = [&](const char* key) { return o.value(QLatin1String(key)); };
    if (has("observer")) {
        b.observer = text(at("observer"), "observer");
        if (!obs::findObserver(*b.observer))
            throw BadEntry{"unknown observer '" + *b.observer + "' (valid observers: " + join(obs::observerNames()) + ")"};
    }
    if (has("params")) {
        if (!at("params").isObject())
            throw BadEntry{"\"params\" must be an object, got " + typeName(at("params"))};
        const QJsonObject params = at("params").toObject();
        obs::ParamMap map;
        for (auto it = params.begin(); it != params.end(); ++it) {
            const std::string key = it.key().toStdString();
            if (it.value().isBool())
                map[key] = it.value().toBool() ? 1.0 : 0.0;
            else if (it.value().isDouble())
                map[key] = it.value().toDouble();
            else
                throw BadEntry{"parameter '" + key + "' must be a number, got " + typeName(it.value())};
        }
        b.params = map;
    }
    if (has("dtype")) {
        const std::string name = text(at("dtype"), "dtype");
        b.dtype = obs::dtypeFromString(name);
        if (!b.dtype)
            throw BadEntry{"unknown dtype '" + name + "' (valid: " + join(obs::dtypeNames()) + ")"};
    }
    if (has("qscheme")) {
        const std::string name = text(at("qscheme"), "qscheme");
        b.qscheme = obs::qschemeFromString(name);
        if (!b.qscheme)
            throw BadEntry{"unknown qscheme '" + name + "' (valid: " + join(obs::qschemeNames()) + ")"};
    }
    if (has("ch_axis")) {
        const int64_t axis = integer(at("ch_axis"), "ch_axis");
        if (axis < -1 || axis > 7)
            throw BadEntry{"\"ch_axis\" must be in [-1, 7], got " + std::to_string(axis)};
        b.chAxis = static_cast<int>(axis);
    }
    // In the order of the written file, so that the first bad key is the one reported.
    b.quantMin = optionalKey(o, "quant_min", integer);
    b.quantMax = optionalKey(o, "quant_max", integer);
    static const std::pair<const char*, std::optional<bool> QconfigBlock::*> kFlags[] = {
        {"narrow_range", &QconfigBlock::narrowRange}, {"reduce_range", &QconfigBlock::reduceRange},
        {"power_of_two", &QconfigBlock::powerOfTwo},  {"custom_range", &QconfigBlock::customRange},
        {"keep_float", &QconfigBlock::keepFloat}};
    for (const auto& [key, member] : kFlags)
        b.*member = optionalKey(o, key, flag);
    optionalKey(o, "folded_batch_norm", text); // informative only: checked, not kept
    static const std::pair<const char*, std::optional<std::vector<float>> QconfigBlock::*> kArrays[] = {
        {"min", &QconfigBlock::min}, {"max", &QconfigBlock::max}, {"scale", &QconfigBlock::scale}};
    for (const auto& [key, member] : kArrays)
        b.*member = optionalKey(o, key, floats);
    b.zeroPoint = optionalKey(o, "zero_point", integers);
    return b;
}

QconfigOp parseOp(const QJsonValue& value, int index)
{
    QconfigOp op;
    op.index = index;
    op.name = "ops[" + std::to_string(index) + "]";
    try {
        if (!value.isObject())
            throw BadEntry{"must be an object, got " + typeName(value)};
        const QJsonObject o = value.toObject();
        const QJsonValue name = o.value(QLatin1String("name"));
        if (!name.isString() || name.toString().isEmpty())
            throw BadEntry{"has no \"name\" string"};
        op.name = name.toString().toStdString();
        static const std::set<QString> known{
            QStringLiteral("name"),       QStringLiteral("module"),     QStringLiteral("kind"),
            QStringLiteral("passthrough"), QStringLiteral("quantize"),  QStringLiteral("fused_into"),
            QStringLiteral("shares_point_with"), QStringLiteral("activation"), QStringLiteral("weight")};
        checkKeys(o, known, "");
        op.module = optionalKey(o, "module", text);
        op.kind = optionalKey(o, "kind", text);
        op.fusedInto = optionalKey(o, "fused_into", text);
        optionalKey(o, "shares_point_with", text); // informative only: checked, not kept
        op.passthrough = optionalKey(o, "passthrough", flag);
        op.quantize = optionalKey(o, "quantize", flag);
        op.activation = optionalKey(o, "activation", parseBlock);
        if (op.activation)
            checkActivationScheme(*op.activation);
        op.weight = optionalKey(o, "weight", parseBlock);
    } catch (const BadEntry& e) {
        op.problem = e.reason;
    }
    return op;
}

} // namespace

QconfigFile parseQconfig(const std::string& bytes, const std::string& path)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(bytes), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw CalibError(path, "not valid JSON (" + parseError.errorString().toStdString() + " at offset "
                                   + std::to_string(parseError.offset) + ")");
    if (!doc.isObject())
        throw CalibError(path, "expected a JSON object (a calibscope qconfig)");
    const QJsonObject root = doc.object();
    QconfigFile file;
    file.path = path;
    const QJsonValue format = root.value(QLatin1String("format"));
    if (!format.isUndefined() && format.toString() != QLatin1String(kQconfigFormat))
        throw CalibError(path, "not a calibscope qconfig (\"format\" is not \"" + std::string(kQconfigFormat) + "\")");
    const QJsonValue version = root.value(QLatin1String("version"));
    if (!version.isUndefined()) {
        const double v = version.toDouble(-1);
        if (!version.isDouble() || v != std::floor(v) || v < 1)
            throw CalibError(path, "\"version\" must be a positive integer");
        if (v > kQconfigVersion)
            throw CalibError(path, "qconfig version " + QString::number(v, 'g', 17).toStdString()
                                       + " is newer than this calibscope reads (" + std::to_string(kQconfigVersion) + ")");
        file.version = static_cast<int>(v);
    }
    const QJsonValue model = root.value(QLatin1String("model"));
    if (model.isObject()) {
        file.modelPath = model.toObject().value(QLatin1String("path")).toString().toStdString();
        file.modelSha256 = model.toObject().value(QLatin1String("sha256")).toString().toStdString();
    } else if (!model.isUndefined()) {
        file.notes.push_back("\"model\" is not an object: the model hash is not checked");
    }
    file.calibration = root.value(QLatin1String("calibration")).toObject();
    const QJsonValue ops = root.value(QLatin1String("ops"));
    if (!ops.isArray())
        throw CalibError(path, "expected an object with an \"ops\" array (a calibscope qconfig)");
    for (auto it = root.begin(); it != root.end(); ++it) {
        static const std::set<QString> known{QStringLiteral("format"), QStringLiteral("version"), QStringLiteral("model"),
                                             QStringLiteral("calibration"), QStringLiteral("qat"), QStringLiteral("ops")};
        if (!known.count(it.key()))
            file.notes.push_back("unknown top-level key '" + it.key().toStdString() + "' ignored");
    }
    const QJsonArray array = ops.toArray();
    for (qsizetype i = 0; i < array.size(); ++i)
        file.ops.push_back(parseOp(array[i], static_cast<int>(i)));
    return file;
}

QconfigFile readQconfig(const std::string& path)
{
    QFile f(QString::fromStdString(path));
    if (!f.exists())
        throw CalibError(path, "no such file");
    if (!f.open(QIODevice::ReadOnly))
        throw CalibError(path, "cannot read (" + f.errorString().toStdString() + ")");
    return parseQconfig(f.readAll().toStdString(), path);
}

} // namespace cs
