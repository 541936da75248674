// A NumPy .npy reader: the format is a magic string, a Python dict literal describing the
// array ({'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }), then raw elements.
#include "core/dataset/npy_reader.h"

#include "core/dataset/data_error_p.h"

#include <QFile>

#include <cctype>
#include <cstring>
#include <map>

namespace cs {
namespace {

// The subset of Python literals that np.save writes into headers.
struct PyValue {
    enum class Kind { String, Integer, Bool, None, Sequence, Dict } kind = Kind::None;
    std::string text;
    int64_t integer = 0;
    std::vector<PyValue> items;
    std::map<std::string, PyValue> dict;
};

class PyLiteralParser {
public:
    PyLiteralParser(const std::string& text, const std::string& path) : m_text(text), m_path(path) {}

    PyValue parseDocument()
    {
        PyValue value = parseValue();
        skipSpace();
        if (m_pos != m_text.size())
            fail("unexpected text after the header dict");
        return value;
    }

private:
    [[noreturn]] void fail(const std::string& reason) const
    {
        throw dataError(m_path, "malformed .npy header (" + reason + ")");
    }

    void skipSpace()
    {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
            ++m_pos;
    }

    bool consume(char c)
    {
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }

    bool consumeWord(const char* word)
    {
        skipSpace();
        const size_t n = std::strlen(word);
        if (m_text.compare(m_pos, n, word) != 0)
            return false;
        m_pos += n;
        return true;
    }

    PyValue parseValue()
    {
        if (++m_depth > 16)
            fail("nested too deeply");
        PyValue value = parseValueAtDepth();
        --m_depth;
        return value;
    }

    PyValue parseValueAtDepth()
    {
        skipSpace();
        if (m_pos >= m_text.size())
            fail("unexpected end");
        const char c = m_text[m_pos];
        PyValue value;
        if (c == '\'' || c == '"') {
            value.kind = PyValue::Kind::String;
            value.text = parseString();
        } else if (c == '{') {
            ++m_pos;
            value.kind = PyValue::Kind::Dict;
            while (!consume('}')) {
                skipSpace();
                if (m_pos >= m_text.size() || (m_text[m_pos] != '\'' && m_text[m_pos] != '"'))
                    fail("dict keys must be strings");
                const std::string key = parseString();
                if (!consume(':'))
                    fail("expected ':'");
                value.dict[key] = parseValue();
                if (consume('}'))
                    break;
                if (!consume(','))
                    fail("expected ',' or '}'");
            }
        } else if (c == '(' || c == '[') {
            const char close = c == '(' ? ')' : ']';
            ++m_pos;
            value.kind = PyValue::Kind::Sequence;
            while (!consume(close)) {
                value.items.push_back(parseValue());
                if (consume(close))
                    break;
                if (!consume(','))
                    fail("expected ',' in a sequence");
            }
        } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
            value.kind = PyValue::Kind::Integer;
            size_t used = 0;
            try {
                value.integer = std::stoll(m_text.substr(m_pos), &used);
            } catch (const std::exception&) {
                fail("bad integer");
            }
            m_pos += used;
            if (m_pos < m_text.size() && (m_text[m_pos] == 'L' || m_text[m_pos] == 'l'))
                ++m_pos; // Python 2 long suffix, written by old NumPy versions
        } else if (consumeWord("True")) {
            value.kind = PyValue::Kind::Bool;
            value.integer = 1;
        } else if (consumeWord("False")) {
            value.kind = PyValue::Kind::Bool;
        } else if (consumeWord("None")) {
            value.kind = PyValue::Kind::None;
        } else {
            fail(std::string("unexpected character '") + c + "'");
        }
        return value;
    }

    std::string parseString()
    {
        const char quote = m_text[m_pos++];
        std::string out;
        while (m_pos < m_text.size() && m_text[m_pos] != quote) {
            if (m_text[m_pos] == '\\' && m_pos + 1 < m_text.size())
                ++m_pos;
            out += m_text[m_pos++];
        }
        if (m_pos >= m_text.size())
            fail("unterminated string");
        ++m_pos;
        return out;
    }

    const std::string& m_text;
    const std::string& m_path;
    size_t m_pos = 0;
    int m_depth = 0;
};

uint32_t littleEndian(const unsigned char* p, int bytes)
{
    uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

std::string dtypeKindName(char kind)
{
    switch (kind) {
    case 'c': return "complex";
    case 'O': return "Python objects";
    case 'U': case 'S': case 'a': return "strings";
    case 'V': return "raw or structured records";
    case 'M': case 'm': return "dates/times";
    default: return "unknown kind";
    }
}

// "<f4" → Float32, or a CalibError naming file and dtype.
void decodeDescr(NpyHeader& header, const std::string& path)
{
    const std::string& d = header.descr;
    const auto unsupported = [&](const std::string& why) {
        return dataError(path, "unsupported .npy dtype '" + d + "' (" + why
                                   + "); supported: float16/32/64, int8/16/32/64, uint8/16/32/64, bool");
    };
    if (d.size() < 2)
        throw unsupported("unknown");
    const char order = d[0];
    const char kind = d[1];
    if (kind != 'f' && kind != 'i' && kind != 'u' && kind != 'b')
        throw unsupported(dtypeKindName(kind));
    int size = 0;
    try {
        size = std::stoi(d.substr(2));
    } catch (const std::exception&) {
        throw unsupported("unknown");
    }
    if (order == '>' && size > 1)
        throw unsupported("big-endian; save arr.astype('<" + d.substr(1) + "') instead");
    if (order != '<' && order != '|' && order != '>' && order != '=')
        throw unsupported("unknown byte order");
    if (order == '=' && size > 1)
        throw unsupported("native byte order is ambiguous in a file");

    static const struct { char kind; int size; NpyDtype dtype; } table[] = {
        {'b', 1, NpyDtype::Bool},    {'u', 1, NpyDtype::UInt8},    {'i', 1, NpyDtype::Int8},
        {'u', 2, NpyDtype::UInt16},  {'i', 2, NpyDtype::Int16},    {'u', 4, NpyDtype::UInt32},
        {'i', 4, NpyDtype::Int32},   {'u', 8, NpyDtype::UInt64},   {'i', 8, NpyDtype::Int64},
        {'f', 2, NpyDtype::Float16}, {'f', 4, NpyDtype::Float32},  {'f', 8, NpyDtype::Float64},
    };
    for (const auto& entry : table) {
        if (entry.kind == kind && entry.size == size) {
            header.dtype = entry.dtype;
            header.itemSize = size;
            return;
        }
    }
    throw unsupported(std::to_string(size * 8) + "-bit");
}

float halfToFloat(uint16_t h)
{
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    uint32_t exponent = (h >> 10) & 0x1Fu;
    uint32_t mantissa = h & 0x3FFu;
    uint32_t bits = 0;
    if (exponent == 0x1F) {
        bits = sign | 0x7F800000u | (mantissa << 13); // inf / NaN
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa != 0) {
        // Subnormal half: normalise into a float.
        exponent = 113;
        while (!(mantissa & 0x400u)) {
            mantissa <<= 1;
            --exponent;
        }
        bits = sign | (exponent << 23) | ((mantissa & 0x3FFu) << 13);
    } else {
        bits = sign;
    }
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

template <typename T, typename Out>
void convert(const unsigned char* src, int64_t count, Out* dst)
{
    for (int64_t i = 0; i < count; ++i) {
        T v;
        std::memcpy(&v, src + i * int64_t(sizeof(T)), sizeof(T));
        dst[i] = static_cast<Out>(v);
    }
}

template <typename Out>
void convertAny(NpyDtype dtype, const unsigned char* src, int64_t count, Out* dst)
{
    switch (dtype) {
    case NpyDtype::Bool: for (int64_t i = 0; i < count; ++i) dst[i] = src[i] ? Out(1) : Out(0); break;
    case NpyDtype::UInt8: convert<uint8_t>(src, count, dst); break;
    case NpyDtype::Int8: convert<int8_t>(src, count, dst); break;
    case NpyDtype::UInt16: convert<uint16_t>(src, count, dst); break;
    case NpyDtype::Int16: convert<int16_t>(src, count, dst); break;
    case NpyDtype::UInt32: convert<uint32_t>(src, count, dst); break;
    case NpyDtype::Int32: convert<int32_t>(src, count, dst); break;
    case NpyDtype::UInt64: convert<uint64_t>(src, count, dst); break;
    case NpyDtype::Int64: convert<int64_t>(src, count, dst); break;
    case NpyDtype::Float16:
        for (int64_t i = 0; i < count; ++i)
            dst[i] = static_cast<Out>(halfToFloat(uint16_t(littleEndian(src + 2 * i, 2))));
        break;
    case NpyDtype::Float32: convert<float>(src, count, dst); break;
    case NpyDtype::Float64: convert<double>(src, count, dst); break;
    }
}

} // namespace

int64_t NpyHeader::numel() const
{
    return shapeNumel(shape);
}

bool NpyHeader::isInteger() const
{
    return dtype != NpyDtype::Float16 && dtype != NpyDtype::Float32 && dtype != NpyDtype::Float64;
}

NpyHeader parseNpyHeader(const unsigned char* bytes, size_t size, const std::string& path)
{
    static const unsigned char magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (size < 10 || std::memcmp(bytes, magic, sizeof magic) != 0)
        throw dataError(path, "not a .npy file (bad magic string)");
    const int major = bytes[6];
    if (major < 1 || major > 3)
        throw dataError(path, ".npy format version " + std::to_string(major) + "." + std::to_string(bytes[7])
                                  + " is not supported");
    // Version 1 stores the header length in 2 bytes, versions 2 and 3 in 4.
    const int lengthBytes = major == 1 ? 2 : 4;
    if (size < size_t(8 + lengthBytes))
        throw dataError(path, "truncated .npy header");
    const uint32_t headerLength = littleEndian(bytes + 8, lengthBytes);
    const size_t textStart = size_t(8 + lengthBytes);
    if (size < textStart + headerLength)
        throw dataError(path, "truncated .npy header");
    const std::string text(reinterpret_cast<const char*>(bytes + textStart), headerLength);

    const PyValue dict = PyLiteralParser(text, path).parseDocument();
    if (dict.kind != PyValue::Kind::Dict)
        throw dataError(path, "malformed .npy header (not a dict)");
    const auto field = [&](const char* key) -> const PyValue& {
        const auto it = dict.dict.find(key);
        if (it == dict.dict.end())
            throw dataError(path, std::string("malformed .npy header (no '") + key + "')");
        return it->second;
    };

    NpyHeader header;
    const PyValue& descr = field("descr");
    if (descr.kind != PyValue::Kind::String)
        throw dataError(path, "unsupported .npy dtype (structured records); save a plain numeric array");
    header.descr = descr.text;
    decodeDescr(header, path);

    const PyValue& fortran = field("fortran_order");
    if (fortran.kind != PyValue::Kind::Bool)
        throw dataError(path, "malformed .npy header ('fortran_order' is not True/False)");
    if (fortran.integer)
        throw dataError(path, "Fortran-ordered arrays are not supported; save np.ascontiguousarray(arr)");

    const PyValue& shape = field("shape");
    if (shape.kind != PyValue::Kind::Sequence)
        throw dataError(path, "malformed .npy header ('shape' is not a tuple)");
    for (const PyValue& dim : shape.items) {
        if (dim.kind != PyValue::Kind::Integer || dim.integer < 0)
            throw dataError(path, "malformed .npy header (bad shape entry)");
        header.shape.push_back(dim.integer);
    }
    // Keeps every later size computation far from int64 overflow.
    int64_t elements = 1;
    for (int64_t d : header.shape) {
        if (d != 0 && elements > (int64_t(1) << 48) / d)
            throw dataError(path, "the .npy header declares an implausibly large array " + formatShape(header.shape));
        elements *= d;
    }
    header.dataOffset = int64_t(textStart + headerLength);
    return header;
}

void npyToFloat(NpyDtype dtype, const unsigned char* src, int64_t count, float* dst)
{
    convertAny(dtype, src, count, dst);
}

void npyToInt64(NpyDtype dtype, const unsigned char* src, int64_t count, int64_t* dst)
{
    convertAny(dtype, src, count, dst);
}

std::vector<int64_t> readNpyIntegers(const std::string& path)
{
    QFile file(QString::fromStdString(path));
    if (!file.exists())
        throw dataError(path, "no such file");
    if (!file.open(QIODevice::ReadOnly))
        throw dataError(path, "cannot open: " + file.errorString().toStdString());
    const QByteArray bytes = file.readAll();
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.constData());
    const NpyHeader header = parseNpyHeader(data, size_t(bytes.size()), path);
    if (header.shape.size() != 1)
        throw dataError(path, "labels must be a 1-D array, not " + formatShape(header.shape));
    if (!header.isInteger())
        throw dataError(path, "labels must be integers, not '" + header.descr + "'");
    if (header.dataOffset + header.numel() * header.itemSize > bytes.size())
        throw dataError(path, "truncated .npy file");
    std::vector<int64_t> values(size_t(header.numel()));
    npyToInt64(header.dtype, data + header.dataOffset, header.numel(), values.data());
    return values;
}

} // namespace cs
