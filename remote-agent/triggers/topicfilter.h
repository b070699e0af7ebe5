// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rune::agent
{

/** Whether an MQTT topic matches a subscription filter (`+` one level, `#` the rest, MQTT 3.1.1 4.7). */
bool topicMatches(std::string_view filter, std::string_view topic);

/** Why @p filter is not a valid subscription filter, or nullopt when it is. */
std::optional<std::string> topicFilterProblem(std::string_view filter);

} // namespace rune::agent
