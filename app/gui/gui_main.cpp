// calibscope: the desktop front end. With no argument it opens the bundled demo.
#include "gui/main_window.h"
#include "gui/settings.h"

#include "core/platform/allocator_tuning.h"
#include "core/platform/openmp_wait.h"
#include "core/platform/logging.h"
#include "core/platform/runtime_info.h"

#include <QApplication>
#include <QIcon>
#include <QCommandLineParser>
#include <QLocale>
#include <QTranslator>

#include <string_view>

int main(int argc, char** argv)
{
    cs::preferPassiveOpenMpWaiting(argv);
    cs::keepFreedMemoryForReuse();
    // --help/--version need no window system; without a display Qt would abort before
    // printing them.
    bool infoOnly = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a(argv[i]);
        infoOnly |= a == "-h" || a == "--help" || a == "--help-all" || a == "-v" || a == "--version";
    }
    if (infoOnly && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "minimal");
    QApplication app(argc, argv);
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.calibscope.calibscope"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("io.github.calibscope.calibscope")));
    QApplication::setApplicationName(QStringLiteral("calibscope"));
    QApplication::setOrganizationName(QStringLiteral("calibscope"));
    QApplication::setApplicationVersion(QStringLiteral(CALIBSCOPE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Interactive post-training-quantization calibration."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption language(QStringLiteral("language"),
                                      QStringLiteral("UI language, e.g. en or zh_CN (default: View ▸ Language)."),
                                      QStringLiteral("LANG"));
    parser.addOption(language);
    parser.addPositionalArgument(QStringLiteral("file"),
                                 QStringLiteral("TorchScript model or .cscope session to open (default: the demo)."),
                                 QStringLiteral("[file]"));
    parser.process(app);

    // --language wins over the saved setting, which wins over the system locale.
    QString languageName = parser.value(language);
    if (languageName.isEmpty())
        languageName = cs::app::settings::language.value();
    // "system" is what a restart after View ▸ Language ▸ System default passes.
    const QLocale locale = languageName.isEmpty() || languageName == QLatin1String("system") ? QLocale() : QLocale(languageName);
    QTranslator translator;
    if (translator.load(locale, QStringLiteral("calibscope"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    cs::initLogging(true, cs::LogLevel::Info);
    cs::warnOnceIfReferenceBlas();
    cs::app::MainWindow window;
    window.restoreLayout();
    window.show();
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        window.openDemo();
    else if (files.constFirst().endsWith(QLatin1String(".cscope")))
        window.openSession(files.constFirst());
    else
        window.openModel(files.constFirst());
    return QApplication::exec();
}
