// calibscope-cli as scripts use it: exit codes, output formats, one-line errors.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

Run cli(const QStringList& arguments)
{
    QProcess p;
    p.start(QStringLiteral(CALIBSCOPE_CLI), arguments);
    Run r;
    if (!p.waitForFinished(300000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

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
