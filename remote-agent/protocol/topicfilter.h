// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rune::protocol
{

/** Whether an MQTT topic matches a subscription filter (`+` one level, `#` the rest, MQTT 3.1.1 4.7). */
bool topicMatches(std::string_view filter, std::string_view topic);

/** The longest topic or filter MQTT can carry. */
inline constexpr std::size_t maxTopicBytes = 65535;

/** Why @p filter is not a valid subscription filter (UTF-8, no NUL, wildcards whole levels), or nullopt. */
std::optional<std::string> topicFilterProblem(std::string_view filter);

/** Why @p topic is not a topic a message can be published to (a filter's rules, and no wildcards), or nullopt. */
std::optional<std::string> topicNameProblem(std::string_view topic);

} // namespace rune::protocol
