#pragma once
#include <QWidget>

class QComboBox;
class QLineEdit;
class QSpinBox;
class QTableView;

namespace cs::ui {

class PointFilterProxy;
class PointTableModel;

// The point table with its filter bar (text, kind, observer, worst N by error).
class PointTableView : public QWidget {
    Q_OBJECT
public:
    // The rows whose contents size the columns.
    static constexpr int kSizedRows = 100;

    explicit PointTableView(PointTableModel* model, QWidget* parent = nullptr);

    QString currentPoint() const;
    QStringList selectedPoints() const; // the current point first
    void selectPoint(const QString& name);

    QTableView* table() const { return m_table; }
    PointFilterProxy* proxy() const { return m_proxy; }

Q_SIGNALS:
    void currentPointChanged(const QString& name);
    void selectionChanged();

private:
    void refillCombos();
    static void refill(QComboBox* combo, const QStringList& values, const QString& allText);

    PointTableModel* m_model;
    PointFilterProxy* m_proxy;
    QTableView* m_table;
    QLineEdit* m_text;
    QComboBox* m_kind;
    QComboBox* m_observer;
    QSpinBox* m_worst;
};

} // namespace cs::ui
