#include "widgets/parameter_panel.h"

#include "core/observers/observer_registry.h"
#include "widgets/table_items.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <cmath>

namespace cs::ui {

namespace {

// The registry allows ±1e30 for unbounded parameters; a spin box that wide is unusable and
// no activation range comes near this.
constexpr double kEditorLimit = 1e9;

QString editorName(const std::string& param) { return QStringLiteral("param_") + QString::fromStdString(param); }

// The numeric editors' common part: the parameter's range, its value, a width that leaves
// the form room for the names.
template <class Box, class Value>
Box* boundedNumberBox(Box* box, Value lower, Value upper, Value value)
{
    box->setRange(lower, upper);
    box->setValue(value);
    box->setMaximumWidth(160);
    return box;
}

} // namespace

ParameterPanel::ParameterPanel(QWidget* parent) : QWidget(parent)
{
    qRegisterMetaType<cs::ObserverConfig>();
    m_pointLabel = makeTextLabel(this, QStringLiteral("parameterPoint"));

    m_observer = new QComboBox(this);
    m_observer->setObjectName(QStringLiteral("observerCombo"));
    for (const obs::ObserverInfo& info : obs::observerRegistry()) {
        m_observer->addItem(QString::fromStdString(info.name), QString::fromStdString(info.name));
        m_observer->setItemData(m_observer->count() - 1, QString::fromStdString(info.help), Qt::ToolTipRole);
    }
    m_help = new QLabel(this);
    m_help->setWordWrap(true);
    m_help->setTextFormat(Qt::PlainText);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_help->setFont(small);

    m_paramsBox = new QWidget(this);
    m_paramsForm = new QFormLayout(m_paramsBox);
    m_paramsForm->setContentsMargins(0, 0, 0, 0);

    m_dtype = new QComboBox(this);
    m_dtype->setObjectName(QStringLiteral("dtypeCombo"));
    for (const std::string& name : obs::dtypeNames())
        m_dtype->addItem(QString::fromStdString(name), QString::fromStdString(name));
    m_qscheme = new QComboBox(this);
    m_qscheme->setObjectName(QStringLiteral("qschemeCombo"));
    // Activations are quantized per tensor; per-channel schemes belong to weights.
    for (obs::QScheme s : {obs::QScheme::PerTensorSymmetric, obs::QScheme::PerTensorAffine})
        m_qscheme->addItem(QString::fromStdString(obs::toString(s)), QString::fromStdString(obs::toString(s)));
    m_narrow = new QCheckBox(tr("Narrow range"), this);
    m_narrow->setToolTip(tr("Signed types drop their most negative level (qint8: -127..127)"));
    m_powerOfTwo = new QCheckBox(tr("Power-of-two scale"), this);
    m_powerOfTwo->setObjectName(QStringLiteral("powerOfTwo"));
    m_powerOfTwo->setToolTip(tr("Round the scale up to 2^-k (Horizon BERNOULLI)"));
    m_keepFloat = new QCheckBox(tr("Keep in float"), this);
    m_keepFloat->setObjectName(QStringLiteral("keepFloat"));
    m_keepFloat->setToolTip(tr("Do not quantize this point"));

    auto* gridBox = new QGroupBox(tr("Integer grid"), this);
    auto* grid = new QFormLayout(gridBox);
    grid->addRow(tr("Dtype:"), m_dtype);
    grid->addRow(tr("Scheme:"), m_qscheme);
    grid->addRow(m_narrow);
    grid->addRow(m_powerOfTwo);
    grid->addRow(m_keepFloat);

    m_scope = new QComboBox(this);
    m_scope->setObjectName(QStringLiteral("scopeCombo"));
    m_scope->addItems({QString(), QString(), QString()});
    m_message = makeTextLabel(this, QStringLiteral("parameterMessage"));
    m_message->setStyleSheet(QStringLiteral("color: #c0392b"));
    m_apply = new QPushButton(tr("Apply"), this);
    m_apply->setObjectName(QStringLiteral("applyButton"));
    m_apply->setDefault(true);
    m_revert = new QPushButton(tr("Revert"), this);
    m_revert->setToolTip(tr("Show the point's current configuration again"));

    auto* observerBox = new QGroupBox(tr("Observer"), this);
    auto* observerLayout = new QVBoxLayout(observerBox);
    observerLayout->addWidget(m_observer);
    observerLayout->addWidget(m_help);
    observerLayout->addWidget(m_paramsBox);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_revert);
    buttons->addStretch(1);
    buttons->addWidget(m_apply);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_pointLabel);
    layout->addWidget(observerBox);
    layout->addWidget(gridBox);
    layout->addWidget(new QLabel(tr("Apply to:"), this));
    layout->addWidget(m_scope);
    layout->addWidget(m_message);
    layout->addLayout(buttons);
    layout->addStretch(1);

    connect(m_observer, &QComboBox::currentIndexChanged, this, [this] {
        // Values the user set for the previous observer carry over where the names match;
        // its defaults do not (min_max's averaging constant is not clip's).
        obs::ParamMap values;
        if (const obs::ObserverInfo* previous = obs::findObserver(m_editorsObserver))
            for (const auto& [name, editor] : m_editors)
                if (const obs::ParamSpec* spec = previous->param(name); spec && editorValue(editor) != spec->defaultValue)
                    values[name] = editorValue(editor);
        rebuildEditors(values);
        validate();
    });
    for (QComboBox* combo : {m_dtype, m_qscheme})
        connect(combo, &QComboBox::currentIndexChanged, this, &ParameterPanel::validate);
    for (QCheckBox* box : {m_narrow, m_powerOfTwo, m_keepFloat})
        connect(box, &QCheckBox::toggled, this, &ParameterPanel::validate);
    connect(m_apply, &QPushButton::clicked, this, [this] { Q_EMIT applyRequested(config(), scope()); });
    connect(m_revert, &QPushButton::clicked, this, [this] {
        setConfig(m_point, m_scope->itemData(int(Scope::Kind)).toString(), m_scope->itemData(int(Scope::Selection)).toInt(),
                  m_base);
    });
    setConfig({}, {}, 0, defaultActivationConfig());
}

void ParameterPanel::setConfig(const QString& point, const QString& kind, int selected, const ObserverConfig& config)
{
    m_point = point;
    m_base = config;
    setEnabled(!point.isEmpty());
    m_pointLabel->setText(point.isEmpty() ? tr("Select a point to edit its configuration.") : tr("Point: %1").arg(point));
    {
        const QSignalBlocker blocker(m_observer);
        const int index = m_observer->findData(QString::fromStdString(config.name));
        m_observer->setCurrentIndex(std::max(0, index));
    }
    // Same observer: new values in the existing editors, so focus and pointers survive.
    if (m_editorsObserver == config.name)
        setEditorValues(config.params);
    else
        rebuildEditors(config.params);
    for (auto [combo, text] : {std::pair{m_dtype, obs::toString(config.spec.dtype)},
                               std::pair{m_qscheme, obs::toString(config.spec.qscheme)}}) {
        const QSignalBlocker blocker(combo);
        combo->setCurrentIndex(std::max(0, combo->findData(QString::fromStdString(text))));
    }
    for (auto [box, on] : {std::pair{m_narrow, config.spec.narrowRange}, std::pair{m_powerOfTwo, config.spec.powerOfTwo},
                           std::pair{m_keepFloat, config.keepFloat}}) {
        const QSignalBlocker blocker(box);
        box->setChecked(on);
    }
    m_scope->setItemText(int(Scope::Point), tr("This point"));
    setSelectionSize(selected);
    m_scope->setItemText(int(Scope::Kind), tr("All points of kind %1").arg(kind));
    m_scope->setItemData(int(Scope::Kind), kind);
    validate();
}

void ParameterPanel::rebuildEditors(const obs::ParamMap& values)
{
    while (m_paramsForm->rowCount() > 0)
        m_paramsForm->removeRow(0);
    m_editors.clear();
    const obs::ObserverInfo* info = obs::findObserver(m_observer->currentData().toString().toStdString());
    if (!info)
        return;
    m_editorsObserver = info->name;
    m_help->setText(QString::fromStdString(info->help));
    for (const obs::ParamSpec& spec : info->params) {
        const auto it = values.find(spec.name);
        const double value = it == values.end() ? spec.defaultValue : it->second;
        QString tip = QString::fromStdString(spec.help) + QLatin1Char('\n')
                      + tr("Default %1, range [%2, %3].").arg(spec.defaultValue).arg(spec.minValue).arg(spec.maxValue)
                      + QLatin1Char('\n')
                      + (spec.retunable ? tr("Changes are recomputed instantly from the statistics.")
                                        : tr("Changes need the calibration data again (a background re-run)."));
        QWidget* editor = nullptr;
        switch (spec.type) {
        case obs::ParamSpec::Double: {
            auto* box = new QDoubleSpinBox(m_paramsBox);
            const int decimals = spec.minValue > 0 && spec.minValue < 1e-6 ? 10 : 6;
            box->setDecimals(decimals); // before the value, which it would round otherwise
            box->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
            // A positive lower bound below the editor's resolution would round to 0.
            double lower = std::max(spec.minValue, -kEditorLimit);
            if (spec.minValue > 0)
                lower = std::max(lower, std::pow(10.0, -decimals));
            editor = boundedNumberBox(box, lower, std::min(spec.maxValue, kEditorLimit), value);
            connect(box, &QDoubleSpinBox::valueChanged, this, &ParameterPanel::validate);
            break;
        }
        case obs::ParamSpec::Int: {
            auto* box = boundedNumberBox(new QSpinBox(m_paramsBox), int(std::max(spec.minValue, double(INT_MIN))),
                                         int(std::min(spec.maxValue, double(INT_MAX))), int(value));
            connect(box, &QSpinBox::valueChanged, this, &ParameterPanel::validate);
            editor = box;
            break;
        }
        case obs::ParamSpec::Bool: {
            auto* box = new QCheckBox(m_paramsBox);
            box->setChecked(value != 0.0);
            connect(box, &QCheckBox::toggled, this, &ParameterPanel::validate);
            editor = box;
            break;
        }
        }
        editor->setObjectName(editorName(spec.name));
        editor->setToolTip(tip);
        auto* label = new QLabel(QString::fromStdString(spec.name) + (spec.retunable ? QString() : QStringLiteral(" ↻")),
                                 m_paramsBox);
        label->setToolTip(tip);
        m_paramsForm->addRow(label, editor);
        m_editors[spec.name] = editor;
    }
    if (info->params.empty())
        m_paramsForm->addRow(new QLabel(tr("No parameters."), m_paramsBox));
}

void ParameterPanel::setEditorValues(const obs::ParamMap& values)
{
    const obs::ObserverInfo* info = obs::findObserver(m_editorsObserver);
    if (!info)
        return;
    for (const obs::ParamSpec& spec : info->params) {
        const auto it = values.find(spec.name);
        const double value = it == values.end() ? spec.defaultValue : it->second;
        QWidget* editor = m_editors[spec.name];
        const QSignalBlocker blocker(editor);
        if (auto* d = qobject_cast<QDoubleSpinBox*>(editor))
            d->setValue(value);
        else if (auto* i = qobject_cast<QSpinBox*>(editor))
            i->setValue(int(value));
        else if (auto* b = qobject_cast<QCheckBox*>(editor))
            b->setChecked(value != 0.0);
    }
}

double ParameterPanel::editorValue(const QWidget* editor) const
{
    if (const auto* d = qobject_cast<const QDoubleSpinBox*>(editor))
        return d->value();
    if (const auto* i = qobject_cast<const QSpinBox*>(editor))
        return i->value();
    if (const auto* b = qobject_cast<const QCheckBox*>(editor))
        return b->isChecked() ? 1.0 : 0.0;
    return 0.0;
}

QWidget* ParameterPanel::editor(const QString& param) const
{
    const auto it = m_editors.find(param.toStdString());
    return it == m_editors.end() ? nullptr : it->second;
}

ObserverConfig ParameterPanel::config() const
{
    ObserverConfig c = m_base;
    c.name = m_observer->currentData().toString().toStdString();
    c.params.clear();
    if (const obs::ObserverInfo* info = obs::findObserver(c.name))
        for (const obs::ParamSpec& spec : info->params) {
            const auto it = m_editors.find(spec.name);
            if (it == m_editors.end())
                continue;
            const double value = editorValue(it->second);
            if (value != spec.defaultValue)
                c.params[spec.name] = value;
        }
    if (const auto dtype = obs::dtypeFromString(m_dtype->currentData().toString().toStdString()))
        c.spec.dtype = *dtype;
    if (const auto qscheme = obs::qschemeFromString(m_qscheme->currentData().toString().toStdString()))
        c.spec.qscheme = *qscheme;
    c.spec.narrowRange = m_narrow->isChecked();
    c.spec.powerOfTwo = m_powerOfTwo->isChecked();
    c.keepFloat = m_keepFloat->isChecked();
    return c;
}

void ParameterPanel::setSelectionSize(int selected)
{
    m_scope->setItemText(int(Scope::Selection), tr("Selected points (%1)").arg(selected));
    m_scope->setItemData(int(Scope::Selection), selected);
}

ParameterPanel::Scope ParameterPanel::scope() const { return Scope(std::max(0, m_scope->currentIndex())); }
void ParameterPanel::setScope(Scope scope) { m_scope->setCurrentIndex(int(scope)); }

QString ParameterPanel::validationMessage() const { return m_message->text(); }

void ParameterPanel::validate()
{
    const ObserverConfig c = config();
    const std::string error = obs::validateParams(c.name, c.params, c.spec);
    m_message->setText(QString::fromStdString(error));
    m_apply->setEnabled(error.empty() && !m_point.isEmpty());
}

} // namespace cs::ui
