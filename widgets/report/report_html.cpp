#include "widgets/report/report_html.h"

#include "widgets/point_table_model.h"

#include <QBuffer>

#include <cmath>

namespace cs::ui::report {

QString esc(const QString& text) { return text.toHtmlEscaped(); }
QString esc(const std::string& text) { return QString::fromStdString(text).toHtmlEscaped(); }

// The table's own formatting (locale-free, ∞ for infinities): the same digits in every language
// and in the report as on screen.
QString num(double value, int precision) { return formatNumber(value, precision); }

QString percent(double fraction, int decimals)
{
    if (!std::isfinite(fraction))
        return num(fraction);
    return QString::number(fraction * 100.0, 'f', decimals) + QStringLiteral(" %");
}

QString decibels(double value)
{
    if (!std::isfinite(value))
        return num(value);
    return QString::number(value, 'f', 1);
}

QString pngDataUri(const QImage& image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return QStringLiteral("data:image/png;base64,") + QString::fromLatin1(bytes.toBase64());
}

QString imageTag(const QImage& image, const QString& alt)
{
    return QStringLiteral("<img class=\"plot\" width=\"%1\" height=\"%2\" alt=\"%3\" src=\"%4\">")
        .arg(image.width())
        .arg(image.height())
        .arg(esc(alt), pngDataUri(image));
}

Table::Table(const QStringList& headers, const QString& align, const QString& cssClass)
    : m_align(align), m_class(cssClass)
{
    for (int i = 0; i < headers.size(); ++i)
        m_head += (i < m_align.size() && m_align[i] == QLatin1Char('r') ? QStringLiteral("<th class=\"num\">")
                                                                        : QStringLiteral("<th>"))
                  + headers[i] + QStringLiteral("</th>");
}

void Table::addRow(const QStringList& cells, const QString& rowClass)
{
    m_body += rowClass.isEmpty() ? QStringLiteral("<tr>") : QStringLiteral("<tr class=\"%1\">").arg(rowClass);
    for (int i = 0; i < cells.size(); ++i)
        m_body += (i < m_align.size() && m_align[i] == QLatin1Char('r') ? QStringLiteral("<td class=\"num\">")
                                                                        : QStringLiteral("<td>"))
                  + cells[i] + QStringLiteral("</td>");
    m_body += QStringLiteral("</tr>\n");
    ++m_rows;
}

QString Table::html() const
{
    const QString cls = m_class.isEmpty() ? QString() : QStringLiteral(" class=\"%1\"").arg(m_class);
    return QStringLiteral("<div class=\"scroll\"><table%1>\n<thead><tr>%2</tr></thead>\n<tbody>\n%3</tbody></table></div>\n")
        .arg(cls, m_head, m_body);
}

QString keyValueTable(const std::vector<std::pair<QString, QString>>& rows)
{
    QString html = QStringLiteral("<table class=\"kv\">\n");
    for (const auto& [key, value] : rows)
        html += QStringLiteral("<tr><th>%1</th><td>%2</td></tr>\n").arg(key, value);
    return html + QStringLiteral("</table>\n");
}

QString section(const QString& id, const QString& title, const QString& body)
{
    return QStringLiteral("<section id=\"%1\">\n<h2>%2</h2>\n%3</section>\n").arg(id, title, body);
}

QString styleSheet()
{
    // Light, print-friendly, no web fonts: the file must not reach for anything outside.
    return QStringLiteral(
        "body{font-family:'Noto Sans','DejaVu Sans','Segoe UI',Arial,'Noto Sans CJK SC',sans-serif;"
        "margin:0 auto;max-width:1200px;padding:16px 24px;color:#1d1d1f;background:#fff;font-size:14px;"
        "line-height:1.45}\n"
        "h1{font-size:24px;margin:8px 0 4px}h2{font-size:19px;border-bottom:2px solid #d0d7de;"
        "padding-bottom:4px;margin-top:32px}h3{font-size:16px;margin:24px 0 6px}\n"
        ".meta{color:#57606a;margin:0 0 12px}\n"
        "nav{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:6px 12px}\n"
        "nav a{margin-right:14px;color:#0969da;text-decoration:none}\n"
        ".scroll{overflow-x:auto}\n"
        "table{border-collapse:collapse;margin:8px 0;font-size:13px}\n"
        "th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}\n"
        "thead th{background:#f6f8fa;position:sticky;top:0}\n"
        "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
        "table.kv th{background:#f6f8fa;font-weight:600;white-space:nowrap}\n"
        "tr.bad td{background:#fff1f0}tr.low td{background:#fff8e6}tr.ref td{color:#57606a}\n"
        "tr.chosen td{font-weight:600}\n"
        "code{font-family:'DejaVu Sans Mono',monospace;font-size:12px;background:#f6f8fa;padding:1px 4px;"
        "border-radius:3px;word-break:break-all}\n"
        ".flag{display:inline-block;border-radius:3px;padding:0 5px;margin-right:3px;font-size:12px;"
        "background:#ddf4ff;color:#0550ae}.flag.warn{background:#ffebe9;color:#a40e26}\n"
        ".note{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:6px 12px}\n"
        ".empty{color:#57606a;font-style:italic}\n"
        ".bar{display:inline-block;height:10px;background:#1f77b4;vertical-align:middle}\n"
        "img.plot{display:block;max-width:100%;height:auto;border:1px solid #d0d7de;margin:8px 0}\n"
        "ul.warnings li{margin:2px 0}\n"
        "footer{color:#57606a;font-size:12px;margin-top:40px;border-top:1px solid #d0d7de;padding-top:6px}\n"
        "@media print{nav{display:none}thead th{position:static}}\n");
}

} // namespace cs::ui::report
