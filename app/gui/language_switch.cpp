#include "gui/language_switch.h"

#include "core/platform/logging.h"
#include "gui/settings.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QWidget>

#include <utility>

namespace cs::app {

LanguageSwitch::LanguageSwitch(QWidget* window, Hooks hooks)
    : QObject(window), m_window(window), m_hooks(std::move(hooks))
{
    m_launch = [](const QString& program, const QStringList& arguments) {
        return QProcess::startDetached(program, arguments);
    };
}

void LanguageSwitch::choose(const QString& code)
{
    settings::language.setValue(code);
    auto* box = new QMessageBox(QMessageBox::Question, tr("calibscope"),
                                tr("The language changes when calibscope starts again. Restart now? What is open "
                                   "now is reopened."),
                                QMessageBox::NoButton, m_window);
    box->setObjectName(QStringLiteral("languageRestartDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* restartButton = box->addButton(tr("Restart Now"), QMessageBox::AcceptRole);
    restartButton->setObjectName(QStringLiteral("restartNow"));
    box->addButton(tr("Later"), QMessageBox::RejectRole)->setObjectName(QStringLiteral("restartLater"));
    box->setDefaultButton(restartButton);
    connect(box, &QMessageBox::finished, this, [this, box, restartButton, code] {
        if (box->clickedButton() == restartButton)
            m_hooks.askToSave(tr("The calibration has unsaved changes. Save them before restarting?"),
                              [this, code] { restart(code); });
        else
            logInfo(tr("The language changes at the next start of calibscope.").toStdString());
    });
    box->open();
}

void LanguageSwitch::restart(const QString& code)
{
    QStringList arguments{QStringLiteral("--language"), code.isEmpty() ? QStringLiteral("system") : code};
    const QString session = m_hooks.sessionPath();
    const QString model = m_hooks.modelPath();
    if (!session.isEmpty())
        arguments << session;
    else if (!model.isEmpty())
        arguments << model;
    if (!m_launch(QCoreApplication::applicationFilePath(), arguments)) {
        QMessageBox::warning(m_window, tr("calibscope"), tr("calibscope could not be started again: restart it by hand."));
        return;
    }
    Q_EMIT restarting(arguments);
    m_hooks.closeWindow();
}

} // namespace cs::app
