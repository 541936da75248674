#pragma once
// Helpers shared by the headless GUI tests: screenshots into the build tree, synthetic mouse
// events, clicking a point's row as a user would.
#include "gui/main_window.h"
#include "gui/session_controller.h"
#include "widgets/point_filter_proxy.h"
#include "widgets/point_table_model.h"
#include "widgets/point_table_view.h"

#include <QApplication>
#include <QFile>
#include <QMouseEvent>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTranslator>

#include <memory>

namespace gui_test {

inline void saveScreenshot(QWidget& widget, const QString& name)
{
    const QString path = QStringLiteral(CALIBSCOPE_TEST_OUTPUT_DIR "/") + name;
    QVERIFY(widget.grab().save(path));
    qInfo("screenshot: %s", qPrintable(path));
}

// Shows `widget`, waits until it is on screen, then `settleMs` more for queued replots.
inline void showAndWait(QWidget& widget, int settleMs = 50)
{
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    if (settleMs > 0)
        QTest::qWait(settleMs);
}

// `widget` at `size`, on screen and settled, saved as screenshot `name`.
inline void screenshot(QWidget& widget, QSize size, const QString& name, int settleMs = 50)
{
    widget.resize(size);
    showAndWait(widget, settleMs);
    saveScreenshot(widget, name);
}

// The languages the screenshots are taken in, as the `language` column of a data table.
inline void addLanguageRows()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("en") << QStringLiteral("en");
    QTest::newRow("zh_CN") << QStringLiteral("zh_CN");
}

#ifdef CALIBSCOPE_QM_DIR
// Loads the compiled catalogue of `language` into `translator` and installs it (English is
// the source language: nothing to load). The translator uninstalls itself when destroyed.
inline bool installCatalogue(QTranslator& translator, const QString& language = QStringLiteral("zh_CN"))
{
    if (language == QLatin1String("en"))
        return true;
    if (!translator.load(QStringLiteral("calibscope_") + language, QStringLiteral(CALIBSCOPE_QM_DIR)))
        return false;
    QApplication::installTranslator(&translator);
    return true;
}

// The language of the running row of a test whose data is addLanguageRows(): its catalogue
// installed while this lives, and the ending of the screenshot files taken in it.
class ScreenshotLanguage {
public:
    ScreenshotLanguage() : m_language(*static_cast<QString*>(QTest::qData("language", ::qMetaTypeId<QString>())))
    {
        m_installed = installCatalogue(m_translator, m_language);
    }
    bool installed() const { return m_installed; }
    // "_en.png", "_zh_CN.png".
    QString suffix() const { return QLatin1Char('_') + m_language + QStringLiteral(".png"); }

private:
    QString m_language;
    QTranslator m_translator;
    bool m_installed = false;
};
#endif

inline void sendMouse(QWidget* widget, QEvent::Type type, QPoint pos, Qt::MouseButtons buttons)
{
    QMouseEvent event(type, QPointF(pos), widget->mapToGlobal(QPointF(pos)),
                      type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton, buttons, Qt::NoModifier);
    QApplication::sendEvent(widget, &event);
}

// Clicks the point's row in the point table, as a user would.
inline void clickPoint(cs::app::MainWindow& window, const QString& point)
{
    QTableView* table = window.pointTable()->table();
    const int row = window.pointModel()->rowOf(point);
    QVERIFY(row >= 0);
    const QModelIndex index = window.pointTable()->proxy()->mapFromSource(window.pointModel()->index(row, 0));
    table->scrollTo(index);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
    QCOMPARE(window.pointTable()->currentPoint(), point);
}

// A main window as a first start shows it: recent files, the language and the geometry go to
// a throw-away settings file under `application`'s name, cleared first.
inline void startWindow(std::unique_ptr<cs::app::MainWindow>& window, const char* application, int autosaveMs,
                        QSize size = {})
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("calibscope-test"));
    QApplication::setApplicationName(QString::fromLatin1(application));
    QSettings().clear();
    window = std::make_unique<cs::app::MainWindow>();
    window->sessions()->setAutosaveDelay(autosaveMs);
    if (size.isValid())
        window->resize(size);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
}

// Exports the HTML report to `path` as the menu does and reads it back (empty, with the test
// failed, when that does not work).
inline QString exportedReportHtml(cs::app::MainWindow& window, const QString& path)
{
    QSignalSpy exported(&window, &cs::app::MainWindow::reportExported);
    window.exportReport(path);
    if (!QTest::qCompare(int(exported.count()), 1, "exported.count()", "1", __FILE__, __LINE__))
        return QString();
    QFile file(path);
    if (!QTest::qVerify(file.open(QIODevice::ReadOnly), "file.open(QIODevice::ReadOnly)", "", __FILE__, __LINE__))
        return QString();
    return QString::fromUtf8(file.readAll());
}

// File ▸ Load Demo, waiting until the model is loaded.
inline void openDemo(cs::app::MainWindow& window, int timeoutMs)
{
    QSignalSpy loaded(&window, &cs::app::MainWindow::modelLoaded);
    window.openDemo();
    QVERIFY(loaded.wait(timeoutMs));
}

} // namespace gui_test
