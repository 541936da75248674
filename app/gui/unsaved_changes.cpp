#include "gui/unsaved_changes.h"

#include "gui/calibration_document.h"
#include "gui/calibration_workflow.h"
#include "gui/file_dialogs.h"
#include "gui/session_controller.h"

#include <QMessageBox>
#include <QWidget>

#include <utility>

namespace cs::app {

UnsavedChangesPrompt::UnsavedChangesPrompt(CalibrationDocument* document, CalibrationWorkflow* workflow,
                                           QWidget* window)
    : QObject(window), m_document(document), m_workflow(workflow), m_window(window)
{
    connect(m_workflow, &CalibrationWorkflow::sessionSaved, this, [this] {
        if (m_afterSave)
            std::exchange(m_afterSave, nullptr)();
    });
    connect(m_workflow->sessions(), &SessionController::failed, this, [this] { m_afterSave = nullptr; });
}

void UnsavedChangesPrompt::ask(const QString& question, std::function<void()> proceed)
{
    if (!m_document->isModified()) {
        proceed();
        return;
    }
    if (m_window->findChild<QMessageBox*>(QStringLiteral("unsavedDialog")))
        return; // already asking
    auto* box = new QMessageBox(QMessageBox::Warning, tr("calibscope"), question,
                                QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, m_window);
    box->setObjectName(QStringLiteral("unsavedDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setDefaultButton(QMessageBox::Save);
    connect(box, &QMessageBox::finished, this, [this, box, proceed = std::move(proceed)] {
        const QMessageBox::StandardButton choice = box->standardButton(box->clickedButton());
        if (choice == QMessageBox::Discard) {
            proceed();
        } else if (choice == QMessageBox::Save) {
            const auto afterSave = [this, proceed] {
                if (!m_document->isModified())
                    proceed();
            };
            if (!m_document->sessionPath().isEmpty()) {
                m_afterSave = afterSave;
                m_workflow->save();
            } else {
                saveFileDialog(m_window, tr("Save session"), tr("calibscope sessions (*.cscope)"), QStringLiteral("cscope"),
                               [this, afterSave](const QString& path) {
                                   m_afterSave = afterSave;
                                   m_workflow->saveSession(path);
                               },
                               m_workflow->proposedSessionPath());
            }
        }
    });
    box->open();
}

} // namespace cs::app
