#include "widgets/log_view.h"

#include <QApplication>
#include <QMetaObject>
#include <QPointer>
#include <QTime>

namespace cs::ui {

LogView::LogView(QWidget* parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setMaximumBlockCount(5000);
    setObjectName(QStringLiteral("logView"));
    QPointer<LogView> self(this);
    m_listenerId = addLogListener([self](LogLevel level, const std::string& message) {
        const QString text = QString::fromStdString(message);
        // `self` is checked on the GUI thread, where the view lives and dies.
        QMetaObject::invokeMethod(
            qApp, [self, level, text] { if (self) self->appendRecord(level, text); }, Qt::QueuedConnection);
    });
}

LogView::~LogView() { removeLogListener(m_listenerId); }

void LogView::appendRecord(LogLevel level, const QString& message)
{
    QString prefix;
    switch (level) {
    case LogLevel::Debug: prefix = tr("debug"); break;
    case LogLevel::Info: prefix = tr("info"); break;
    case LogLevel::Warning: prefix = tr("warning"); break;
    case LogLevel::Error: prefix = tr("error"); break;
    }
    appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")) + QStringLiteral(" [") + prefix
                    + QStringLiteral("] ") + message);
}

} // namespace cs::ui
