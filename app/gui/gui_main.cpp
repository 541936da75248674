// calibscope: the desktop front end. With no argument it opens the bundled demo.
#include "gui/main_window.h"

#include "core/logging.h"

#include <QApplication>
#include <QIcon>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <string_view>

int main(int argc, char** argv)
{
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
    const QCommandLineOption language(QStringLiteral("language"), QStringLiteral("UI language, e.g. en or zh_CN."),
                                      QStringLiteral("LANG"));
    parser.addOption(language);
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("TorchScript model to open (default: the demo)."), QStringLiteral("[file]"));
    parser.process(app);

    QTranslator translator;
    const QLocale locale = parser.isSet(language) ? QLocale(parser.value(language)) : QLocale();
    if (translator.load(locale, QStringLiteral("calibscope"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    cs::initLogging(true, cs::LogLevel::Info);
    cs::app::MainWindow window;
    window.show();
    if (parser.positionalArguments().isEmpty())
        window.openDemo();
    else
        window.openModel(parser.positionalArguments().constFirst());
    return QApplication::exec();
}
