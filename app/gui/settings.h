#pragma once
// Every QSettings key of the GUI, typed, in one place: a typo cannot create a new key.
#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <memory>

namespace cs::app {

// Writes the file of `settings`, which holds changes, on a worker: QSettings writes when it is
// destroyed and syncs the file to disk, which a busy disk makes take hundreds of milliseconds.
// Every QSettings of the process sees the changes at once (they share the file's contents).
void writeInBackground(std::unique_ptr<QSettings> settings);

template <typename T>
struct Setting {
    const char* key;
    T defaultValue;

    T value() const
    {
        const QVariant v = QSettings().value(QLatin1String(key));
        return v.isValid() && v.canConvert<T>() ? v.value<T>() : defaultValue;
    }
    void setValue(const T& value) const
    {
        auto settings = std::make_unique<QSettings>();
        settings->setValue(QLatin1String(key), QVariant::fromValue(value));
        writeInBackground(std::move(settings));
    }
    void reset() const
    {
        auto settings = std::make_unique<QSettings>();
        settings->remove(QLatin1String(key));
        writeInBackground(std::move(settings));
    }
};

namespace settings {

inline const Setting<QStringList> recentModels{"recent/models", {}};
inline const Setting<QStringList> recentDatasets{"recent/datasets", {}};
inline const Setting<QStringList> recentSessions{"recent/sessions", {}};
// The last dataset dialog contents, as DatasetSpec JSON plus batch settings.
inline const Setting<QByteArray> lastDataset{"dataset/last_spec", {}};
inline const Setting<int> batchSize{"dataset/batch_size", 32};
inline const Setting<int> numBatches{"dataset/num_batches", 30};
// "" = the system locale; applied at the next start.
inline const Setting<QString> language{"ui/language", {}};
inline const Setting<QByteArray> windowGeometry{"window/geometry", {}};
inline const Setting<QByteArray> windowState{"window/state", {}};

} // namespace settings

// Bump when docks or toolbars change, so an old saved layout is not restored onto them.
inline constexpr int kWindowStateVersion = 1;
inline constexpr int kMaxRecentFiles = 8;

// Puts `path` first in a recent-files list, without duplicates, at most kMaxRecentFiles long.
void addRecentFile(const Setting<QStringList>& list, const QString& path);

} // namespace cs::app
