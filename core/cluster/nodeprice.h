// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/nodelist.h"
#include "util/result.h"

namespace rune
{

/**
 * Sets the hourly price of @p nodeId in @p nodes (which the NodePersister stores): @p text in US
 * dollars an hour such as "0.05", or empty for none. The one way the Nodes pane's "Hourly price…"
 * and the Settings pane change it. Returns the price as stored ("0.05", or empty), or why
 * @p text was refused (node.not_found, node.bad_price), changing nothing.
 */
Result<QString> setHourlyPrice(NodeList &nodes, const QString &nodeId, const QString &text);

} // namespace rune
