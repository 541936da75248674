#include "gui/settings.h"

#include <QFileInfo>

namespace cs::app {

void addRecentFile(const Setting<QStringList>& list, const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList files = list.value();
    files.removeAll(absolute);
    files.prepend(absolute);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    list.setValue(files);
}

} // namespace cs::app
