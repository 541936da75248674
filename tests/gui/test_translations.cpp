// The zh_CN translation is complete and the compiled catalogue translates at run time.
#include <QFile>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

class TestTranslations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyMessageIsTranslated()
    {
        QFile ts(QStringLiteral(CALIBSCOPE_SOURCE_DIR "/translations/calibscope_zh_CN.ts"));
        QVERIFY(ts.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&ts);
        int messages = 0;
        QStringList unfinished;
        QString source;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement())
                continue;
            if (xml.name() == QLatin1String("source")) {
                source = xml.readElementText();
            } else if (xml.name() == QLatin1String("translation")) {
                ++messages;
                const QString type = xml.attributes().value(QLatin1String("type")).toString();
                // Plural messages hold their text in <numerusform> children.
                const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
                if (!type.isEmpty() || text.trimmed().isEmpty())
                    unfinished << source;
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(messages > 200);
        QVERIFY2(unfinished.isEmpty(), qPrintable(QStringLiteral("unfinished: ") + unfinished.join(QStringLiteral(" | "))));
    }

    void compiledCatalogueTranslates()
    {
        QTranslator translator;
        QVERIFY(translator.load(QStringLiteral("calibscope_zh_CN"), QStringLiteral(CALIBSCOPE_QM_DIR)));
        QCOMPARE(translator.translate("cs::app::MainWindow", "Ready"), QStringLiteral("就绪"));
        QCOMPARE(translator.translate("cs::ui::OpTableModel", "Output shape"), QStringLiteral("输出形状"));
        QCOMPARE(translator.translate("cs::ui::PointTableModel", "Clip high"), QStringLiteral("截断上限"));
        QCOMPARE(translator.translate("cs::app::CalibrationWorkflow", "Re-running the calibration for %n edited point(s)", nullptr, 3),
                 QStringLiteral("正在为 %n 个已编辑的量化点重新运行校准"));
        // The About box translates in the context it is written with.
        QCOMPARE(translator.translate("cs::app::MainWindow", "BLAS: %1\nLibTorch threads: %2"),
                 QStringLiteral("BLAS：%1\nLibTorch 线程数：%2"));
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "test_translations.moc"
