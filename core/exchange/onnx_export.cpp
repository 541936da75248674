#include "core/exchange/onnx_export.h"

#include "core/errors.h"
#include "core/exchange/export_points_p.h"
#include "core/exchange/fakequant_export.h"
#include "core/exchange/json_writer.h"
#include "core/exchange/onnx_export_script.h"
#include "core/observers/observer_registry.h"
#include "core/platform/atomic_file.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

namespace cs {
namespace {

void writeQParams(JsonWriter& w, const std::string& name, const obs::ObserverResult& r, const ObserverConfig& c)
{
    const obs::QuantRange range = obs::quantRange(c.spec);
    w.beginObject(true);
    w.stringMember("name", name);
    w.qparamsMembers(r.scale, r.zeroPoint);
    w.integerMember("quant_min", range.qmin);
    w.integerMember("quant_max", range.qmax);
    w.endObject();
}

// The points in the order their fake_quantize ops stand in the TorchScript graph (each right
// after its producer, so graph order), and every conv/linear weight in graph order.
std::string pointsJson(const CalibrationResult& result)
{
    const ExportPoints points(result);
    JsonWriter w;
    w.beginObject();
    w.key("input_shape");
    std::vector<int64_t> shape = result.model.inputShape;
    if (!shape.empty() && shape[0] <= 0)
        shape[0] = 1;
    w.integerArray(shape);
    w.key("activations");
    w.beginArray();
    for (const OpInfo& op : result.model.ops)
        if (const PointCalibration* p = points.activation(op.name); p && !p->config.keepFloat)
            writeQParams(w, p->name, p->result, p->config);
    w.endArray();
    w.key("weights");
    w.beginArray();
    for (const OpInfo& op : result.model.ops)
        if (const WeightCalibration* wc = points.weight(op.name)) {
            if (wc->config.keepFloat)
                w.null();
            else
                writeQParams(w, wc->name, wc->result, wc->config);
        }
    w.endArray();
    w.endObject();
    return w.finish();
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

OnnxExportInfo saveOnnx(const CalibrationResult& result, const std::string& modelPath, const std::string& outPath,
                        int opset)
{
    if (opset < 10 || opset > 17)
        throw CalibError(outPath, "ONNX opset " + std::to_string(opset) + " is not supported (10 to 17; per-channel "
                                  "weights need 13 or later)");
    if (result.model.inputShape.empty())
        throw CalibError(result.model.path, "the model's input shape is unknown; ONNX export traces one input");
    QTemporaryDir tmp;
    if (!tmp.isValid())
        throw CalibError(outPath, "cannot create a temporary folder");
    const QString fq = tmp.filePath(QStringLiteral("fakequant.pt"));
    saveFakeQuantModel(result, modelPath, fq.toStdString());
    const QString script = tmp.filePath(QStringLiteral("onnx_export.py"));
    const QString points = tmp.filePath(QStringLiteral("points.json"));
    const QString onnx = tmp.filePath(QStringLiteral("model.onnx"));
    const QString names = tmp.filePath(QStringLiteral("names.json"));
    writeFileAtomically(script.toStdString(), kOnnxExportScript);
    writeFileAtomically(points.toStdString(), pointsJson(result));

    const QByteArray custom = qgetenv("CALIBSCOPE_PYTHON");
    const QString python = custom.isEmpty() ? QStringLiteral("/usr/bin/python3") : QString::fromLocal8Bit(custom);
    if (!QFileInfo(python).isExecutable())
        throw CalibError(outPath, "ONNX export runs PyTorch's exporter through " + python.toStdString()
                                      + ", which is missing (install python3 and python3-torch)");
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(python, {script, fq, points, onnx, names, QString::number(opset)});
    if (!p.waitForFinished(-1) || p.exitStatus() != QProcess::NormalExit)
        throw CalibError(outPath, "the ONNX exporter (" + python.toStdString() + ") did not finish");
    const QString out = QString::fromUtf8(p.readAll()).trimmed();
    QString last;
    for (const QString& line : out.split(QLatin1Char('\n')))
        if (line.startsWith(QLatin1String("OK ")) || line.startsWith(QLatin1String("ERROR "))
            || line.startsWith(QLatin1String("UNSUPPORTED ")) || line.startsWith(QLatin1String("MISSING ")))
            last = line;
    switch (p.exitCode()) {
    case 0: break;
    case 3:
        throw CalibError(outPath, "PyTorch's ONNX exporter cannot convert op "
                                      + last.mid(int(sizeof("UNSUPPORTED ")) - 1).toStdString());
    case 4:
        throw CalibError(outPath, "ONNX export needs " + last.mid(int(sizeof("MISSING ")) - 1).toStdString()
                                      + " (apt install python3-torch python3-onnx)");
    default:
        throw CalibError(outPath, "ONNX export failed: "
                                      + (last.isEmpty() ? out.section(QLatin1Char('\n'), -1) : last.mid(6)).toStdString());
    }
    OnnxExportInfo info;
    const QStringList counts = last.split(QLatin1Char(' '));
    info.activationPairs = counts.value(1).toInt();
    info.weightPairs = counts.value(2).toInt();
    info.namesPath = outPath + ".names.json";
    const QByteArray model = readFile(onnx);
    const QByteArray nameMap = readFile(names);
    if (model.isEmpty() || nameMap.isEmpty())
        throw CalibError(outPath, "the ONNX exporter wrote nothing");
    writeFileAtomically(outPath, model.toStdString());
    try {
        writeFileAtomically(info.namesPath, nameMap.toStdString());
    } catch (const CalibError&) {
        QFile::remove(QString::fromStdString(outPath));
        throw;
    }
    return info;
}

} // namespace cs
