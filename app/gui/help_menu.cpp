#include "gui/help_menu.h"

#include <QAction>
#include <QCoreApplication>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace cs::app {

QString userGuidePath()
{
    const QString appDir = QCoreApplication::applicationDirPath();
    QStringList candidates{appDir + QStringLiteral("/../share/doc/calibscope/USER_GUIDE.md"),
                           QStringLiteral("/usr/share/doc/calibscope/USER_GUIDE.md")};
#ifdef CALIBSCOPE_SOURCE_DIR
    candidates << QStringLiteral(CALIBSCOPE_SOURCE_DIR "/docs/USER_GUIDE.md");
#endif
    for (const QString& candidate : candidates)
        if (QFileInfo::exists(candidate))
            return QFileInfo(candidate).canonicalFilePath();
    return {};
}

void addHelpEntries(QMenu* help, QWidget* window)
{
    QAction* guide = help->addAction(QCoreApplication::translate("cs::app::HelpMenu", "&User Guide"));
    guide->setObjectName(QStringLiteral("actionUserGuide"));
    guide->setShortcut(QKeySequence::HelpContents);
    QObject::connect(guide, &QAction::triggered, window, [window] {
        const QString path = userGuidePath();
        if (path.isEmpty() || !QDesktopServices::openUrl(QUrl::fromLocalFile(path))) {
            auto* box = new QMessageBox(
                QMessageBox::Information, QCoreApplication::translate("cs::app::HelpMenu", "User Guide"),
                path.isEmpty() ? QCoreApplication::translate("cs::app::HelpMenu",
                                                             "The user guide (USER_GUIDE.md) is not installed.")
                               : QCoreApplication::translate("cs::app::HelpMenu", "Open %1 to read the user guide.")
                                     .arg(path),
                QMessageBox::Ok, window);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
    });
    QAction* keys = help->addAction(QCoreApplication::translate("cs::app::HelpMenu", "&Keyboard Shortcuts"));
    keys->setObjectName(QStringLiteral("actionShortcuts"));
    QObject::connect(keys, &QAction::triggered, window, [window] { showShortcutsDialog(window); });
    help->addSeparator();
}

QDialog* showShortcutsDialog(QWidget* window)
{
    // Read from the actions themselves, so the list is never out of date.
    QList<QPair<QString, QString>> rows;
    for (QAction* action : window->findChildren<QAction*>()) {
        if (action->shortcut().isEmpty() || action->text().isEmpty())
            continue;
        QString text = action->text();
        text.remove(QLatin1Char('&'));
        text.remove(QStringLiteral("…"));
        const QPair<QString, QString> row{text.trimmed(), action->shortcut().toString(QKeySequence::NativeText)};
        if (!rows.contains(row))
            rows << row;
    }
    std::sort(rows.begin(), rows.end());

    auto* dialog = new QDialog(window);
    dialog->setObjectName(QStringLiteral("shortcutsDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(QCoreApplication::translate("cs::app::HelpMenu", "Keyboard Shortcuts"));
    auto* table = new QTableWidget(int(rows.size()), 2, dialog);
    table->setObjectName(QStringLiteral("shortcutsTable"));
    table->setHorizontalHeaderLabels({QCoreApplication::translate("cs::app::HelpMenu", "Action"),
                                      QCoreApplication::translate("cs::app::HelpMenu", "Shortcut")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->horizontalHeader()->setStretchLastSection(true);
    for (int i = 0; i < int(rows.size()); ++i) {
        table->setItem(i, 0, new QTableWidgetItem(rows[i].first));
        table->setItem(i, 1, new QTableWidgetItem(rows[i].second));
    }
    table->resizeColumnsToContents();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(table);
    layout->addWidget(buttons);
    dialog->resize(420, 420);
    dialog->open();
    return dialog;
}

} // namespace cs::app
