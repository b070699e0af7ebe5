// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QJsonObject>

// Reading the agent's JSON answers (field names in cluster/agentprotocol.h).
namespace rune::agentjson
{

/** A protocol field name as a QString key. */
QString field(const char *name);
/** @p body as a JSON object; anything else fails with "agent.bad_response". */
Result<QJsonObject> parseObject(const QByteArray &body);

} // namespace rune::agentjson
