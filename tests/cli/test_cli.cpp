// calibscope-cli as scripts use it: exit codes, output formats, one-line errors.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
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
        QCOMPARE(version.out.trimmed(), QStringLiteral("calibscope-cli " CALIBSCOPE_VERSION));
        const Run help = cli({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QStringLiteral("inspect")));
        QVERIFY(help.out.contains(QStringLiteral("make-demo")));
        const Run inspectHelp = cli({QStringLiteral("inspect"), QStringLiteral("--help")});
        QCOMPARE(inspectHelp.exitCode, 0);
        QVERIFY(inspectHelp.out.contains(QStringLiteral("--format")));
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
