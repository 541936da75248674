// calibscope-cli as scripts use it: exit codes, output formats, one-line errors.
#include "../process_test_support.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QDir>

#include <limits>

namespace {

using Run = cs::test::ProcessRun;

Run cli(const QStringList& arguments) { return cs::test::runCli(arguments); }

const QString kDemo = QStringLiteral(CALIBSCOPE_TEST_DEMO_DIR "/demo.pt");

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void versionAndHelp()
    {
        const Run version = cli({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        const QStringList versionLines = version.out.trimmed().split(QLatin1Char('\n'));
        QCOMPARE(versionLines.value(0), QStringLiteral("calibscope-cli " CALIBSCOPE_VERSION));
        // The runtime lines name the BLAS LibTorch calls and LibTorch's thread count.
        QVERIFY2(versionLines.value(1).startsWith(QStringLiteral("BLAS: ")), qPrintable(version.out));
        QVERIFY2(!versionLines.value(1).startsWith(QStringLiteral("BLAS: none")), qPrintable(version.out));
        QVERIFY2(versionLines.value(2).contains(QRegularExpression(QStringLiteral("^LibTorch threads: [1-9]"))),
                 qPrintable(version.out));
        const Run help = cli({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QStringLiteral("inspect")));
        QVERIFY(help.out.contains(QStringLiteral("make-demo")));
        const Run inspectHelp = cli({QStringLiteral("inspect"), QStringLiteral("--help")});
        QCOMPARE(inspectHelp.exitCode, 0);
        QVERIFY(inspectHelp.out.contains(QStringLiteral("--format")));
    }

    void versionNamesTheReferenceBlasAndWarns()
    {
        // Debian's netlib BLAS, put in front of the libblas.so.3 alternative for this run only.
        const QString referenceDir = QStringLiteral("/usr/lib/x86_64-linux-gnu/blas");
        if (!QFile::exists(referenceDir + QStringLiteral("/libblas.so.3")))
            QSKIP("the reference BLAS (Debian package libblas3) is not installed");
        QProcess p;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("LD_LIBRARY_PATH"), referenceDir);
        p.setProcessEnvironment(environment);
        p.start(QStringLiteral(CALIBSCOPE_CLI), {QStringLiteral("--version")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(out.contains(QStringLiteral("BLAS: reference BLAS (netlib)")), qPrintable(out));
        QCOMPARE(err.count(QStringLiteral("reference BLAS")), 1);
        // A command logs the warning once as well, and still succeeds.
        p.start(QStringLiteral(CALIBSCOPE_CLI), {QStringLiteral("inspect"), QStringLiteral("--model"), kDemo});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        const QString commandErr = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(commandErr.count(QStringLiteral("reference BLAS")), 1);

        // The default run: no warning when the BLAS is an optimized one.
        const Run normal = cli({QStringLiteral("--version")});
        if (!normal.out.contains(QStringLiteral("BLAS: reference")))
            QVERIFY2(!normal.err.contains(QStringLiteral("reference BLAS")), qPrintable(normal.err));
    }

    void badUsageExitsTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addRow("no command") << QStringList{};
        QTest::addRow("unknown command") << QStringList{QStringLiteral("frobnicate")};
        QTest::addRow("missing model") << QStringList{QStringLiteral("inspect")};
        QTest::addRow("bad format") << QStringList{QStringLiteral("inspect"), QStringLiteral("--model"), kDemo,
                                                   QStringLiteral("--format"), QStringLiteral("xml")};
        QTest::addRow("unknown option") << QStringList{QStringLiteral("inspect"), QStringLiteral("--colour")};
        QTest::addRow("bad shape") << QStringList{QStringLiteral("inspect"), QStringLiteral("--model"), kDemo,
                                                  QStringLiteral("--input-shape"), QStringLiteral("1,x")};
    }
    void badUsageExitsTwo()
    {
        QFETCH(QStringList, arguments);
        const Run r = cli(arguments);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!r.err.isEmpty());
    }

    // A command without one of its required options names the first missing one, on one line.
    void missingRequiredOptionIsNamed_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::addRow("calibrate") << QStringList{QStringLiteral("calibrate"), QStringLiteral("--model"), kDemo}
                                   << QStringLiteral("calibscope-cli: calibrate: --data is required");
        QTest::addRow("repair") << QStringList{QStringLiteral("repair"), QStringLiteral("--session"),
                                               QStringLiteral("s.cscope")}
                                << QStringLiteral("calibscope-cli: repair: --out is required");
        QTest::addRow("check") << QStringList{QStringLiteral("check"), QStringLiteral("--min-top1"),
                                              QStringLiteral("50")}
                               << QStringLiteral("calibscope-cli: check: --session is required");
        QTest::addRow("export") << QStringList{QStringLiteral("export")}
                                << QStringLiteral("calibscope-cli: export: --session is required");
    }
    void missingRequiredOptionIsNamed()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Run r = cli(arguments);
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err.trimmed(), message);
    }

    void inspectTable()
    {
        const Run r = cli({QStringLiteral("inspect"), QStringLiteral("--model"), kDemo});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("block1.relu:2")));
        QVERIFY(r.out.contains(QStringLiteral("[1, 64, 7, 7]")));
        QVERIFY(r.out.contains(QStringLiteral("28 ops, 15 activation points, 8 weight points")));
    }

    void inspectJson()
    {
        const Run r = cli({QStringLiteral("inspect"), QStringLiteral("--model"), kDemo, QStringLiteral("--format"),
                           QStringLiteral("json")});
        QCOMPARE(r.exitCode, 0);
        QJsonParseError error;
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonArray ops = root.value(QStringLiteral("ops")).toArray();
        QCOMPARE(ops.size(), 28);
        const QJsonObject add = ops.at(13).toObject();
        QCOMPARE(add.value(QStringLiteral("name")).toString(), QStringLiteral("block1.add"));
        QCOMPARE(add.value(QStringLiteral("kind")).toString(), QStringLiteral("aten::add"));
        QCOMPARE(add.value(QStringLiteral("module")).toString(), QStringLiteral("block1"));
        QCOMPARE(add.value(QStringLiteral("shape")).toArray(), (QJsonArray{1, 32, 14, 14}));
        QCOMPARE(ops.at(1).toObject().value(QStringLiteral("fused_into")).toString(), QStringLiteral("stem.relu"));
        QCOMPARE(ops.at(26).toObject().value(QStringLiteral("passthrough")).toBool(), true);
    }

    void inspectCsv()
    {
        const Run r = cli({QStringLiteral("inspect"), QStringLiteral("--model"), kDemo, QStringLiteral("--format"),
                           QStringLiteral("csv")});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.out.trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 29);
        QVERIFY(lines[0].startsWith(QStringLiteral("name,kind,module,shape")));
        QVERIFY(lines[14].startsWith(QStringLiteral("block1.add,aten::add,block1,")));
    }

    void resnetWithInputShape()
    {
        const Run r = cli({QStringLiteral("inspect"), QStringLiteral("--model"),
                           QStringLiteral(CALIBSCOPE_TEST_MODELS_DIR "/resnet18_traced.pt"),
                           QStringLiteral("--input-shape"), QStringLiteral("1,3,224,224")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("layer1.0.add")));
        QVERIFY(r.out.contains(QStringLiteral("[1, 1000]")));
    }

    void calibrateInspectEvaluateTheDemo()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath(QStringLiteral("demo.cscope"));
        const QString preprocess = dir.filePath(QStringLiteral("pre.json"));
        QFile pre(preprocess);
        QVERIFY(pre.open(QIODevice::WriteOnly));
        pre.write(R"({"mean": [0.286], "std": [0.353]})");
        pre.close();
        const QString train = QStringLiteral("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
        const Run calibrate = cli({QStringLiteral("calibrate"), QStringLiteral("--model"), kDemo, QStringLiteral("--data"), train,
                                   QStringLiteral("--start"), QStringLiteral("59000"), QStringLiteral("--count"),
                                   QStringLiteral("1000"), QStringLiteral("--preprocess"), preprocess,
                                   QStringLiteral("--num-batches"), QStringLiteral("3"), QStringLiteral("--act-observer"),
                                   QStringLiteral("percentile"), QStringLiteral("--act-param"), QStringLiteral("percentile=99.9"),
                                   QStringLiteral("--compare"), QStringLiteral("--session"), session});
        QCOMPARE(calibrate.exitCode, 0);
        QVERIFY(calibrate.out.contains(QStringLiteral("96 images in 3 batches")));

        const Run json = cli({QStringLiteral("inspect"), QStringLiteral("--session"), session, QStringLiteral("--format"),
                              QStringLiteral("json")});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject root = QJsonDocument::fromJson(json.out.toUtf8()).object();
        const QJsonArray points = root.value(QStringLiteral("points")).toArray();
        QCOMPARE(points.size(), 15);
        const QJsonObject config = points.at(0).toObject().value(QStringLiteral("config")).toObject();
        QCOMPARE(config.value(QStringLiteral("observer")).toString(), QStringLiteral("percentile"));
        QCOMPARE(config.value(QStringLiteral("params")).toObject().value(QStringLiteral("percentile")).toDouble(), 99.9);
        QCOMPARE(root.value(QStringLiteral("weights")).toArray().size(), 8);

        const Run op = cli({QStringLiteral("inspect"), QStringLiteral("--session"), session, QStringLiteral("--op"),
                            QStringLiteral("block1.conv2")});
        QCOMPARE(op.exitCode, 0);
        QVERIFY(op.out.contains(QStringLiteral("quantizes block1.conv2")));
        QVERIFY(op.out.contains(QStringLiteral("hist_entropy")));
        const Run badOp = cli({QStringLiteral("inspect"), QStringLiteral("--session"), session, QStringLiteral("--op"),
                               QStringLiteral("nope")});
        QCOMPARE(badOp.exitCode, 1);

        const QString report = dir.filePath(QStringLiteral("report.json"));
        const Run evaluate = cli({QStringLiteral("evaluate"), QStringLiteral("--session"), session, QStringLiteral("--data"),
                                  QStringLiteral("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"),
                                  QStringLiteral("--max-batches"), QStringLiteral("3"), QStringLiteral("--observers"),
                                  QStringLiteral("min_max,kl"), QStringLiteral("--report"), report});
        QCOMPARE(evaluate.exitCode, 0);
        QVERIFY(evaluate.out.contains(QStringLiteral("Most sensitive points")));
        QFile f(report);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject r = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(r.value(QStringLiteral("images")).toInt(), 192);
        QStringList labels;
        for (const auto& row : r.value(QStringLiteral("accuracy")).toArray())
            labels << row.toObject().value(QStringLiteral("label")).toString();
        QCOMPARE(labels, (QStringList{QStringLiteral("float"), QStringLiteral("plan"), QStringLiteral("auto"),
                                      QStringLiteral("min_max"), QStringLiteral("kl")}));
        QCOMPARE(r.value(QStringLiteral("points")).toArray().size(), 15);
        QCOMPARE(r.value(QStringLiteral("sensitivity")).toArray().size(), 15);

        const Run badObserver = cli({QStringLiteral("calibrate"), QStringLiteral("--model"), kDemo, QStringLiteral("--data"),
                                     train, QStringLiteral("--act-observer"), QStringLiteral("percentile"),
                                     QStringLiteral("--act-param"), QStringLiteral("percentile=120"),
                                     QStringLiteral("--session"), session});
        QCOMPARE(badObserver.exitCode, 2);
        QVERIFY(badObserver.err.contains(QStringLiteral("[0, 100]")));
    }

    // evaluate stores its result in the session (unless --no-save), inspect shows it; merge
    // joins two shards' sessions (exit 0), refuses bad usage (2) and different sessions (1).
    void mergeShardsAndStoreEvaluation()
    {
        QTemporaryDir dir;
        const QString train = QStringLiteral("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
        const QString val = QStringLiteral("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
        const QString preprocess = dir.filePath(QStringLiteral("pre.json"));
        QFile pre(preprocess);
        QVERIFY(pre.open(QIODevice::WriteOnly));
        pre.write(R"({"mean": [0.286], "std": [0.353]})");
        pre.close();
        auto calibrate = [&](const char* name, const char* start, const QStringList& extra) {
            const QString session = dir.filePath(QString::fromLatin1(name));
            const Run r = cli(QStringList{QStringLiteral("calibrate"), QStringLiteral("--model"), kDemo, QStringLiteral("--data"),
                                          train, QStringLiteral("--start"), QString::fromLatin1(start), QStringLiteral("--count"),
                                          QStringLiteral("64"), QStringLiteral("--preprocess"), preprocess, QStringLiteral("--session"),
                                          session, QStringLiteral("--quiet")}
                              + extra);
            return r.exitCode == 0 ? session : QString();
        };
        const QString a = calibrate("a.cscope", "59000", {QStringLiteral("--compare")});
        const QString b = calibrate("b.cscope", "59064", {QStringLiteral("--compare")});
        const QString other = calibrate("c.cscope", "59128", {QStringLiteral("--act-observer"), QStringLiteral("percentile")});
        QVERIFY(!a.isEmpty() && !b.isEmpty() && !other.isEmpty());
        const QString merged = dir.filePath(QStringLiteral("merged.cscope"));

        const Run merge = cli({QStringLiteral("merge"), a, b, QStringLiteral("--session"), merged});
        QCOMPARE(merge.exitCode, 0);
        QVERIFY2(merge.out.contains(QStringLiteral("128 images in 4 batches")), qPrintable(merge.out));
        // What could not be merged is said, per point.
        QVERIFY2(merge.err.contains(QStringLiteral("point stem.relu: compare observer(s)"))
                     && merge.err.contains(QStringLiteral("hist_entropy")),
                 qPrintable(merge.err));
        const Run mergedJson = cli({QStringLiteral("inspect"), QStringLiteral("--session"), merged, QStringLiteral("--format"),
                                    QStringLiteral("json")});
        QCOMPARE(mergedJson.exitCode, 0);
        const QJsonObject mergedRoot = QJsonDocument::fromJson(mergedJson.out.toUtf8()).object();
        QCOMPARE(mergedRoot.value(QStringLiteral("images")).toInt(), 128);
        QCOMPARE(mergedRoot.value(QStringLiteral("batches")).toInt(), 4);
        QVERIFY(mergedRoot.value(QStringLiteral("evaluation")).isNull());

        QCOMPARE(cli({QStringLiteral("merge"), a, QStringLiteral("--session"), merged}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("merge"), a, b}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("merge"), a, b, QStringLiteral("--session")}).exitCode, 2);
        const Run mismatch = cli({QStringLiteral("merge"), a, other, QStringLiteral("--session"), merged});
        QCOMPARE(mismatch.exitCode, 1);
        QVERIFY2(mismatch.err.contains(QStringLiteral("c.cscope")) && mismatch.err.contains(QStringLiteral("compare observers")),
                 qPrintable(mismatch.err));
        const Run missing = cli({QStringLiteral("merge"), a, dir.filePath(QStringLiteral("nope.cscope")),
                                 QStringLiteral("--session"), merged});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains(QStringLiteral("no such file")));
        QVERIFY(cli({QStringLiteral("help"), QStringLiteral("merge")}).out.contains(QStringLiteral("--session")));

        // --no-save leaves the session as it was.
        const Run noSave = cli({QStringLiteral("evaluate"), QStringLiteral("--session"), a, QStringLiteral("--data"), val,
                                QStringLiteral("--max-batches"), QStringLiteral("1"), QStringLiteral("--no-sensitivity"),
                                QStringLiteral("--no-save")});
        QCOMPARE(noSave.exitCode, 0);
        QVERIFY(!noSave.out.contains(QStringLiteral("evaluation stored")));
        const Run none = cli({QStringLiteral("inspect"), QStringLiteral("--session"), a});
        QVERIFY2(none.out.contains(QStringLiteral("evaluation: none")), qPrintable(none.out));

        const Run evaluate = cli({QStringLiteral("evaluate"), QStringLiteral("--session"), merged, QStringLiteral("--data"), val,
                                  QStringLiteral("--max-batches"), QStringLiteral("1"), QStringLiteral("--no-sensitivity")});
        QCOMPARE(evaluate.exitCode, 0);
        QVERIFY(evaluate.out.contains(QStringLiteral("evaluation stored in")));
        const Run table = cli({QStringLiteral("inspect"), QStringLiteral("--session"), merged});
        QCOMPARE(table.exitCode, 0);
        QVERIFY2(table.out.contains(QStringLiteral("evaluation: 64 images in 1 batches; plan top-1 ")), qPrintable(table.out));
        QVERIFY(table.out.contains(QStringLiteral("; current\n")));
        const Run json = cli({QStringLiteral("inspect"), QStringLiteral("--session"), merged, QStringLiteral("--format"),
                              QStringLiteral("json")});
        const QJsonObject evaluation = QJsonDocument::fromJson(json.out.toUtf8()).object().value(QStringLiteral("evaluation")).toObject();
        QCOMPARE(evaluation.value(QStringLiteral("images")).toInt(), 64);
        QCOMPARE(evaluation.value(QStringLiteral("current")).toBool(), true);
        QCOMPARE(evaluation.value(QStringLiteral("has_labels")).toBool(), true);
        const double top1 = evaluation.value(QStringLiteral("plan_top1")).toDouble(-1);
        QVERIFY2(top1 > 0.5 && top1 <= 1.0, QByteArray::number(top1).constData());
    }

    // Options and sessions that must never crash, hang or pass silently: --threads bounded by
    // the cores with a warning that --quiet keeps, per-channel activation schemes refused, every
    // corrupt session field refused on load naming the field, export all or nothing.
    void badOptionsAndCorruptSessions()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath(QStringLiteral("s.cscope"));
        const QString train = QStringLiteral("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
        const QStringList calibrate{QStringLiteral("calibrate"), QStringLiteral("--model"), kDemo, QStringLiteral("--data"),
                                    train, QStringLiteral("--start"), QStringLiteral("59000"), QStringLiteral("--count"),
                                    QStringLiteral("64"), QStringLiteral("--num-batches"), QStringLiteral("2"),
                                    QStringLiteral("--compare"), QStringLiteral("--session"), session};
        const Run threads = cli(calibrate + QStringList{QStringLiteral("--threads"), QStringLiteral("100000"),
                                                        QStringLiteral("--quiet")});
        QCOMPARE(threads.exitCode, 0);
        QVERIFY2(threads.err.contains(QStringLiteral("warning: calibrate: --threads 100000 is more than")), qPrintable(threads.err));
        QVERIFY(threads.out.isEmpty());

        for (const char* scheme : {"per_channel_symmetric", "per_channel_affine"}) {
            const Run perChannel = cli(calibrate + QStringList{QStringLiteral("--qscheme"), QLatin1String(scheme)});
            QCOMPARE(perChannel.exitCode, 2);
            QVERIFY2(perChannel.err.contains(QStringLiteral("not supported for activations")), qPrintable(perChannel.err));
        }

        QFile f(session);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        f.close();
        const QCborMap root = QCborValue::fromCbor(bytes).toMap();
        QVERIFY(!root.isEmpty());
        auto expectRefused = [&](const QByteArray& content, const QString& needle, const char* what) {
            const QString bad = dir.filePath(QStringLiteral("bad.cscope"));
            QFile out(bad);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(content);
            out.close();
            const Run r = cli({QStringLiteral("inspect"), QStringLiteral("--session"), bad});
            QVERIFY2(r.exitCode == 1, what);
            const QStringList lines = r.err.trimmed().split(QLatin1Char('\n'));
            QVERIFY2(lines.size() == 1 && lines[0].contains(bad) && lines[0].contains(needle),
                     qPrintable(QLatin1String(what) + QStringLiteral(": ") + r.err));
        };
        auto withPointScale = [&](double scale) {
            QCborMap m = root;
            QCborArray points = m.value(QStringLiteral("points")).toArray();
            QCborMap p = points.at(0).toMap();
            QCborMap result = p.value(QStringLiteral("result")).toMap();
            result.insert(QStringLiteral("scale"), QCborArray{scale});
            p.insert(QStringLiteral("result"), result);
            points[0] = p;
            m.insert(QStringLiteral("points"), points);
            return m.toCborValue().toCbor();
        };
        for (double scale : {0.0, -1.0, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()})
            expectRefused(withPointScale(scale), QStringLiteral("scale[0]"), "bad scale");
        {
            QCborMap m = root;
            QCborArray weights = m.value(QStringLiteral("weights")).toArray();
            QCborMap w = weights.at(0).toMap();
            w.insert(QStringLiteral("op_index"), 100000);
            weights[0] = w;
            m.insert(QStringLiteral("weights"), weights);
            expectRefused(m.toCborValue().toCbor(), QStringLiteral("op_index 100000"), "weight op_index");
        }
        {
            QCborMap m = root;
            m.insert(QStringLiteral("points"), QCborArray{});
            expectRefused(m.toCborValue().toCbor(), QStringLiteral("no quantization points"), "no points");
        }
        expectRefused(bytes + QByteArray("trailing"), QStringLiteral("8 bytes after"), "trailing bytes");
        {
            QCborMap m = root;
            m.insert(QStringLiteral("version"), -1);
            expectRefused(m.toCborValue().toCbor(), QStringLiteral("version"), "version -1");
        }
        {
            QCborMap m = root;
            QCborMap model = m.value(QStringLiteral("model")).toMap();
            model.insert(QStringLiteral("path"), QString());
            m.insert(QStringLiteral("model"), model);
            expectRefused(m.toCborValue().toCbor(), QStringLiteral("model.path is empty"), "no model path");
        }
        {
            // 10 MB of empty arrays: refused before parsing (parsed, they take gigabytes).
            QByteArray many = QCborMap{{QStringLiteral("format"), QStringLiteral("calibscope-session")},
                                       {QStringLiteral("version"), 1}}.toCborValue().toCbor();
            many[0] = char(0xa3); // three pairs: the third is "x": [10M empty arrays]
            many += QCborValue(QStringLiteral("x")).toCbor();
            many += QByteArray("\x9a\x00\x98\x96\x80", 5) + QByteArray(10000000, char(0x80));
            expectRefused(many, QStringLiteral("arrays and maps"), "10 MB of empty arrays");
        }
        {
            // A compressed observer array declaring 1 GiB: refused before inflating.
            QCborMap m = root;
            QCborArray points = m.value(QStringLiteral("points")).toArray();
            bool found = false;
            for (qsizetype i = 0; i < points.size() && !found; ++i) {
                QCborMap p = points.at(i).toMap();
                QCborMap observers = p.value(QStringLiteral("observers")).toMap();
                // In the open form of older sessions ("compare"), which is restored on load.
                QCborMap compare = QCborValue::fromCbor(qUncompress(observers.value(QStringLiteral("compare_packed"))
                                                                        .toByteArray()))
                                       .toMap();
                for (auto it = compare.begin(); it != compare.end() && !found; ++it) {
                    QCborMap state = it.value().toMap();
                    QCborMap arrays = state.value(QStringLiteral("arrays")).toMap();
                    for (auto a = arrays.begin(); a != arrays.end() && !found; ++a) {
                        QCborMap array = a.value().toMap();
                        if (!array.value(QStringLiteral("zlib")).toBool())
                            continue;
                        array.insert(QStringLiteral("data"), QByteArray(QByteArray("\x40\x00\x00\x00", 4) + qCompress(QByteArray(64, 0)).mid(4)));
                        arrays.insert(a.key(), array);
                        state.insert(QStringLiteral("arrays"), arrays);
                        compare.insert(it.key(), state);
                        found = true;
                    }
                }
                if (found) {
                    observers.remove(QStringLiteral("compare_packed"));
                    observers.insert(QStringLiteral("compare"), compare);
                    p.insert(QStringLiteral("observers"), observers);
                    points[i] = p;
                }
            }
            QVERIFY(found);
            m.insert(QStringLiteral("points"), points);
            // Like any damaged observer state, it costs only that point's observers: a warning.
            const QString bad = dir.filePath(QStringLiteral("bomb.cscope"));
            QFile out(bad);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(m.toCborValue().toCbor());
            out.close();
            const Run r = cli({QStringLiteral("inspect"), QStringLiteral("--session"), bad, QStringLiteral("--quiet")});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.err.contains(QStringLiteral("compressed array declares")), qPrintable(r.err));
        }

        // export: one output fails (no model for the fake-quant model), so none is written.
        const QString qconfig = dir.filePath(QStringLiteral("q.json"));
        const Run partial = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--qconfig"),
                                 qconfig, QStringLiteral("--fakequant-model"), dir.filePath(QStringLiteral("fq.pt")),
                                 QStringLiteral("--model"), dir.filePath(QStringLiteral("missing.pt"))});
        QCOMPARE(partial.exitCode, 1);
        QVERIFY2(!QFile::exists(qconfig), qPrintable(partial.err));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).filter(QStringLiteral("partial")), QStringList());
        const Run whole = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--qconfig"), qconfig});
        QCOMPARE(whole.exitCode, 0);
        QVERIFY(QFile::exists(qconfig));
    }

    // evaluate replaces the session only if it is still the file it read: a session rewritten
    // meanwhile (another evaluate, the GUI) is not lost.
    void evaluateRefusesToOverwriteAChangedSession()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath(QStringLiteral("s.cscope"));
        const Run calibrate = cli({QStringLiteral("calibrate"), QStringLiteral("--model"), kDemo, QStringLiteral("--data"),
                                   QStringLiteral("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"),
                                   QStringLiteral("--start"), QStringLiteral("59000"), QStringLiteral("--count"),
                                   QStringLiteral("64"), QStringLiteral("--session"), session, QStringLiteral("--quiet")});
        QCOMPARE(calibrate.exitCode, 0);
        QFile f(session);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        f.close();
        QStringList evaluate{QStringLiteral("evaluate"), QStringLiteral("--session"), session, QStringLiteral("--data"),
                             QStringLiteral("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"),
                             QStringLiteral("--quiet")};
#if defined(__SANITIZE_ADDRESS__)
        // Under ASan 10 batches of 64 images (with their 15 sensitivity passes) still run for
        // many seconds, time for dozens of rewrites; the whole split would take minutes.
        evaluate << QStringLiteral("--max-batches") << QStringLiteral("10");
#endif
        QProcess p;
        p.start(QStringLiteral(CALIBSCOPE_CLI), evaluate);
        QVERIFY(p.waitForStarted());
        // Rewrite the session (same bytes, new modification time) while evaluate runs: at least
        // one rewrite falls after it read the file.
        int rewrites = 0;
        while (!p.waitForFinished(250)) {
            if (p.state() != QProcess::Running)
                break;
            QFile w(session);
            QVERIFY(w.open(QIODevice::WriteOnly | QIODevice::Truncate));
            w.write(bytes);
            w.close();
            ++rewrites;
            if (rewrites > 1200)
                break;
        }
        const bool running = rewrites >= 2;
        if (p.state() != QProcess::NotRunning && !p.waitForFinished(300000)) {
            p.kill();
            p.waitForFinished();
            QFAIL("evaluate did not finish");
        }
        if (!running)
            QSKIP("evaluate finished before the session could be rewritten");
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(QStringLiteral("changed while the evaluation ran")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), bytes);
    }

    void badFilesExitOneWithOneLine_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("reason");
        QTest::addRow("missing") << QByteArray() << QStringLiteral("no such file");
        QTest::addRow("text") << QByteArray("hello") << QStringLiteral("not a TorchScript model");
    }
    void badFilesExitOneWithOneLine()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("model.pt"));
        if (!content.isEmpty()) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        }
        const Run r = cli({QStringLiteral("inspect"), QStringLiteral("--model"), path});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.isEmpty());
        const QStringList lines = r.err.trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines[0].contains(path) && lines[0].contains(reason), qPrintable(lines[0]));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
