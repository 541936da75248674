#pragma once
// Helpers shared by the headless GUI tests: screenshots into the build tree, synthetic mouse
// events, clicking a point's row as a user would.
#include "gui/main_window.h"
#include "gui/session_controller.h"
#include "widgets/point_filter_proxy.h"
#include "widgets/point_table_model.h"
#include "widgets/point_table_view.h"

#include <QApplication>
#include <QMouseEvent>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

#include <memory>

namespace gui_test {

inline void saveScreenshot(QWidget& widget, const QString& name)
{
    const QString path = QStringLiteral(CALIBSCOPE_TEST_OUTPUT_DIR "/") + name;
    QVERIFY(widget.grab().save(path));
    qInfo("screenshot: %s", qPrintable(path));
}

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

// File ▸ Load Demo, waiting until the model is loaded.
inline void openDemo(cs::app::MainWindow& window, int timeoutMs)
{
    QSignalSpy loaded(&window, &cs::app::MainWindow::modelLoaded);
    window.openDemo();
    QVERIFY(loaded.wait(timeoutMs));
}

} // namespace gui_test
