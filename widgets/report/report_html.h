#pragma once
// Small HTML building blocks of the report: escaping, numbers, tables, embedded images.
// Private to widgets/report.
#include <QCoreApplication>
#include <QImage>
#include <QString>
#include <QStringList>

#include <string>
#include <utility>
#include <vector>

namespace cs::ui {

// The one translation context of every report text, so translators see them together and
// the report follows the GUI's language.
class HtmlReport {
    Q_DECLARE_TR_FUNCTIONS(cs::ui::HtmlReport)
};

namespace report {

// Every user string (point names, paths, observer names, warnings) goes through these.
QString esc(const QString& text);
QString esc(const std::string& text);

// Language-neutral numbers (C locale), compact: "0.0123", "1.2e+04", "∞".
QString num(double value, int precision = 5);
// 0.9123 → "91.23 %"
QString percent(double fraction, int decimals = 2);
// SQNR and other dB figures: "35.2", "∞" for an error-free point.
QString decibels(double value);

// PNG bytes of `image` as a data URI, and as an <img> with its pixel size.
QString pngDataUri(const QImage& image);
QString imageTag(const QImage& image, const QString& alt);

// A table filled row by row. Cells are HTML already (escape user text with esc()).
// `align` has one letter per column: 'l' text, 'r' numbers (right-aligned).
class Table {
public:
    Table(const QStringList& headers, const QString& align, const QString& cssClass = {});
    void addRow(const QStringList& cells, const QString& rowClass = {});
    int rowCount() const { return m_rows; }
    QString html() const;

private:
    QString m_align;
    QString m_head;
    QString m_body;
    QString m_class;
    int m_rows = 0;
};

// Two-column "name: value" table; values are HTML already.
QString keyValueTable(const std::vector<std::pair<QString, QString>>& rows);

// <section id=...><h2>title</h2>body</section>
QString section(const QString& id, const QString& title, const QString& body);

QString styleSheet();

} // namespace report
} // namespace cs::ui
