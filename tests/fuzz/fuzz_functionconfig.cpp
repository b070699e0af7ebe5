// SPDX-License-Identifier: GPL-3.0-or-later
// A function's configuration as a deploy carries it: parsed as untrusted JSON, checked field by
// field (cron schedules and MQTT topic filters included). Nothing may throw or crash, and a
// configuration that passes must pass again after the agent wrote it down and read it back.

#include "cronexpression.h"
#include "deployconfig.h"
#include "jsontext.h"
#include "topicfilter.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace rune;
using namespace rune::protocol;

namespace
{

void checkConfig(std::string_view text)
{
    const auto json = parseJsonText(text, 1u << 20);
    if (!json)
        return;
    const auto config = parseFunctionConfig(*json);
    if (!config)
        return;
    // What the store writes to disk is read back on restart: it must still be accepted.
    const auto reread = parseJsonText(jsonText(toJson(*config)), 1u << 20);
    if (!reread || !parseFunctionConfig(*reread))
        __builtin_trap();
}

void checkSchedule(std::string_view text)
{
    const auto cron = CronExpression::parse(text);
    if (!cron)
        return;
    std::tm time {};
    time.tm_mday = 29;
    time.tm_mon = 1;
    time.tm_wday = 6;
    (void)cron->matches(time);
}

void checkTopics(std::string_view text)
{
    const auto newline = text.find('\n');
    const std::string_view filter = text.substr(0, newline);
    const std::string_view topic = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (!topicFilterProblem(filter))
        (void)topicMatches(filter, topic);
    (void)topicNameProblem(topic);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    checkConfig(text);
    checkSchedule(text);
    checkTopics(text);
    return 0;
}
