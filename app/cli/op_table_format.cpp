#include "cli/op_table_format.h"

#include "cli/cli_common.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <sstream>

namespace cs {
namespace {

QJsonArray toJson(const std::vector<int64_t>& shape)
{
    QJsonArray a;
    for (auto v : shape)
        a.append(qint64(v));
    return a;
}

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + '"';
}

} // namespace

std::string opRole(const OpInfo& op)
{
    if (op.kind == "input")
        return "input";
    if (op.passthrough)
        return "passthrough";
    if (!op.fusedInto.empty())
        return "fused";
    return "point";
}

std::string formatOpsTable(const ModelSummary& summary)
{
    const std::vector<std::string> header{"#", "name", "kind", "module", "shape", "role", "weight"};
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < summary.ops.size(); ++i) {
        const OpInfo& op = summary.ops[i];
        std::string role = opRole(op);
        if (!op.fusedInto.empty())
            role += " -> " + op.fusedInto;
        else if (!op.sharesPointWith.empty())
            role += " -> " + op.sharesPointWith;
        rows.push_back({std::to_string(i), op.name, op.kind, op.module.empty() ? std::string("-") : op.module,
                        shapeToString(op.shape), role,
                        op.hasWeightPoint() ? shapeToString(op.weightShape) : std::string("-")});
    }
    std::ostringstream out;
    out << cli::textTable(header, rows);
    out << summary.ops.size() << " ops, " << summary.activationPointCount() << " activation points, "
        << summary.weightPointCount() << " weight points, " << summary.parameterCount << " parameters\n";
    return out.str();
}

std::string formatOpsJson(const ModelSummary& summary)
{
    QJsonArray ops;
    for (const OpInfo& op : summary.ops) {
        QJsonObject o{{QStringLiteral("name"), QString::fromStdString(op.name)},
                      {QStringLiteral("module"), QString::fromStdString(op.module)},
                      {QStringLiteral("kind"), QString::fromStdString(op.kind)},
                      {QStringLiteral("shape"), toJson(op.shape)},
                      {QStringLiteral("passthrough"), op.passthrough},
                      {QStringLiteral("role"), QString::fromStdString(opRole(op))}};
        if (!op.dtype.empty())
            o.insert(QStringLiteral("dtype"), QString::fromStdString(op.dtype));
        if (!op.fusedInto.empty())
            o.insert(QStringLiteral("fused_into"), QString::fromStdString(op.fusedInto));
        if (!op.sharesPointWith.empty())
            o.insert(QStringLiteral("shares_point_with"), QString::fromStdString(op.sharesPointWith));
        if (op.hasWeightPoint())
            o.insert(QStringLiteral("weight_shape"), toJson(op.weightShape));
        ops.append(o);
    }
    QJsonObject root{{QStringLiteral("format"), QStringLiteral("calibscope-ops")},
                     {QStringLiteral("version"), 1},
                     {QStringLiteral("model"), QJsonObject{{QStringLiteral("path"), QString::fromStdString(summary.path)},
                                                           {QStringLiteral("sha256"), QString::fromStdString(summary.sha256)},
                                                           {QStringLiteral("parameters"), qint64(summary.parameterCount)},
                                                           {QStringLiteral("input_shape"), toJson(summary.inputShape)}}},
                     {QStringLiteral("ops"), ops}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
}

std::string formatOpsCsv(const ModelSummary& summary)
{
    std::ostringstream out;
    out << "name,kind,module,shape,role,fused_into,shares_point_with,weight_shape\n";
    for (const OpInfo& op : summary.ops) {
        out << csvField(op.name) << ',' << csvField(op.kind) << ',' << csvField(op.module) << ','
            << csvField(shapeToString(op.shape)) << ',' << opRole(op) << ',' << csvField(op.fusedInto) << ','
            << csvField(op.sharesPointWith) << ','
            << csvField(op.hasWeightPoint() ? shapeToString(op.weightShape) : std::string()) << '\n';
    }
    return out.str();
}

} // namespace cs
