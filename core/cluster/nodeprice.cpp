// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/nodeprice.h"

#include "cost/money.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace rune
{

Result<QString> setHourlyPrice(NodeList &nodes, const QString &nodeId, const QString &text)
{
    const Node *found = nodes.find(nodeId);
    if (!found)
        return fail(u"node.not_found"_s, QCoreApplication::translate("rune", "There is no node %1.").arg(nodeId));
    const QString trimmed = text.trimmed();
    const auto parsed = cost::Money::parse(trimmed);
    if (!trimmed.isEmpty() && (!parsed || parsed->isTooLarge()))
        return fail(u"node.bad_price"_s,
            QCoreApplication::translate("rune", "%1: \"%2\" is not a price; write US dollars an hour such as 0.05.")
                .arg(found->name, trimmed.left(40)));
    Node node = *found;
    node.hourlyPrice = trimmed.isEmpty() ? QString() : parsed->toDecimal();
    nodes.update(node);
    return node.hourlyPrice;
}

} // namespace rune
