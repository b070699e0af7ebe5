// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/nodeattention.h"

#include "cluster/node.h"
#include "metrics/fleetmetrics.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

using namespace Qt::StringLiterals;

namespace rune::views
{

bool NodeAttention::isEmpty() const
{
    return isolationWarnings.isEmpty() && pollProblem.isEmpty();
}

QString NodeAttention::toolTip() const
{
    QStringList lines;
    if (!pollProblem.isEmpty())
        lines << pollProblem;
    if (!isolationWarnings.isEmpty()) {
        lines << QCoreApplication::translate("rune::views::NodeAttention", "Isolation warnings from the agent:");
        for (const QString &warning : isolationWarnings)
            lines << u"• "_s + warning;
    }
    return lines.join(u'\n');
}

NodeAttention nodeAttention(const Node &node, const FleetMetrics &metrics)
{
    NodeAttention attention;
    attention.isolationWarnings = node.facts.isolation.warnings;
    if (const Error *problem = metrics.problem(node.id))
        attention.pollProblem = problem->message;
    return attention;
}

QIcon attentionBadge()
{
    static const QIcon badge = [] {
        QPixmap pixmap(32, 32);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        QPainterPath triangle;
        triangle.moveTo(16, 3);
        triangle.lineTo(30, 28);
        triangle.lineTo(2, 28);
        triangle.closeSubpath();
        painter.fillPath(triangle, QColor(0xe0, 0x9b, 0x1a));
        painter.setPen(QPen(Qt::black, 3.2, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(QPointF(16, 11), QPointF(16, 19));
        painter.drawPoint(QPointF(16, 24));
        painter.end();
        return QIcon(pixmap);
    }();
    return badge;
}

} // namespace rune::views
