#pragma once
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

class QWidget;

namespace cs::app {

// View ▸ Language: the language is read when calibscope starts, so choosing another one
// offers to restart at once with the work reopened: the session (saved first when it has
// unsaved changes), else the model.
class LanguageSwitch : public QObject {
    Q_OBJECT
public:
    struct Hooks {
        // Save / Discard / Cancel before the restart; `proceed` runs unless cancelled.
        std::function<void(const QString& question, std::function<void()> proceed)> askToSave;
        std::function<QString()> sessionPath; // the saved session, "" when none
        std::function<QString()> modelPath;   // "" when none
        std::function<void()> closeWindow;    // without asking again
    };
    // Starts the program with these arguments; the default runs this executable detached.
    using Launcher = std::function<bool(const QString& program, const QStringList& arguments)>;

    LanguageSwitch(QWidget* window, Hooks hooks);

    // Remembers `code` ("" = the system's) and asks whether to restart now.
    void choose(const QString& code);
    void setLauncher(Launcher launcher) { m_launch = std::move(launcher); }

Q_SIGNALS:
    void restarting(const QStringList& arguments);

private:
    void restart(const QString& code);

    QWidget* m_window;
    Hooks m_hooks;
    Launcher m_launch;
};

} // namespace cs::app
