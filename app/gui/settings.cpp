#include "gui/settings.h"

#include <QFileInfo>
#include <QThreadPool>

namespace cs::app {

void writeInBackground(std::unique_ptr<QSettings> settings)
{
    // An object without a thread may be destroyed on any: the worker's delete writes the file.
    // The application waits for the global pool's workers before it quits.
    settings->moveToThread(nullptr);
    QThreadPool::globalInstance()->start([settings = settings.release()] { delete settings; });
}

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
