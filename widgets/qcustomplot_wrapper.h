#pragma once
// The only place that includes QCustomPlot. Its header uses Qt's keyword macros, which
// every calibscope target disables (QT_NO_KEYWORDS) because LibTorch declares slots().
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
