#pragma once
#include <QObject>
#include <QString>

#include <functional>

class QMenu;
class QStatusBar;

namespace cs::app {

// The menus that only read and write settings: Open Recent and Language.
class AppMenus : public QObject {
    Q_OBJECT
public:
    struct RecentOpeners {
        std::function<void(const QString&)> session;
        std::function<void(const QString&)> model;
        std::function<void(const QString&)> dataset;
    };

    // File ▸ Open Recent: filled when shown, so it always reflects the settings (other
    // windows may add to them).
    static QMenu* addRecentMenu(QMenu* parent, const RecentOpeners& open);
    // View ▸ Language: `choose` gets the chosen language's code ("" = the system's).
    static QMenu* addLanguageMenu(QMenu* parent, const std::function<void(const QString&)>& choose);

private:
    static void fillRecentMenu(QMenu* menu, const RecentOpeners& open);
};

} // namespace cs::app
