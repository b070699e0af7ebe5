// SPDX-License-Identifier: GPL-3.0-or-later
#include "topicfilter.h"

#include "utf8text.h"

#include <vector>

namespace rune::protocol
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

namespace
{

// What every MQTT topic string must be (MQTT 3.1.1 1.5.3, 4.7.3): UTF-8 without U+0000, 1 to 65535 bytes.
std::optional<std::string> topicTextProblem(std::string_view text, const char *what)
{
    if (text.empty())
        return "an MQTT " + std::string(what) + " must not be empty";
    if (text.size() > maxTopicBytes)
        return "an MQTT " + std::string(what) + " is at most 65535 bytes long";
    if (text.find('\0') != std::string_view::npos)
        return "the MQTT " + std::string(what) + " " + quotedExcerpt(text) + " contains a NUL character";
    if (!isValidUtf8(text))
        return "the MQTT " + std::string(what) + " " + quotedExcerpt(text) + " is not valid UTF-8";
    return std::nullopt;
}

} // namespace

std::optional<std::string> topicFilterProblem(std::string_view filter)
{
    if (auto problem = topicTextProblem(filter, "topic filter"))
        return problem;
    const auto parts = levels(filter);
    for (std::size_t index = 0; index < parts.size(); ++index) {
        const std::string_view level = parts[index];
        if (level.find('#') != std::string_view::npos && (level != "#" || index + 1 < parts.size()))
            return "in the MQTT topic filter " + quotedExcerpt(filter) + ", # must be a whole last level";
        if (level.find('+') != std::string_view::npos && level != "+")
            return "in the MQTT topic filter " + quotedExcerpt(filter) + ", + must be a whole level";
    }
    return std::nullopt;
}

std::optional<std::string> topicNameProblem(std::string_view topic)
{
    if (auto problem = topicTextProblem(topic, "topic"))
        return problem;
    if (topic.find_first_of("+#") != std::string_view::npos)
        return "the MQTT topic " + quotedExcerpt(topic) + " must not contain + or # (those are for filters)";
    return std::nullopt;
}

} // namespace rune::protocol
