#pragma once
// A small streaming JSON writer with a fixed key order and a fixed number format, so that
// the same values always give the same bytes (export -> import -> export is byte-identical).
// Internal to core/exchange.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

class QJsonValue;

namespace cs {

// Shortest text that reads back as exactly the same float32 when parsed as a double and
// narrowed to float (what the importer does); "null" for NaN/Inf.
std::string floatText(float v);
// Shortest text that reads back as exactly the same double; "null" for NaN/Inf.
std::string doubleText(double v);

class JsonWriter {
public:
    // `compact` containers are written on one line ("[1, 2, 3]"), the others one member
    // per line, indented by two spaces per level.
    void beginObject(bool compact = false);
    void endObject();
    void beginArray(bool compact = false);
    void endArray();
    void key(std::string_view name);

    void string(std::string_view text);
    void boolean(bool v);
    void integer(int64_t v);
    void number(double v);
    void float32(float v);
    void null();
    // Any QJsonValue (objects in QJsonObject's sorted key order).
    void value(const QJsonValue& v);

    void floatArray(const std::vector<float>& values);
    void integerArray(const std::vector<int64_t>& values);

    // One object member each: the key, then its value.
    void stringMember(std::string_view name, std::string_view text);
    void integerMember(std::string_view name, int64_t v);
    void booleanMember(std::string_view name, bool v);
    void floatArrayMember(std::string_view name, const std::vector<float>& values);
    void integerArrayMember(std::string_view name, const std::vector<int64_t>& values);
    // "scale" then "zero_point": a quantizer's parameters, written alike by every export.
    void qparamsMembers(const std::vector<float>& scale, const std::vector<int64_t>& zeroPoint);

    // The document, ending with a newline.
    std::string finish();

private:
    struct Level {
        bool object = false;
        bool compact = false;
        int members = 0;
    };
    void beforeValue();
    void raw(std::string_view text);
    void newline(size_t depth);

    std::string out;
    std::vector<Level> levels;
    bool afterKey = false;
};

} // namespace cs
