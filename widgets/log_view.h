#pragma once
#include "core/platform/logging.h"

#include <QPlainTextEdit>

namespace cs::ui {

// Shows calibscope's spdlog records. Records logged on worker threads are queued to the GUI
// thread, so the panel never touches widgets off its own thread.
class LogView : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit LogView(QWidget* parent = nullptr);
    ~LogView() override;

    void appendRecord(cs::LogLevel level, const QString& message);

private:
    int m_listenerId = -1;
};

} // namespace cs::ui
