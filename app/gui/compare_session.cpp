#include "gui/compare_session.h"

#include "core/analysis/session_diff.h"
#include "core/session.h"
#include "gui/calibration_document.h"
#include "gui/file_dialogs.h"
#include "widgets/session_diff_view.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace cs::app {

namespace {

struct Compared {
    std::shared_ptr<const CalibrationResult> other;
    SessionDiff diff;
};

} // namespace

CompareSessionDialog::CompareSessionDialog(CalibrationDocument* document, QWidget* parent)
    : QDialog(parent), m_document(document), m_runner(JobRunner::Policy::Supersede, this)
{
    setObjectName(QStringLiteral("compareSessionDialog"));
    setWindowTitle(tr("Compare With Session"));
    m_view = new ui::SessionDiffView(this);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addWidget(buttons);
    resize(900, 640);
    connect(&m_runner, &JobRunner::failed, this, &CompareSessionDialog::failed);
}

void CompareSessionDialog::compareWith(const QString& path)
{
    const CalibrationResult* current = m_document->result();
    if (!current)
        return;
    // A copy for the worker and the view: the GUI thread edits the document's result in place.
    auto mine = std::make_shared<const CalibrationResult>(*current);
    const QString nameA = m_document->sessionPath().isEmpty() ? tr("the open calibration")
                                                              : QFileInfo(m_document->sessionPath()).fileName();
    const QString nameB = QFileInfo(path).fileName();
    m_runner.start(
        [mine, file = path.toStdString()](const ProgressCallback&) {
            Compared c;
            auto other = std::make_shared<CalibrationResult>(loadSession(file));
            c.diff = diffSessions(*mine, *other);
            c.other = std::move(other);
            return c;
        },
        [this, mine, nameA, nameB](Compared c) {
            m_view->setSessions(mine, c.other, c.diff, nameA, nameB);
            Q_EMIT compared();
        },
        path + QStringLiteral(": ") + tr("cannot compare"));
}

QAction* addCompareSessionAction(QMenu* file, QWidget* window, CalibrationDocument* document)
{
    QAction* action = file->addAction(CompareSessionDialog::tr("Compare With Session…"));
    action->setObjectName(QStringLiteral("actionCompareSession"));
    action->setEnabled(document->hasResult());
    QObject::connect(document, &CalibrationDocument::resultReplaced, action,
                     [action, document] { action->setEnabled(document->hasResult()); });
    QObject::connect(action, &QAction::triggered, window, [window, document] {
        openFileDialog(window, CompareSessionDialog::tr("Compare with session"),
                       CompareSessionDialog::tr("calibscope sessions (*.cscope);;All files (*)"),
                       [window, document](const QString& path) {
                           auto* dialog = new CompareSessionDialog(document, window);
                           dialog->setAttribute(Qt::WA_DeleteOnClose);
                           QObject::connect(dialog, &CompareSessionDialog::failed, window,
                                            [window, dialog](const QString& message) {
                                                QMessageBox::warning(window, CompareSessionDialog::tr("Compare With Session"),
                                                                     message);
                                                dialog->close();
                                            });
                           dialog->show();
                           dialog->compareWith(path);
                       });
    });
    return action;
}

} // namespace cs::app
