#include "cli/cli_common.h"

#include "core/errors.h"
#include "core/exchange/checkpoint.h"
#include "core/exchange/fakequant_export.h"
#include "core/exchange/float_state_dict.h"
#include "core/exchange/onnx_export.h"
#include "core/exchange/qconfig.h"
#include "core/model/instrumented_model.h"
#include "core/session.h"
#include "widgets/report/html_report.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace cli {

int runExport(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write a session's calibration in the forms PyTorch pipelines load: the qconfig JSON (every op's observer, "
        "parameters and scale/zero point; accepted back by calibrate --overrides), a checkpoint for "
        "load_state_dict(..., strict=False) on an eager QAT model, a fake-quantized TorchScript model, and a "
        "self-contained HTML report (model, data, plan, accuracy when the session holds an evaluation, the worst "
        "points with their histograms). Every file is written atomically."));
    const auto session = option("session", "Session file made by calibrate.", "S.cscope");
    const auto qconfig = option("qconfig", "Write the qconfig JSON here.", "Q.json");
    const auto checkpoint = option("checkpoint", "Write the checkpoint (a dict of tensors for torch.load) here.", "C.pt");
    const auto fakeQuant = option("fakequant-model", "Write the fake-quantized TorchScript model here.", "FQ.pt");
    const auto model = option("model",
                           "The calibrated model file, for --fakequant-model, --onnx and a repaired session's "
                           "checkpoint in the with_bn modes (default: the path in the session, or that file "
                           "beside the session).",
                           "M.pt");
    const auto report = option("report",
                            "Write a self-contained HTML report here (plots embedded as PNG; drawn off screen, no "
                            "display needed).",
                            "REPORT.html");
    const auto worstPoints = option("worst-points",
                                 "With --report: how many of the lowest-SQNR points get a histogram plot (default 8; 0 = none).",
                                 "N", "8");
    const auto title = option("title", "With --report: the report's title (default: \"Calibration report: <model>\").",
                           "TEXT");
    const auto qatMode = option("qat-mode",
                             "With --checkpoint/--qconfig/--fakequant-model: the QAT model's treatment of conv+batch norm "
                             "(HAT's qat_mode): fuse_bn (BN folded into the conv; default), with_bn (BN kept after the "
                             "conv, weight scales of the conv's own weight), with_bn_reverse_fold (BN kept inside "
                             "PyTorch's ConvBn QAT module, weight scales of the folded weight). The fake-quantized model "
                             "computes what that QAT model computes in eval; ONNX stays BN-folded.",
                             "MODE", "fuse_bn");
    const auto onnx = option("onnx",
                          "Write ONNX with QuantizeLinear/DequantizeLinear at every point (PyTorch's exporter through "
                          "/usr/bin/python3; needs python3-torch and python3-onnx) and M.onnx.names.json beside it.",
                          "M.onnx");
    const auto opset = option("opset", "With --onnx: the ONNX opset (default 13, the first with per-channel Q/DQ).", "N",
                           "13");
    const auto floatStateDict = option("float-state-dict",
                                       "Write the state dict of the original float model with the session's repaired "
                                       "parameters here (load_state_dict on the user's own model).", "F.pt");
    const auto threads = threadsOption();
    const auto quiet = option("quiet", "Print nothing on success.");
    parser.addOptions({session, qconfig, checkpoint, fakeQuant, model, report, worstPoints, title, qatMode, onnx, opset,
                       floatStateDict, threads, quiet});
    int exitCode = Ok;
    if (!parseOrExplain(parser, QStringLiteral("export"), arguments, exitCode, {&session}))
        return exitCode;
    if (!parser.isSet(qconfig) && !parser.isSet(checkpoint) && !parser.isSet(fakeQuant) && !parser.isSet(report)
        && !parser.isSet(onnx) && !parser.isSet(floatStateDict)) {
        printError("export: nothing to write: give --qconfig, --checkpoint, --fakequant-model, --onnx, "
                   "--float-state-dict and/or --report");
        return BadUsage;
    }
    const std::optional<cs::QatMode> mode = cs::parseQatMode(parser.value(qatMode).toStdString());
    if (!mode) {
        printError("export: --qat-mode takes fuse_bn, with_bn or with_bn_reverse_fold");
        return BadUsage;
    }
    bool ok = false;
    const int opsetVersion = parser.value(opset).toInt(&ok);
    if (!ok) {
        printError("export: --opset takes an integer");
        return BadUsage;
    }
    int threadCount = parser.value(threads).toInt(&ok);
    if (!ok || threadCount < 0) {
        printError("export: --threads takes a non-negative integer");
        return BadUsage;
    }
    threadCount = boundThreads(threadCount, "export");
    const int worstPointCount = parser.value(worstPoints).toInt(&ok);
    if (!ok || worstPointCount < 0) {
        printError("export: --worst-points takes a non-negative integer");
        return BadUsage;
    }

    // All or nothing: every output is written to a temporary file beside its destination, and
    // the temporaries are renamed into place only when all of them were written; a failure
    // leaves every destination as it was.
    std::vector<std::pair<std::string, std::string>> pending; // temporary, destination
    auto staged = [&](const QString& destination) {
        const QFileInfo info(destination);
        const QString suffix = info.completeSuffix().isEmpty() ? QString() : QStringLiteral(".") + info.suffix();
        const std::string temporary = info.dir().filePath(QStringLiteral(".%1.partial-%2%3")
                                                              .arg(info.fileName())
                                                              .arg(QCoreApplication::applicationPid())
                                                              .arg(suffix)).toStdString();
        pending.emplace_back(temporary, destination.toStdString());
        return temporary;
    };
    auto discard = [&] {
        for (const auto& [temporary, unused] : pending)
            std::remove(temporary.c_str());
    };
    try {
        const std::string sessionPath = parser.value(session).toStdString();
        const cs::CalibrationResult result = cs::loadSession(sessionPath);
        std::vector<std::string> written;
        if (parser.isSet(qconfig)) {
            cs::saveQconfig(result, staged(parser.value(qconfig)), *mode);
            written.push_back("qconfig:    " + parser.value(qconfig).toStdString() + " (" + std::to_string(result.model.ops.size())
                              + " ops)");
        }
        if (parser.isSet(checkpoint)) {
            // The modes that keep the batch norm unfold repaired parameters with the model's BN.
            const cs::UnfoldedRepairMap unfolded =
                cs::needsUnfoldedRepairs(result, *mode)
                    ? cs::unfoldedRepairs(result, cs::locateModel(result, sessionPath, parser.value(model).toStdString()))
                    : cs::UnfoldedRepairMap{};
            cs::saveCheckpoint(result, staged(parser.value(checkpoint)), *mode, unfolded);
            written.push_back("checkpoint: " + parser.value(checkpoint).toStdString() + " ("
                              + std::to_string(cs::checkpointTensors(result, *mode, unfolded).size()) + " tensors, qat mode "
                              + cs::qatModeName(*mode) + ")");
            if (parser.isSet(qatMode) && !cs::qatModesDiffer(result))
                written.push_back("note:       no batch norm is folded into a conv in this model: the QAT modes are "
                                  "identical here");
        }
        if (parser.isSet(fakeQuant)) {
            cs::setComputeThreads(threadCount);
            const std::string modelPath = cs::locateModel(result, sessionPath, parser.value(model).toStdString());
            cs::saveFakeQuantModel(result, modelPath, staged(parser.value(fakeQuant)), *mode);
            written.push_back("fake-quant: " + parser.value(fakeQuant).toStdString() + " (from " + modelPath + ")");
        }
        if (parser.isSet(floatStateDict)) {
            cs::setComputeThreads(threadCount);
            const std::string modelPath = cs::locateModel(result, sessionPath, parser.value(model).toStdString());
            cs::saveFloatStateDict(result, modelPath, staged(parser.value(floatStateDict)));
            written.push_back("float state dict: " + parser.value(floatStateDict).toStdString() + " ("
                              + std::to_string(result.config.parameters.size()) + " repaired ops)");
        }
        if (parser.isSet(onnx)) {
            cs::setComputeThreads(threadCount);
            const std::string modelPath = cs::locateModel(result, sessionPath, parser.value(model).toStdString());
            const std::string onnxPath = parser.value(onnx).toStdString();
            const cs::OnnxExportInfo info = cs::saveOnnx(result, modelPath, staged(parser.value(onnx)), opsetVersion);
            // The name map is written beside the staged model: it moves into place with it.
            pending.emplace_back(info.namesPath, onnxPath + ".names.json");
            written.push_back("onnx:       " + parser.value(onnx).toStdString() + " (" + std::to_string(info.activationPairs)
                              + " activation and " + std::to_string(info.weightPairs) + " weight Q/DQ pairs; names in "
                              + onnxPath + ".names.json)");
        }
        if (parser.isSet(report)) {
            // cli_main.cpp made a QApplication on the offscreen platform for this option.
            cs::ui::ReportOptions options;
            options.worstPoints = worstPointCount;
            options.title = parser.value(title);
            cs::ui::writeHtmlReport(result, options, staged(parser.value(report)));
            written.push_back("report:     " + parser.value(report).toStdString() + " ("
                              + std::to_string(result.points.size()) + " points"
                              + (result.evaluation ? ", with evaluation" : ", no evaluation") + ")");
        }
        for (const auto& [temporary, destination] : pending)
            if (std::rename(temporary.c_str(), destination.c_str()) != 0)
                throw cs::CalibError(destination, std::string("cannot write (") + std::strerror(errno) + ")");
        pending.clear();
        if (!parser.isSet(quiet))
            for (const std::string& line : written)
                std::cout << line << '\n';
    } catch (const cs::CalibError& e) {
        discard();
        // A writer names the file it was given, the temporary: the user asked for the destination.
        std::string message = cs::firstLine(e.what());
        for (const auto& [temporary, destination] : pending)
            for (size_t at = message.find(temporary); at != std::string::npos;
                 at = message.find(temporary, at + destination.size()))
                message.replace(at, temporary.size(), destination);
        printError(message);
        return Failed;
    } catch (...) {
        discard();
        throw;
    }
    return Ok;
}

} // namespace cli
