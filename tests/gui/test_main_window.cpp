// The walking skeleton, headless: the main window opens the demo, shows its ops, survives bad files.
#include "gui_test_support.h"

#include "gui/main_window.h"

#include "widgets/op_table_model.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

using cs::app::MainWindow;

namespace {
void saveScreenshot(QWidget& widget, const QString& name)
{
    const QString path = QStringLiteral(CALIBSCOPE_TEST_OUTPUT_DIR "/") + name;
    QVERIFY(widget.grab().save(path));
    qInfo("screenshot: %s", qPrintable(path));
}
} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Recent files go to a throw-away settings file, not the user's.
        QStandardPaths::setTestModeEnabled(true);
    }

    void opTableModelIsConsistent()
    {
        cs::ui::OpTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        cs::ModelSummary summary;
        summary.ops.resize(3);
        summary.ops[0].name = "x";
        summary.ops[0].kind = "input";
        summary.ops[1].name = "conv";
        summary.ops[1].kind = "aten::conv2d";
        summary.ops[1].fusedInto = "relu";
        summary.ops[1].weightShape = {8, 3, 3, 3};
        summary.ops[2].name = "relu";
        summary.ops[2].kind = "aten::relu";
        model.setSummary(summary);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(1, cs::ui::OpTableModel::Name).data().toString(), QStringLiteral("conv"));
        QCOMPARE(model.index(1, cs::ui::OpTableModel::Weight).data().toString(), QStringLiteral("[8, 3, 3, 3]"));
        QVERIFY(model.index(1, cs::ui::OpTableModel::Role).data().toString().contains(QStringLiteral("relu")));
        model.setSummary({});
        QCOMPARE(model.rowCount(), 0);
    }

    void opensTheDemo()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        window.openDemo();
        QVERIFY(loaded.wait(300000));
        QVERIFY(loaded.first().first().toString().endsWith(QStringLiteral("demo.pt")));
        QTableView* table = window.opTable();
        QCOMPARE(table->model()->rowCount(), 28);
        QCOMPARE(table->model()->index(13, cs::ui::OpTableModel::Name).data().toString(), QStringLiteral("block1.add"));
        QCOMPARE(table->model()->index(3, cs::ui::OpTableModel::Shape).data().toString(), QStringLiteral("[1, 16, 28, 28]"));
        QTest::qWait(50);
        saveScreenshot(window, QStringLiteral("main_window_demo.png"));

        // Filtering by text narrows the table to the matching ops.
        auto* filter = window.findChild<QLineEdit*>(QStringLiteral("opFilter"));
        QVERIFY(filter);
        QTest::keyClicks(filter, QStringLiteral("block2.conv"));
        QCOMPARE(table->model()->rowCount(), 2);
        filter->clear();
        QCOMPARE(table->model()->rowCount(), 28);
    }

    void opensTheDemoInChinese()
    {
        QTranslator translator;
        QVERIFY(gui_test::installCatalogue(translator));
        {
            MainWindow window;
            window.show();
            QSignalSpy loaded(&window, &MainWindow::modelLoaded);
            window.openDemo();
            QVERIFY(loaded.wait(300000));
            QCOMPARE(window.opTable()->model()->headerData(cs::ui::OpTableModel::Shape, Qt::Horizontal).toString(),
                     QStringLiteral("输出形状"));
            QTest::qWait(50);
            saveScreenshot(window, QStringLiteral("main_window_demo_zh_CN.png"));
        }
        QApplication::removeTranslator(&translator);
    }

    void badModelShowsDialogAndKeepsRunning()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.pt"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a model");
        f.close();

        MainWindow window;
        window.show();
        QSignalSpy errors(&window, &MainWindow::errorShown);
        window.openModel(path);
        QVERIFY(errors.wait(60000));
        QVERIFY(errors.first().first().toString().contains(path));
        auto* dialog = window.findChild<QMessageBox*>(QStringLiteral("errorDialog"));
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QVERIFY(dialog->text().contains(QStringLiteral("not a TorchScript model")));
        saveScreenshot(window, QStringLiteral("main_window_error.png"));
        dialog->accept();
        QVERIFY(window.isVisible());
        QVERIFY(!window.isBusy());

        QSignalSpy missing(&window, &MainWindow::errorShown);
        window.openModel(dir.filePath(QStringLiteral("does-not-exist.pt")));
        QVERIFY(missing.wait(60000));
        QVERIFY(missing.first().first().toString().contains(QStringLiteral("no such file")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
