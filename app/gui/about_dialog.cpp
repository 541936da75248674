#include "gui/about_dialog.h"

#include "core/platform/runtime_info.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QString>

// The strings keep the main window's translation context: the About box is its Help menu's.
namespace cs::app {

QString aboutText()
{
    const BlasInfo blas = blasInUse();
    QString text = QCoreApplication::translate("cs::app::MainWindow",
                                               "calibscope %1\nInteractive post-training-quantization calibration.")
                       .arg(QStringLiteral(CALIBSCOPE_VERSION));
    text += QStringLiteral("\n\n") + QCoreApplication::translate("cs::app::MainWindow", "BLAS: %1\nLibTorch threads: %2")
                                         .arg(QString::fromStdString(blas.name))
                                         .arg(torchThreadCount());
    if (blas.reference)
        text += QStringLiteral("\n\n") +
                QCoreApplication::translate("cs::app::MainWindow",
                                            "Matrix products use the slow reference BLAS. Install an optimized "
                                            "one, e.g. the Debian package libopenblas0-pthread.");
    return text;
}

void showAboutDialog(QWidget* parent)
{
    auto* box = new QMessageBox(QMessageBox::Information, QCoreApplication::translate("cs::app::MainWindow", "About calibscope"),
                               aboutText(), QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace cs::app
