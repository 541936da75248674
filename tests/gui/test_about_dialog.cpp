// The About box names the BLAS LibTorch calls and LibTorch's thread count, as --version does.
#include "gui/about_dialog.h"

#include <QApplication>
#include <QMessageBox>
#include <QRegularExpression>
#include <QTest>
#include <QWidget>

class TestAboutDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void textNamesTheRuntime()
    {
        const QString text = cs::app::aboutText();
        QVERIFY2(text.startsWith(QStringLiteral("calibscope " CALIBSCOPE_VERSION)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("\nBLAS: ")), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("BLAS: none")), qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression(QStringLiteral("\nLibTorch threads: [1-9]"))), qPrintable(text));
        // The warning comes with the reference BLAS only (this process's BLAS is in the text).
        QCOMPARE(text.contains(QStringLiteral("slow reference BLAS")),
                 text.contains(QStringLiteral("BLAS: reference")));
    }

    void dialogShowsTheText()
    {
        QWidget parent;
        cs::app::showAboutDialog(&parent);
        auto* box = parent.findChild<QMessageBox*>();
        QVERIFY(box);
        QCOMPARE(box->text(), cs::app::aboutText());
        box->close();
    }
};

QTEST_MAIN(TestAboutDialog)
#include "test_about_dialog.moc"
