#include "gui/file_dialogs.h"

#include <QFileDialog>
#include <QFileInfo>

namespace cs::app {

namespace {

void show(QFileDialog* dialog, PathCallback done)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QObject::connect(dialog, &QFileDialog::fileSelected, dialog, [done = std::move(done)](const QString& path) {
        if (!path.isEmpty())
            done(path);
    });
    dialog->open();
}

} // namespace

void openFileDialog(QWidget* parent, const QString& title, const QString& filter, PathCallback done)
{
    auto* dialog = new QFileDialog(parent, title, QString(), filter);
    dialog->setFileMode(QFileDialog::ExistingFile);
    show(dialog, std::move(done));
}

void openExistingDirectoryDialog(QWidget* parent, const QString& title, PathCallback done)
{
    auto* dialog = new QFileDialog(parent, title);
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    show(dialog, std::move(done));
}

void saveFileDialog(QWidget* parent, const QString& title, const QString& filter, const QString& suffix,
                    PathCallback done, const QString& proposed)
{
    auto* dialog = new QFileDialog(parent, title, QString(), filter);
    if (!proposed.isEmpty()) {
        const QFileInfo info(proposed);
        dialog->setDirectory(info.absolutePath());
        dialog->selectFile(info.fileName());
    }
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(suffix);
    show(dialog, std::move(done));
}

} // namespace cs::app
