// SPDX-License-Identifier: GPL-3.0-or-later
// What the console and POST /v1/triggers/publish send about MQTT: broker URLs, user names, topics
// to publish to and filters to await. Nothing may crash, and the checks must agree with each
// other: a URL that passes names a host and a port in range and holds no password, a topic that
// passes is also a filter that matches itself, and no accepted topic holds a wildcard.

#include "mqttbroker.h"
#include "topicfilter.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace rune::protocol;

namespace
{

void checkUrl(std::string_view url)
{
    if (brokerUrlProblem(url))
        return;
    if (!url.starts_with("tcp://") || url.find('@') != std::string_view::npos || url.size() > maxBrokerUrlBytes
        || url.find_first_of(" /?#", 6) != std::string_view::npos)
        __builtin_trap();
}

void checkTopic(std::string_view topic)
{
    if (topicNameProblem(topic))
        return;
    if (topic.find_first_of("+#") != std::string_view::npos || topicFilterProblem(topic) || !topicMatches(topic, topic))
        __builtin_trap();
}

void checkFilter(std::string_view filter, std::string_view topic)
{
    if (topicFilterProblem(filter))
        return;
    // "#" matches every topic that does not start with '$'.
    if (!topicNameProblem(topic) && !topic.starts_with('$') && !topicMatches("#", topic))
        __builtin_trap();
    (void)topicMatches(filter, topic);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char *>(data), size);
    // Two texts, split at the first newline: the second is the topic a filter is tried on.
    const auto newline = input.find('\n');
    const std::string_view first = input.substr(0, newline);
    const std::string_view second = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
    checkUrl(first);
    (void)brokerUsernameProblem(first);
    checkTopic(first);
    checkFilter(first, second);
    return 0;
}
