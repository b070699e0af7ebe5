// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <bitset>
#include <ctime>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rune::protocol
{

/**
 * A standard five-field cron schedule: minute hour day-of-month month day-of-week, each a `*`, a
 * number, a range `a-b`, a step `*\/n` or `a-b/n`, or a comma list of those; months and weekdays
 * also by name (jan, mon). Day 7 is Sunday too. As in classic cron, when both day fields are
 * restricted a day matching either of them fires. The shorthands @yearly (@annually), @monthly,
 * @weekly, @daily (@midnight) and @hourly stand for their five fields; @reboot is refused, since a
 * function has no boot of its own.
 */
class CronExpression
{
public:
    /** The schedule, or a sentence naming the field that is wrong (the same on the agent and the console). */
    static std::expected<CronExpression, std::string> parse(std::string_view text);

    /** Whether the schedule fires in the minute of @p time (local time, seconds ignored). */
    bool matches(const std::tm &time) const;
    /** The first minute after @p after (a time_t) in which it fires, in local time; nullopt if never. */
    std::optional<std::time_t> next(std::time_t after) const;
    const std::string &text() const;

private:
    /** The five fields, already split. */
    static std::expected<CronExpression, std::string> parseFields(const std::vector<std::string_view> &parts);

    std::string m_text;
    std::bitset<60> m_minutes;
    std::bitset<24> m_hours;
    std::bitset<32> m_days; ///< 1..31
    std::bitset<13> m_months; ///< 1..12
    std::bitset<7> m_weekdays; ///< 0 = Sunday
    bool m_anyDay = true;
    bool m_anyWeekday = true;
};

} // namespace rune::protocol
