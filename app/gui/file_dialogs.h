#pragma once
// File dialogs shown with open(): the main window never sits in a nested event loop, and
// the chosen path arrives through the callback (not at all when the dialog is cancelled).
#include <QString>

#include <functional>

class QWidget;

namespace cs::app {

using PathCallback = std::function<void(const QString& path)>;

void openFileDialog(QWidget* parent, const QString& title, const QString& filter, PathCallback done);
void openExistingDirectoryDialog(QWidget* parent, const QString& title, PathCallback done);
// `suffix` (without the dot) is appended when the user types a name without one; `proposed`
// (a path) is the folder and name the dialog starts with.
void saveFileDialog(QWidget* parent, const QString& title, const QString& filter, const QString& suffix,
                    PathCallback done, const QString& proposed = {});

} // namespace cs::app
