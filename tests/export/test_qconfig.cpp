// The qconfig JSON against FORMATS.md, and the import: round trips, reports of bad input,
// partial hand edits, --overrides.
#include "export_test_utils.h"

#include "core/platform/atomic_file.h"
#include "core/errors.h"
#include "core/exchange/json_writer.h"
#include "core/exchange/qconfig.h"
#include "core/exchange/overrides.h"
#include "core/session.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <clocale>
#include <cstring>
#include <random>

using namespace cs;
using namespace exporttest;

namespace {

QJsonObject parse(const std::string& text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(text), &error);
    return error.error == QJsonParseError::NoError ? doc.object() : QJsonObject();
}

QJsonObject opEntry(const QJsonObject& qconfig, const char* name)
{
    for (const QJsonValue& v : qconfig.value(QLatin1String("ops")).toArray())
        if (v.toObject().value(QLatin1String("name")).toString() == QLatin1String(name))
            return v.toObject();
    return {};
}

std::vector<float> floats(const QJsonValue& v)
{
    std::vector<float> out;
    for (const QJsonValue& e : v.toArray())
        out.push_back(static_cast<float>(e.toDouble()));
    return out;
}

std::vector<int64_t> integers(const QJsonValue& v)
{
    std::vector<int64_t> out;
    for (const QJsonValue& e : v.toArray())
        out.push_back(e.toInteger());
    return out;
}

ObserverConfig observer(const char* name, obs::ParamMap params = {})
{
    ObserverConfig c = defaultActivationConfig();
    c.name = name;
    c.params = std::move(params);
    return c;
}

// The in-place model with a configuration touched everywhere a qconfig can say something.
CalibrationConfig tunedConfig()
{
    CalibrationConfig c = inplaceConfig();
    c.overrides["add"] = observer("percentile", {{"percentile", 99.9}});
    ObserverConfig keep = defaultActivationConfig();
    keep.keepFloat = true;
    c.overrides["relu"] = keep;
    ObserverConfig affine = defaultActivationConfig();
    affine.spec.dtype = obs::DType::QUInt8;
    affine.spec.qscheme = obs::QScheme::PerTensorAffine;
    c.overrides["cat"] = affine;
    ObserverConfig mse = observer("mse");
    mse.spec.narrowRange = true;
    c.overrides["x"] = mse;
    ObserverConfig clip = observer("clip", {{"xmin", -2.0}, {"xmax", 2.0}});
    clip.spec.powerOfTwo = true;
    clip.spec.dtype = obs::DType::QInt16;
    c.overrides["bn"] = clip;
    c.weight.spec.qscheme = obs::QScheme::PerTensorSymmetric;
    c.weight.spec.chAxis = -1;
    return c;
}

std::string importAndExport(CalibrationResult& target, ObserverBank& bank, const std::string& qconfigPath,
                            ImportReport* outReport = nullptr)
{
    const ImportReport checked = checkImport(target, qconfigPath);
    const ImportReport applied = applyImport(target, bank, checked);
    if (outReport)
        *outReport = applied;
    return formatQconfig(target);
}

const ImportEntry* entry(const ImportReport& r, const char* op, const char* point)
{
    for (const ImportEntry& e : r.entries)
        if (e.op == op && e.point == point)
            return &e;
    return nullptr;
}

} // namespace

namespace cs {
// QCOMPARE prints statuses by name.
char* toString(ImportStatus status) { return qstrdup(importStatusName(status)); }
} // namespace cs

class TestQconfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void numbersReadBackExactly()
    {
        std::mt19937 random(5);
        std::vector<float> values{0.0f, -0.0f, 1.0f, 0.1f, 1e-45f, 1.17549435e-38f, 3.4028235e38f, 0.02745f,
                                  1.1920929e-07f, 0.032168575f, -3.1537244f};
        for (int i = 0; i < 20000; ++i) {
            const uint32_t bits = random();
            float f = 0;
            std::memcpy(&f, &bits, sizeof f);
            if (std::isfinite(f))
                values.push_back(f);
        }
        std::string json = "[";
        for (size_t i = 0; i < values.size(); ++i)
            json += (i ? "," : "") + floatText(values[i]);
        json += "]";
        const QJsonArray parsed = QJsonDocument::fromJson(QByteArray::fromStdString(json)).array();
        QCOMPARE(size_t(parsed.size()), values.size());
        for (size_t i = 0; i < values.size(); ++i) {
            const float back = static_cast<float>(parsed[qsizetype(i)].toDouble());
            QVERIFY2(std::memcmp(&back, &values[i], sizeof back) == 0 || (back == 0 && values[i] == 0),
                     floatText(values[i]).c_str());
        }
        QCOMPARE(floatText(0.02745f), std::string("0.02745"));
        QCOMPARE(floatText(2048.0f), std::string("2048"));
        QCOMPARE(doubleText(99.99), std::string("99.99"));
        QCOMPARE(floatText(std::nanf("")), std::string("null"));
        // The same text under a locale with a decimal comma (the GUI runs with the user's),
        // where that locale is installed.
        const bool switched = std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr;
        const std::string underLocale = floatText(0.1f);
        if (switched)
            std::setlocale(LC_ALL, "C");
        QCOMPARE(underLocale, std::string("0.1"));
    }

    void qconfigFollowsFormats()
    {
        const CalibrationResult r = runCalibration(inplaceConfig());
        const std::string text = formatQconfig(r);
        QCOMPARE(formatQconfig(r), text); // deterministic
        const QJsonObject q = parse(text);
        QCOMPARE(q.value(QLatin1String("format")).toString(), QStringLiteral("calibscope-qconfig"));
        QCOMPARE(q.value(QLatin1String("version")).toInt(), 1);
        const QJsonObject model = q.value(QLatin1String("model")).toObject();
        QCOMPARE(model.value(QLatin1String("sha256")).toString().toStdString(), r.model.sha256);
        QCOMPARE(model.value(QLatin1String("sha256")).toString().size(), 64);
        QCOMPARE(model.value(QLatin1String("path")).toString().toStdString(), r.model.path);
        const QJsonObject calibration = q.value(QLatin1String("calibration")).toObject();
        QCOMPARE(calibration.value(QLatin1String("data")).toString().toStdString(), kModels + "/inplace_input.npy");
        QCOMPARE(calibration.value(QLatin1String("batch_size")).toInt(), 16);
        QCOMPARE(calibration.value(QLatin1String("num_batches")).toInt(), -1);
        QCOMPARE(calibration.value(QLatin1String("images")).toInt(), 64);
        QCOMPARE(calibration.value(QLatin1String("batches")).toInt(), 4);
        QCOMPARE(calibration.value(QLatin1String("mode")).toString(), QStringLiteral("deployment"));

        const QJsonArray ops = q.value(QLatin1String("ops")).toArray();
        QCOMPARE(size_t(ops.size()), r.model.ops.size());
        for (size_t i = 0; i < r.model.ops.size(); ++i) {
            const OpInfo& op = r.model.ops[i];
            const QJsonObject o = ops[qsizetype(i)].toObject();
            QCOMPARE(o.value(QLatin1String("name")).toString().toStdString(), op.name);
            QCOMPARE(o.value(QLatin1String("module")).toString().toStdString(), op.module);
            QCOMPARE(o.value(QLatin1String("kind")).toString().toStdString(), op.kind);
            QCOMPARE(o.value(QLatin1String("passthrough")).toBool(), op.passthrough);
            QCOMPARE(o.value(QLatin1String("quantize")).toBool(), true);
            QCOMPARE(o.value(QLatin1String("fused_into")).toString().toStdString(), op.fusedInto);
            QCOMPARE(o.contains(QLatin1String("activation")), op.isActivationPoint());
            QCOMPARE(o.contains(QLatin1String("weight")), op.hasWeightPoint());
        }
        // The conv is fused into the bn point: no activation of its own, the (BN-folded) weight.
        const QJsonObject conv = opEntry(q, "conv");
        QCOMPARE(conv.value(QLatin1String("fused_into")).toString(), QStringLiteral("bn"));
        const QJsonObject weight = conv.value(QLatin1String("weight")).toObject();
        QCOMPARE(weight.value(QLatin1String("observer")).toString(), QStringLiteral("min_max"));
        QCOMPARE(weight.value(QLatin1String("qscheme")).toString(), QStringLiteral("per_channel_symmetric"));
        QCOMPARE(weight.value(QLatin1String("ch_axis")).toInt(), 0);
        QCOMPARE(weight.value(QLatin1String("folded_batch_norm")).toString(), QStringLiteral("bn"));
        QCOMPARE(floats(weight.value(QLatin1String("scale"))), r.weights.at(0).result.scale);
        QCOMPARE(floats(weight.value(QLatin1String("min"))), r.weights.at(0).result.min);
        QCOMPARE(floats(weight.value(QLatin1String("scale"))).size(), size_t(4));

        for (const char* name : {"x", "bn", "add", "relu", "cat"}) {
            const QJsonObject a = opEntry(q, name).value(QLatin1String("activation")).toObject();
            const PointCalibration* p = r.point(name);
            QVERIFY2(p && !a.isEmpty(), name);
            QCOMPARE(a.value(QLatin1String("observer")).toString(), QStringLiteral("min_max"));
            QCOMPARE(a.value(QLatin1String("params")).toObject(),
                     QJsonObject({{QStringLiteral("averaging_constant"), 0.01}})); // defaults filled in
            QCOMPARE(a.value(QLatin1String("dtype")).toString(), QStringLiteral("qint8"));
            QCOMPARE(a.value(QLatin1String("qscheme")).toString(), QStringLiteral("per_tensor_symmetric"));
            QCOMPARE(a.value(QLatin1String("quant_min")).toInt(), -128);
            QCOMPARE(a.value(QLatin1String("quant_max")).toInt(), 127);
            QCOMPARE(a.value(QLatin1String("narrow_range")).toBool(true), false);
            QCOMPARE(a.value(QLatin1String("power_of_two")).toBool(true), false);
            QCOMPARE(floats(a.value(QLatin1String("min"))), p->result.min);
            QCOMPARE(floats(a.value(QLatin1String("max"))), p->result.max);
            QCOMPARE(floats(a.value(QLatin1String("scale"))), p->result.scale);
            QCOMPARE(integers(a.value(QLatin1String("zero_point"))), std::vector<int64_t>{0});
            // Horizon/PyTorch symmetric qint8: scale = max(|min|, |max|) / 127.5.
            const float amax = std::max(-p->result.min[0], p->result.max[0]);
            QCOMPARE(p->result.scale[0], amax / 127.5f);
        }
        // Key order as FORMATS.md writes it.
        const std::vector<const char*> order{"\"observer\"", "\"params\"", "\"dtype\"", "\"qscheme\"", "\"quant_min\"",
                                             "\"quant_max\"", "\"narrow_range\"", "\"power_of_two\"", "\"min\"",
                                             "\"max\"", "\"scale\"", "\"zero_point\""};
        const size_t block = text.find("\"activation\"");
        size_t last = block;
        for (const char* key : order) {
            const size_t at = text.find(key, block);
            QVERIFY2(at != std::string::npos && at > last, key);
            last = at;
        }
        QVERIFY(text.find("\"format\"") < text.find("\"version\""));
        QVERIFY(text.find("\"model\"") < text.find("\"calibration\""));
        QVERIFY(text.find("\"calibration\"") < text.find("\"ops\""));
    }

    void keepFloatFusedAndPerOpFlags()
    {
        CalibrationConfig c = tunedConfig();
        ObserverConfig keep = defaultActivationConfig();
        keep.keepFloat = true;
        c.overrides["bn"] = keep;
        const CalibrationResult r = runCalibration(c);
        const QJsonObject q = parse(formatQconfig(r));
        QCOMPARE(opEntry(q, "relu").value(QLatin1String("quantize")).toBool(true), false);
        QVERIFY(opEntry(q, "relu").contains(QLatin1String("activation")));
        // The conv's own point (its weight) is quantized although its group's output is not.
        QCOMPARE(opEntry(q, "conv").value(QLatin1String("quantize")).toBool(false), true);
        QCOMPARE(opEntry(q, "bn").value(QLatin1String("quantize")).toBool(true), false);
        const QJsonObject cat = opEntry(q, "cat").value(QLatin1String("activation")).toObject();
        QCOMPARE(cat.value(QLatin1String("dtype")).toString(), QStringLiteral("quint8"));
        QCOMPARE(cat.value(QLatin1String("quant_min")).toInt(), 0);
        QCOMPARE(cat.value(QLatin1String("quant_max")).toInt(), 255);
        QVERIFY(integers(cat.value(QLatin1String("zero_point"))).at(0) > 0);
        const QJsonObject x = opEntry(q, "x").value(QLatin1String("activation")).toObject();
        QCOMPARE(x.value(QLatin1String("quant_min")).toInt(), -127);
        QCOMPARE(x.value(QLatin1String("narrow_range")).toBool(), true);
        QCOMPARE(x.value(QLatin1String("params")).toObject(),
                 QJsonObject({{QStringLiteral("averaging_constant"), 0.01}, {QStringLiteral("stride"), 1}}));
        const QJsonObject weight = opEntry(q, "conv").value(QLatin1String("weight")).toObject();
        QCOMPARE(weight.value(QLatin1String("qscheme")).toString(), QStringLiteral("per_tensor_symmetric"));
        QVERIFY(!weight.contains(QLatin1String("ch_axis")));
        QCOMPARE(floats(weight.value(QLatin1String("scale"))).size(), size_t(1));

        c.mode = PointMode::PerOp;
        const CalibrationResult perOp = runCalibration(c);
        const QJsonObject p = parse(formatQconfig(perOp));
        QVERIFY(!opEntry(p, "conv").contains(QLatin1String("fused_into")));
        QVERIFY(opEntry(p, "conv").contains(QLatin1String("activation")));
        QCOMPARE(p.value(QLatin1String("calibration")).toObject().value(QLatin1String("mode")).toString(),
                 QStringLiteral("per_op"));
    }

    void exportImportExportIsByteIdentical()
    {
        QTemporaryDir dir;
        const std::string qconfigPath = dir.filePath(QStringLiteral("tuned.json")).toStdString();
        ObserverBank tunedBank;
        CalibrationResult tuned = runCalibration(tunedConfig(), {}, &tunedBank);
        const std::string exported = formatQconfig(tuned);
        saveQconfig(tuned, qconfigPath);
        QCOMPARE(readAll(QString::fromStdString(qconfigPath)).toStdString(), exported);

        // Into itself: nothing to do.
        ImportReport report;
        QCOMPARE(importAndExport(tuned, tunedBank, qconfigPath, &report), exported);
        QCOMPARE(report.count(ImportStatus::Unchanged), int(report.entries.size()));
        QVERIFY(!report.hasProblems());
        QVERIFY(report.unmatched.empty());
        QVERIFY(report.notInFile.empty());

        // Into a default calibration with live observers (compare mode): what the retained
        // statistics allow is recomputed, the rest comes from the file.
        CalibrationConfig plain = inplaceConfig();
        plain.compareObservers = true;
        ObserverBank liveBank;
        CalibrationResult live = runCalibration(plain, {}, &liveBank);
        QVERIFY(formatQconfig(live) != exported);
        QCOMPARE(importAndExport(live, liveBank, qconfigPath, &report), exported);
        QCOMPARE(entry(report, "add", "activation")->status, ImportStatus::Recomputed);   // percentile retuned
        QCOMPARE(entry(report, "relu", "activation")->status, ImportStatus::Recomputed);  // keep float
        QCOMPARE(entry(report, "conv", "weight")->status, ImportStatus::Recomputed);      // per-tensor from ranges
        QCOMPARE(entry(report, "cat", "activation")->status, ImportStatus::ValuesFromFile); // other grid
        QCOMPARE(entry(report, "x", "activation")->status, ImportStatus::ValuesFromFile);
        QCOMPARE(entry(report, "bn", "activation")->status, ImportStatus::ValuesFromFile);
        QVERIFY(!report.hasProblems());
        QCOMPARE(live.point("add")->config.name, std::string("percentile"));
        QCOMPARE(live.point("add")->config.params, (obs::ParamMap{{"percentile", 99.9}}));
        QCOMPARE(live.weights.at(0).result.scale, tuned.weights.at(0).result.scale);

        // Into a session read from disk (no live observers): values from the file.
        const std::string sessionPath = dir.filePath(QStringLiteral("plain.cscope")).toStdString();
        {
            ObserverBank bank;
            const CalibrationResult plainResult = runCalibration(inplaceConfig(), {}, &bank);
            saveSession(plainResult, bank, sessionPath);
        }
        ObserverBank loadedBank;
        CalibrationResult loaded = loadSession(sessionPath, &loadedBank);
        QCOMPARE(importAndExport(loaded, loadedBank, qconfigPath, &report), exported);
        QCOMPARE(entry(report, "add", "activation")->status, ImportStatus::ValuesFromFile);
        QCOMPARE(entry(report, "relu", "activation")->status, ImportStatus::Recomputed);
        // ... and it survives the session file.
        saveSession(loaded, loadedBank, sessionPath);
        QCOMPARE(formatQconfig(loadSession(sessionPath)), exported);
    }

    void checkLeavesResultUnchangedAndReportsEverything()
    {
        CalibrationConfig c = inplaceConfig();
        c.compareObservers = true;
        ObserverBank bank;
        CalibrationResult r = runCalibration(c, {}, &bank);
        const std::string before = formatQconfig(r);
        const std::string json = R"({
          "format": "calibscope-qconfig", "version": 1,
          "model": {"path": "other.pt", "sha256": "0000000000000000000000000000000000000000000000000000000000000000"},
          "extra": 1,
          "ops": [
            {"name": "add", "activation": {"observer": "percentile", "params": {"percentile": 99.5}}},
            {"name": "x", "activation": {"observer": "best_guess"}},
            {"name": "cat", "activation": {"dtype": 8}},
            {"name": "relu", "activation": {"observer": "percentile", "params": {"percentile": 150}}},
            {"name": "convv", "quantize": false},
            {"name": "conv", "activation": {"observer": "min_max"}},
            {"name": "bn", "activation": {"scale": [0.1], "zero_point": [300]}},
            {"name": "add", "quantize": false},
            {"quantize": false}
          ]})";
        const ImportReport report = checkImportText(r, json, "edited.json");
        QCOMPARE(formatQconfig(r), before); // checking changes nothing
        QVERIFY(report.hasProblems());
        QVERIFY(report.modelMismatch);
        QCOMPARE(report.sessionSha256, r.model.sha256);
        QCOMPARE(report.unmatched.size(), size_t(1));
        QCOMPARE(report.unmatched[0], std::string("convv (did you mean 'conv'?)"));
        auto rejected = [&](const char* op, const char* point, const char* words) {
            for (const ImportEntry& e : report.entries)
                if (e.op == op && e.point == point && e.status == ImportStatus::Rejected
                    && e.message.find(words) != std::string::npos)
                    return true;
            qWarning("%s", report.text().c_str());
            return false;
        };
        QVERIFY(rejected("x", "op", "unknown observer 'best_guess'"));
        QVERIFY(rejected("cat", "op", "\"dtype\" must be a string, got a number"));
        QVERIFY(rejected("relu", "activation", "must be in [0, 100], got 150"));
        QVERIFY(rejected("conv", "activation", "fused into 'bn'"));
        QVERIFY(rejected("bn", "activation", "zero_point[0] 300 is outside [-128, 127]"));
        QVERIFY(rejected("add", "op", "appears more than once"));
        QVERIFY(rejected("ops[8]", "op", "has no \"name\""));
        QCOMPARE(report.count(ImportStatus::Rejected), 7);
        QVERIFY(report.notInFile.empty()); // rejected entries still count as mentioned
        QCOMPARE(entry(report, "add", "activation")->status, ImportStatus::Change);
        QCOMPARE(entry(report, "add", "activation")->message, std::string("observer min_max -> percentile, percentile 99.5"));
        QVERIFY(report.text().find("model mismatch") != std::string::npos);
        QVERIFY(report.text().find("not in the model: convv") != std::string::npos);
        bool extraNoted = false;
        for (const std::string& n : report.notes)
            extraNoted = extraNoted || n.find("'extra'") != std::string::npos;
        QVERIFY(extraNoted);

        // Confirmed anyway: only the valid entry is applied.
        const ImportReport applied = applyImport(r, bank, report);
        QCOMPARE(entry(applied, "add", "activation")->status, ImportStatus::Recomputed);
        QCOMPARE(r.point("add")->config.name, std::string("percentile"));
        QCOMPARE(r.point("x")->config.name, std::string("min_max"));
        QCOMPARE(r.point("bn")->result.scale, runCalibration(inplaceConfig()).point("bn")->result.scale);

        const ImportReport more = checkImportText(r, R"({"ops": [
            {"name": "conv", "weight": {"scale": [0.1, 0.2], "zero_point": [0, 0]}},
            {"name": "relu", "activaton": {}},
            {"name": "x", "activation": {"min": [1.0], "max": [-1.0]}},
            {"name": "cat", "activation": {"narrow_range": "yes"}},
            {"name": "bn", "activation": {"observer": "percentile", "qscheme": "per_channel_symmetric"}},
            {"name": "flatten", "weight": {}}]})", "more.json");
        const std::vector<std::pair<std::string, std::string>> expected{
            {"conv weight", "\"scale\" has 2 values; per_channel_symmetric needs 4"},
            {"relu op", "unknown key 'activaton'"},
            {"x activation", "min[0] 1 is above max -1"},
            {"cat op", "\"narrow_range\" must be true or false, got a string"},
            {"bn op", "\"activation\" qscheme per_channel_symmetric is not supported: activations are quantized per tensor"}};
        for (const auto& [where, words] : expected) {
            bool found = false;
            for (const ImportEntry& e : more.entries)
                found = found || (e.op + " " + e.point == where && e.status == ImportStatus::Rejected
                                  && e.message.find(words) != std::string::npos);
            QVERIFY2(found, (where + ": " + more.text()).c_str());
        }
        QCOMPARE(more.unmatched, std::vector<std::string>{"flatten"});
        QVERIFY(more.notes.back().find("no model sha256") != std::string::npos);
    }

    void partialEditsAndValuesFromFile()
    {
        ObserverBank bank;
        CalibrationResult r = runCalibration(inplaceConfig(), {}, &bank);
        // Only the clip range given: the same observer, so in Recompute mode the session's
        // values stay and the report says the file's differ.
        const std::string json = R"({"ops": [{"name": "x", "activation": {"min": [-1.0], "max": [1.0]}},
                                             {"name": "cat", "quantize": false}]})";
        ImportReport report = checkImportText(r, json, "edit.json");
        QCOMPARE(entry(report, "x", "activation")->status, ImportStatus::Unchanged);
        QVERIFY(entry(report, "x", "activation")->message.find("the file's values differ") != std::string::npos);
        QCOMPARE(entry(report, "cat", "activation")->status, ImportStatus::Change);
        QCOMPARE(entry(report, "cat", "activation")->message, std::string("keep in float"));
        QVERIFY(!report.hasProblems());
        QCOMPARE(report.notInFile.size(), size_t(4)); // bn, add, relu activations; conv weight
        applyImport(r, bank, report);
        QVERIFY(r.point("cat")->config.keepFloat);
        QVERIFY(r.point("x")->result.scale[0] != 1.0f / 127.5f);

        ImportOptions fromFile;
        fromFile.values = ImportOptions::Values::FromFile;
        report = applyImport(r, bank, checkImportText(r, json, "edit.json", fromFile));
        QCOMPARE(entry(report, "x", "activation")->status, ImportStatus::ValuesFromFile);
        QCOMPARE(r.point("x")->result.min, std::vector<float>{-1.0f});
        QCOMPARE(r.point("x")->result.scale, std::vector<float>{1.0f / 127.5f}); // from min/max and the grid
        QCOMPARE(r.point("x")->result.zeroPoint, std::vector<int64_t>{0});
    }

    void overridesForCalibrate()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("tuned.json")).toStdString();
        const CalibrationResult tuned = runCalibration(tunedConfig());
        saveQconfig(tuned, path);
        const OverridesFile file = loadOverrides(path);
        QCOMPARE(file.overrides.size(), tuned.points.size());
        for (const PointCalibration& p : tuned.points)
            QVERIFY2(file.overrides.at(p.name) == p.config, p.name.c_str());
        QCOMPARE(file.weightOverrides.size(), size_t(1));
        QVERIFY(file.weightOverrides.at("conv") == tuned.weights.at(0).config);
        QCOMPARE(file.modelSha256, tuned.model.sha256);

        // A run with those overrides reproduces the tuned activations.
        CalibrationConfig again = inplaceConfig();
        again.overrides = file.overrides;
        const CalibrationResult rerun = runCalibration(again);
        for (const PointCalibration& p : tuned.points)
            QCOMPARE(rerun.point(p.name)->result.scale, p.result.scale);

        // Partial blocks start from the caller's base configuration.
        QVERIFY(writeAll(dir.filePath(QStringLiteral("partial.json")),
                         R"({"ops": [{"name": "add", "activation": {"params": {"averaging_constant": 0.5}}}]})"));
        ObserverConfig base = observer("clip_std");
        base.spec.dtype = obs::DType::QInt16;
        const OverridesFile partial =
            loadOverrides(dir.filePath(QStringLiteral("partial.json")).toStdString(), base, defaultWeightConfig());
        QCOMPARE(partial.overrides.at("add").name, std::string("clip_std"));
        QVERIFY(partial.overrides.at("add").spec.dtype == obs::DType::QInt16);
        QCOMPARE(partial.overrides.at("add").params, (obs::ParamMap{{"averaging_constant", 0.5}}));

        // Bad entries stop a run before it starts, naming the file and the op.
        QVERIFY(writeAll(dir.filePath(QStringLiteral("bad.json")),
                         R"({"ops": [{"name": "add", "activation": {"observer": "percentile", "params": {"bins": "many"}}}]})"));
        try {
            loadOverrides(dir.filePath(QStringLiteral("bad.json")).toStdString());
            QFAIL("no exception");
        } catch (const CalibError& e) {
            QVERIFY2(std::string(e.what()).find("bad.json") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("op add: parameter 'bins' must be a number, got a string")
                         != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(CalibError, loadOverrides(dir.filePath(QStringLiteral("missing.json")).toStdString()));
        QVERIFY(writeAll(dir.filePath(QStringLiteral("other.json")), R"({"format": "something-else", "ops": []})"));
        QVERIFY_THROWS_EXCEPTION(CalibError, loadOverrides(dir.filePath(QStringLiteral("other.json")).toStdString()));
        // A per-channel activation scheme is refused (the quantized model applies one scale to an
        // activation), a weight ch_axis beyond the weight's rank stops the run, and a version
        // too large for an integer is reported as written.
        QVERIFY(writeAll(dir.filePath(QStringLiteral("perchannel.json")),
                         R"({"ops": [{"name": "add", "activation": {"qscheme": "per_channel_affine"}}]})"));
        try {
            loadOverrides(dir.filePath(QStringLiteral("perchannel.json")).toStdString());
            QFAIL("no exception");
        } catch (const CalibError& e) {
            QVERIFY2(std::string(e.what()).find("perchannel.json: op add: \"activation\" qscheme per_channel_affine is not supported")
                         != std::string::npos, e.what());
        }
        CalibrationConfig perChannel = inplaceConfig();
        perChannel.activation.spec.qscheme = obs::QScheme::PerChannelSymmetric;
        perChannel.activation.spec.chAxis = 1;
        QVERIFY_THROWS_EXCEPTION(CalibError, runCalibration(perChannel));
        CalibrationConfig axis = inplaceConfig();
        axis.weightOverrides["conv"] = defaultWeightConfig();
        axis.weightOverrides["conv"].spec.chAxis = 7;
        try {
            runCalibration(axis);
            QFAIL("no exception");
        } catch (const CalibError& e) {
            QVERIFY2(std::string(e.what()).find("ch_axis 7 is not an axis of its 4-D weight") != std::string::npos, e.what());
        }
        QVERIFY(writeAll(dir.filePath(QStringLiteral("huge.json")), R"({"version": 1e308, "ops": []})"));
        try {
            loadOverrides(dir.filePath(QStringLiteral("huge.json")).toStdString());
            QFAIL("no exception");
        } catch (const CalibError& e) {
            QVERIFY2(std::string(e.what()).find("qconfig version 1e+308 is newer") != std::string::npos, e.what());
        }
        QVERIFY(writeAll(dir.filePath(QStringLiteral("newer.json")), R"({"version": 2, "ops": []})"));
        QVERIFY_THROWS_EXCEPTION(CalibError, checkImport(tuned, dir.filePath(QStringLiteral("newer.json")).toStdString()));
    }

    void failedWriteKeepsThePreviousFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("q.json"));
        const CalibrationResult first = runCalibration(inplaceConfig());
        saveQconfig(first, path.toStdString());
        const QByteArray before = readAll(path);
        const CalibrationResult second = runCalibration(tunedConfig());
        injectWriteFailureForTesting(100);
        QVERIFY_THROWS_EXCEPTION(CalibError, saveQconfig(second, path.toStdString()));
        QCOMPARE(readAll(path), before);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("q.json")});
        saveQconfig(second, path.toStdString());
        QCOMPARE(readAll(path).toStdString(), formatQconfig(second));
    }
};

QTEST_GUILESS_MAIN(TestQconfig)
#include "test_qconfig.moc"
