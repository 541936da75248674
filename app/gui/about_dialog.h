#pragma once
class QString;
class QWidget;

namespace cs::app {

// The About box's text: the version, then the BLAS LibTorch calls and LibTorch's thread count
// (a slow machine is often a reference BLAS or a single thread), and a warning when the BLAS
// is the reference one.
QString aboutText();

// Opens the About box over parent (window-modal, deletes itself when closed).
void showAboutDialog(QWidget* parent);

} // namespace cs::app
