// SPDX-License-Identifier: GPL-3.0-or-later
#include "triggers/topicfilter.h"

#include <vector>

namespace rune::agent
{

namespace
{

std::vector<std::string_view> levels(std::string_view text)
{
    std::vector<std::string_view> parts;
    for (;;) {
        const auto slash = text.find('/');
        parts.push_back(text.substr(0, slash));
        if (slash == std::string_view::npos)
            return parts;
        text.remove_prefix(slash + 1);
    }
}

} // namespace

bool topicMatches(std::string_view filter, std::string_view topic)
{
    // Topics starting with '$' (broker internals) are not matched by a leading wildcard.
    if (!topic.empty() && topic.front() == '$' && !filter.empty() && (filter.front() == '+' || filter.front() == '#'))
        return false;
    const auto wanted = levels(filter);
    const auto given = levels(topic);
    for (std::size_t index = 0; index < wanted.size(); ++index) {
        if (wanted[index] == "#")
            return true; // also matches the parent level itself: "a/#" matches "a"
        if (index >= given.size() || (wanted[index] != "+" && wanted[index] != given[index]))
            return false;
    }
    return wanted.size() == given.size();
}

std::optional<std::string> topicFilterProblem(std::string_view filter)
{
    if (filter.empty())
        return "an MQTT topic filter must not be empty";
    if (filter.size() > 65535)
        return std::string("an MQTT topic filter is at most 65535 bytes long");
    const auto parts = levels(filter);
    for (std::size_t index = 0; index < parts.size(); ++index) {
        const std::string_view level = parts[index];
        if (level.find('#') != std::string_view::npos && (level != "#" || index + 1 < parts.size()))
            return "in the MQTT topic filter '" + std::string(filter) + "', # must be a whole last level";
        if (level.find('+') != std::string_view::npos && level != "+")
            return "in the MQTT topic filter '" + std::string(filter) + "', + must be a whole level";
    }
    return std::nullopt;
}

} // namespace rune::agent
