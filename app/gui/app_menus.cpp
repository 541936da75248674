#include "gui/app_menus.h"

#include "core/platform/logging.h"
#include "gui/settings.h"

#include <QAction>
#include <QActionGroup>
#include <QFileInfo>
#include <QMenu>
#include <QStatusBar>

namespace cs::app {

QMenu* AppMenus::addRecentMenu(QMenu* parent, const RecentOpeners& open)
{
    QMenu* recent = parent->addMenu(tr("Open &Recent"));
    recent->setObjectName(QStringLiteral("recentMenu"));
    connect(recent, &QMenu::aboutToShow, recent, [recent, open] { fillRecentMenu(recent, open); });
    return recent;
}

void AppMenus::fillRecentMenu(QMenu* menu, const RecentOpeners& open)
{
    menu->clear();
    const auto section = [menu](const QString& title, const Setting<QStringList>& list,
                                const std::function<void(const QString&)>& opener) {
        const QStringList files = list.value();
        if (files.isEmpty())
            return;
        menu->addSection(title);
        for (const QString& path : files) {
            QAction* action = menu->addAction(QFileInfo(path).fileName());
            action->setToolTip(path);
            action->setStatusTip(path);
            connect(action, &QAction::triggered, menu, [opener, path] { opener(path); });
        }
    };
    section(tr("Sessions"), settings::recentSessions, open.session);
    section(tr("Models"), settings::recentModels, open.model);
    section(tr("Datasets"), settings::recentDatasets, open.dataset);
    if (menu->isEmpty())
        menu->addAction(tr("No recent files"))->setEnabled(false);
}

QMenu* AppMenus::addLanguageMenu(QMenu* parent, const std::function<void(const QString&)>& choose)
{
    QMenu* menu = parent->addMenu(tr("&Language"));
    menu->setObjectName(QStringLiteral("languageMenu"));
    auto* group = new QActionGroup(menu);
    const QString current = settings::language.value();
    // Language names are written in their own language, so anyone can find theirs.
    const std::pair<QString, QString> languages[] = {{QString(), tr("System default")},
                                                     {QStringLiteral("en"), QStringLiteral("English")},
                                                     {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}};
    for (const auto& [code, name] : languages) {
        QAction* action = menu->addAction(name);
        action->setCheckable(true);
        action->setChecked(code == current);
        action->setData(code);
        action->setObjectName(QStringLiteral("language_") + (code.isEmpty() ? QStringLiteral("system") : code));
        group->addAction(action);
        connect(action, &QAction::triggered, menu, [choose, code] { choose(code); });
    }
    return menu;
}

} // namespace cs::app
