#pragma once
#include "core/calibration.h"

#include <QWidget>

#include <map>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QPushButton;

namespace cs::ui {

// Editors for one point's ObserverConfig, generated from the observer registry: the
// observer, one editor per parameter (range and help from its ParamSpec), the integer
// grid, keep-float, and where to apply it.
class ParameterPanel : public QWidget {
    Q_OBJECT
public:
    enum class Scope { Point, Selection, Kind };
    Q_ENUM(Scope)

    explicit ParameterPanel(QWidget* parent = nullptr);

    // Shows `config` for `point`; `kind` names the "all points of this kind" scope and
    // `selected` how many points the selection scope covers. An empty point disables it.
    void setConfig(const QString& point, const QString& kind, int selected, const ObserverConfig& config);
    // The configuration the editors describe; params hold only what differs from the defaults.
    ObserverConfig config() const;
    // Only the size of the selection changed: the editors keep what the user typed.
    void setSelectionSize(int selected);
    Scope scope() const;
    void setScope(Scope scope);
    // The message of the last validation ("" when the editors describe a valid configuration).
    QString validationMessage() const;

    // For tests and keyboard-free automation.
    QComboBox* observerCombo() const { return m_observer; }
    QWidget* editor(const QString& param) const;
    QComboBox* dtypeCombo() const { return m_dtype; }
    QPushButton* applyButton() const { return m_apply; }

Q_SIGNALS:
    void applyRequested(const cs::ObserverConfig& config, cs::ui::ParameterPanel::Scope scope);

private:
    void rebuildEditors(const obs::ParamMap& values);
    void setEditorValues(const obs::ParamMap& values);
    void validate();
    double editorValue(const QWidget* editor) const;

    QString m_point;
    ObserverConfig m_base; // spec fields the panel does not edit (reduce range, custom range) come from here
    QLabel* m_pointLabel;
    QComboBox* m_observer;
    QLabel* m_help;
    QWidget* m_paramsBox;
    QFormLayout* m_paramsForm;
    std::map<std::string, QWidget*> m_editors;
    std::string m_editorsObserver; // the observer the editors were built for
    QComboBox* m_dtype;
    QComboBox* m_qscheme;
    QCheckBox* m_narrow;
    QCheckBox* m_powerOfTwo;
    QCheckBox* m_keepFloat;
    QComboBox* m_scope;
    QLabel* m_message;
    QPushButton* m_apply;
    QPushButton* m_revert;
};

} // namespace cs::ui

Q_DECLARE_METATYPE(cs::ObserverConfig)
