#include "core/exchange/json_writer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

#include <charconv>
#include <cmath>

namespace cs {

namespace {

std::string quoted(std::string_view text)
{
    std::string escaped = "\"";
    for (const char c : text) {
        switch (c) {
        case '"': escaped += "\\\""; break;
        case '\\': escaped += "\\\\"; break;
        case '\b': escaped += "\\b"; break;
        case '\f': escaped += "\\f"; break;
        case '\n': escaped += "\\n"; break;
        case '\r': escaped += "\\r"; break;
        case '\t': escaped += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                static const char* hex = "0123456789abcdef";
                escaped += "\\u00";
                escaped += hex[(c >> 4) & 0xf];
                escaped += hex[c & 0xf];
            } else {
                escaped += c; // UTF-8 passes through unchanged
            }
        }
    }
    escaped += '"';
    return escaped;
}

} // namespace

std::string doubleText(double v)
{
    if (!std::isfinite(v))
        return "null";
    char buffer[64];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, r.ptr);
}

std::string floatText(float v)
{
    if (!std::isfinite(v))
        return "null";
    char buffer[64];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
    std::string text(buffer, r.ptr);
    // The shortest float text is exact when read as float; the importer reads a double and
    // narrows it, which rounds twice. Fall back to the double's own shortest text in the
    // (rare) case where that gives another float.
    // (from_chars, unlike strtod, does not depend on the C locale a GUI sets.)
    double back = 0;
    std::from_chars(text.data(), text.data() + text.size(), back);
    if (static_cast<float>(back) != v)
        text = doubleText(static_cast<double>(v));
    return text;
}

void JsonWriter::newline(size_t depth)
{
    out += '\n';
    out.append(2 * depth, ' ');
}

void JsonWriter::raw(std::string_view text) { out.append(text.data(), text.size()); }

void JsonWriter::beforeValue()
{
    if (afterKey) {
        afterKey = false;
        return;
    }
    if (levels.empty())
        return;
    Level& level = levels.back();
    if (level.members > 0)
        out += level.compact ? ", " : ",";
    if (!level.compact)
        newline(levels.size());
    ++level.members;
}

void JsonWriter::key(std::string_view name)
{
    beforeValue();
    raw(quoted(name));
    out += ": ";
    afterKey = true;
}

void JsonWriter::stringMember(std::string_view name, std::string_view text)
{
    key(name);
    string(text);
}

void JsonWriter::integerMember(std::string_view name, int64_t v)
{
    key(name);
    integer(v);
}

void JsonWriter::booleanMember(std::string_view name, bool v)
{
    key(name);
    boolean(v);
}

void JsonWriter::floatArrayMember(std::string_view name, const std::vector<float>& values)
{
    key(name);
    floatArray(values);
}

void JsonWriter::integerArrayMember(std::string_view name, const std::vector<int64_t>& values)
{
    key(name);
    integerArray(values);
}

void JsonWriter::qparamsMembers(const std::vector<float>& scale, const std::vector<int64_t>& zeroPoint)
{
    floatArrayMember("scale", scale);
    integerArrayMember("zero_point", zeroPoint);
}

void JsonWriter::beginObject(bool compact)
{
    beforeValue();
    out += '{';
    levels.push_back({true, compact || (!levels.empty() && levels.back().compact), 0});
}

void JsonWriter::endObject()
{
    const Level level = levels.back();
    levels.pop_back();
    if (!level.compact && level.members > 0)
        newline(levels.size());
    out += level.object ? '}' : ']';
}

void JsonWriter::beginArray(bool compact)
{
    beforeValue();
    out += '[';
    levels.push_back({false, compact || (!levels.empty() && levels.back().compact), 0});
}

void JsonWriter::endArray() { endObject(); }

void JsonWriter::string(std::string_view text)
{
    beforeValue();
    raw(quoted(text));
}

void JsonWriter::boolean(bool v)
{
    beforeValue();
    raw(v ? "true" : "false");
}

void JsonWriter::integer(int64_t v)
{
    beforeValue();
    raw(std::to_string(v));
}

void JsonWriter::number(double v)
{
    beforeValue();
    raw(doubleText(v));
}

void JsonWriter::float32(float v)
{
    beforeValue();
    raw(floatText(v));
}

void JsonWriter::null()
{
    beforeValue();
    raw("null");
}

void JsonWriter::value(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: null(); break;
    case QJsonValue::Bool: boolean(v.toBool()); break;
    case QJsonValue::Double: number(v.toDouble()); break;
    case QJsonValue::String: string(v.toString().toStdString()); break;
    case QJsonValue::Array: {
        const QJsonArray a = v.toArray();
        beginArray(true);
        for (const QJsonValue& e : a)
            value(e);
        endArray();
        break;
    }
    case QJsonValue::Object: {
        const QJsonObject o = v.toObject();
        beginObject(true);
        for (auto it = o.begin(); it != o.end(); ++it) {
            key(it.key().toStdString());
            value(it.value());
        }
        endObject();
        break;
    }
    }
}

void JsonWriter::floatArray(const std::vector<float>& values)
{
    beginArray(true);
    for (const float v : values)
        float32(v);
    endArray();
}

void JsonWriter::integerArray(const std::vector<int64_t>& values)
{
    beginArray(true);
    for (const int64_t v : values)
        integer(v);
    endArray();
}

std::string JsonWriter::finish()
{
    std::string result = std::move(out);
    result += '\n';
    out.clear();
    levels.clear();
    afterKey = false;
    return result;
}

} // namespace cs
