// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchmarks/rttheatmap.h"

#include "benchmarks/benchmarkformat.h"
#include "benchprotocol.h"

#include <QFontMetrics>
#include <QLinearGradient>
#include <QPainter>
#include <QSet>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

constexpr int cellWidth = 92;
constexpr int cellHeight = 40;
constexpr int margin = 12;
constexpr int scaleHeight = 14;

QString ms(double value)
{
    return formatBenchmarkValue(value, QString::fromLatin1(protocol::benchunits::milliseconds));
}

} // namespace

RttHeatMap::RttHeatMap(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"rttHeatMap"_s);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void RttHeatMap::setRecords(const QList<BenchmarkRecord> &latest, const QList<ChartNode> &nodes)
{
    const QString rtt = QString::fromLatin1(protocol::benchtests::rtt);
    const QString avg = QString::fromLatin1(protocol::benchmetrics::rttAvg);
    QHash<QString, int> indexOf;
    for (int index = 0; index < nodes.size(); ++index)
        indexOf.insert(nodes[index].first, index);
    QHash<QPair<int, int>, double> cells;
    QSet<int> shown;
    for (const BenchmarkRecord &record : latest) {
        if (record.test != rtt || record.metric != avg || !indexOf.contains(record.nodeId)
            || !indexOf.contains(record.peerNodeId))
            continue;
        const int from = indexOf.value(record.nodeId);
        const int to = indexOf.value(record.peerNodeId);
        cells.insert({from, to}, record.value);
        shown << from << to;
    }
    // Only the nodes in the matrix, keeping their order.
    m_nodes.clear();
    QHash<int, int> moved;
    for (int index = 0; index < nodes.size(); ++index) {
        if (shown.contains(index)) {
            moved.insert(index, int(m_nodes.size()));
            m_nodes.append(nodes[index]);
        }
    }
    m_cells.clear();
    m_low = 0;
    m_high = 0;
    for (auto it = cells.cbegin(); it != cells.cend(); ++it) {
        m_cells.insert({moved.value(it.key().first), moved.value(it.key().second)}, it.value());
        m_low = m_cells.size() == 1 ? it.value() : std::min(m_low, it.value());
        m_high = std::max(m_high, it.value());
    }
    updateGeometry();
    update();
}

QStringList RttHeatMap::nodeNames() const
{
    QStringList names;
    for (const auto &node : m_nodes)
        names << node.second;
    return names;
}

std::optional<double> RttHeatMap::cell(int from, int to) const
{
    const auto found = m_cells.constFind({from, to});
    if (found == m_cells.constEnd())
        return std::nullopt;
    return *found;
}

QString RttHeatMap::slowestText() const
{
    if (m_cells.isEmpty())
        return {};
    auto slowest = m_cells.cbegin();
    for (auto it = m_cells.cbegin(); it != m_cells.cend(); ++it) {
        if (it.value() > slowest.value())
            slowest = it;
    }
    return tr("Slowest: %1 → %2, %3 on average")
        .arg(m_nodes[slowest.key().first].second, m_nodes[slowest.key().second].second, ms(slowest.value()));
}

QSize RttHeatMap::sizeHint() const
{
    const int count = std::max<int>(int(m_nodes.size()), 2);
    const int header = fontMetrics().horizontalAdvance(u"compute-10"_s) + 2 * margin;
    return {header + count * cellWidth + margin, cellHeight + count * cellHeight + 4 * margin + scaleHeight + 40};
}

QSize RttHeatMap::minimumSizeHint() const
{
    return sizeHint();
}

QColor RttHeatMap::colorFor(double value) const
{
    // Green to yellow to red over the span measured; all equal reads green.
    const double span = m_high - m_low;
    const double position = span > 0 ? (value - m_low) / span : 0;
    return QColor::fromHsvF(float((1.0 - position) * 120.0 / 360.0), 0.65f, 0.92f);
}

void RttHeatMap::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette palette = this->palette();
    QFont bold = font();
    bold.setBold(true);
    if (m_nodes.isEmpty()) {
        painter.setPen(palette.color(QPalette::PlaceholderText));
        painter.drawText(
            rect(), Qt::AlignCenter, tr("No round-trip times yet: run the RTT test on two nodes or more."));
        return;
    }
    int header = 0;
    for (const auto &node : m_nodes)
        header = std::max(header, QFontMetrics(bold).horizontalAdvance(node.second));
    header += 2 * margin;
    const int count = int(m_nodes.size());
    const int top = margin + QFontMetrics(bold).height() + 8;
    painter.setFont(bold);
    painter.setPen(palette.color(QPalette::Text));
    painter.drawText(QRect(margin, margin, header + count * cellWidth, QFontMetrics(bold).height()),
        Qt::AlignLeft,
        tr("Round-trip time, from (rows) to (columns)"));
    for (int index = 0; index < count; ++index) {
        const QString name = m_nodes[index].second;
        const QRect column(header + index * cellWidth, top, cellWidth, cellHeight);
        painter.drawText(column, Qt::AlignCenter | Qt::TextWordWrap, name);
        const QRect row(margin, top + (index + 1) * cellHeight, header - 2 * margin, cellHeight);
        painter.drawText(row, Qt::AlignRight | Qt::AlignVCenter, name);
    }
    painter.setFont(font());
    for (int from = 0; from < count; ++from) {
        for (int to = 0; to < count; ++to) {
            const QRect box(header + to * cellWidth, top + (from + 1) * cellHeight, cellWidth, cellHeight);
            const auto value = cell(from, to);
            painter.setPen(QPen(palette.color(QPalette::Base), 2));
            painter.setBrush(value ? colorFor(*value) : palette.color(QPalette::AlternateBase));
            painter.drawRect(box);
            painter.setPen(value ? QColor(0x1f, 0x29, 0x37) : palette.color(QPalette::PlaceholderText));
            painter.drawText(box, Qt::AlignCenter, value ? ms(*value) : (from == to ? u"—"_s : tr("n/a")));
        }
    }
    // The colour scale and the slowest pair under the grid.
    const int scaleTop = top + (count + 1) * cellHeight + margin;
    const QRect scale(header, scaleTop, count * cellWidth, scaleHeight);
    QLinearGradient gradient(scale.topLeft(), scale.topRight());
    gradient.setColorAt(0, colorFor(m_low));
    gradient.setColorAt(0.5, colorFor((m_low + m_high) / 2));
    gradient.setColorAt(1, colorFor(m_high));
    painter.setPen(Qt::NoPen);
    painter.setBrush(gradient);
    painter.drawRect(scale);
    painter.setPen(palette.color(QPalette::PlaceholderText));
    const QRect labels(header, scaleTop + scaleHeight + 2, count * cellWidth, fontMetrics().height());
    painter.drawText(labels, Qt::AlignLeft, ms(m_low));
    painter.drawText(labels, Qt::AlignRight, ms(m_high));
    painter.setPen(palette.color(QPalette::Text));
    painter.setFont(bold);
    painter.drawText(QRect(margin, labels.bottom() + 6, width() - 2 * margin, QFontMetrics(bold).height()),
        Qt::AlignLeft,
        slowestText());
}

} // namespace rune::views
