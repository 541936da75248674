#pragma once
#include <QString>

class QDialog;
class QMenu;
class QWidget;

namespace cs::app {

// The user guide: the installed copy next to the executable (share/doc/calibscope), the
// system's, or the source tree's docs/USER_GUIDE.md of a development build; "" when none.
QString userGuidePath();

// Help ▸ User Guide (F1) and Keyboard Shortcuts, before the About entry the window adds.
void addHelpEntries(QMenu* help, QWidget* window);

// Every action of `window` that has a shortcut, with its menu text, in a table.
QDialog* showShortcutsDialog(QWidget* window);

} // namespace cs::app
