// SPDX-License-Identifier: GPL-3.0-or-later
#include "cronexpression.h"

#include "utf8text.h"

#include <array>
#include <cctype>
#include <vector>

namespace rune::protocol
{

namespace
{

struct FieldSpec {
    const char *name;
    int low;
    int high;
    const char *const *names; ///< lowercase three-letter names from `low`, or null
};

constexpr const char *monthNames[] = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char *dayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

constexpr std::array<FieldSpec, 5> fields {FieldSpec {"minute", 0, 59, nullptr},
    FieldSpec {"hour", 0, 23, nullptr},
    FieldSpec {"day of month", 1, 31, nullptr},
    FieldSpec {"month", 1, 12, monthNames},
    FieldSpec {"day of week", 0, 7, dayNames}};

// A whole number of at most @p digits digits, so nothing read here can overflow.
std::optional<int> smallNumber(std::string_view text, std::size_t digits)
{
    if (text.empty() || text.size() > digits)
        return std::nullopt;
    int number = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        number = number * 10 + (c - '0');
    }
    return number;
}

std::expected<int, std::string> value(std::string_view text, const FieldSpec &spec)
{
    if (spec.names && text.size() == 3) {
        const int count = spec.names == monthNames ? 12 : 7;
        std::string lower(text);
        for (char &c : lower)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        for (int index = 0; index < count; ++index) {
            if (lower == spec.names[index])
                return spec.low + index;
        }
    }
    const auto number = smallNumber(text, 2);
    if (!number || *number < spec.low || *number > spec.high)
        return std::unexpected(quotedExcerpt(text) + " is not a value from " + std::to_string(spec.low) + " to "
            + std::to_string(spec.high));
    return *number;
}

// The step after '/': from 1 to the width of the field, so stepping can never overflow.
std::expected<int, std::string> stepOf(std::string_view text, const FieldSpec &spec)
{
    const int widest = spec.high - spec.low + 1;
    const auto step = smallNumber(text, 2);
    if (!step || *step < 1 || *step > widest)
        return std::unexpected("the step " + quotedExcerpt(text) + " must be from 1 to " + std::to_string(widest));
    return *step;
}

std::vector<std::string_view> split(std::string_view text, char separator)
{
    std::vector<std::string_view> parts;
    for (;;) {
        const auto at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos)
            return parts;
        text.remove_prefix(at + 1);
    }
}

struct ItemRange {
    int first;
    int last;
    int step;
};

// One item of a field: "*", "5", "1-5", "*/15", "5/15" or "1-30/2".
std::expected<ItemRange, std::string> parseItem(std::string_view item, const FieldSpec &spec)
{
    const auto slash = item.find('/');
    const std::string_view range = item.substr(0, slash);
    ItemRange parsed {spec.low, spec.high, 1};
    if (slash != std::string_view::npos) {
        const auto step = stepOf(item.substr(slash + 1), spec);
        if (!step)
            return std::unexpected(step.error());
        parsed.step = *step;
    }
    if (range == "*")
        return parsed;
    const auto dash = range.find('-');
    const auto from = value(range.substr(0, dash), spec);
    if (!from)
        return std::unexpected(from.error());
    const auto to = dash == std::string_view::npos ? from : value(range.substr(dash + 1), spec);
    if (!to)
        return std::unexpected(to.error());
    if (*to < *from)
        return std::unexpected("the range " + quotedExcerpt(range) + " runs backwards");
    parsed.first = *from;
    // "5/15" means from 5 to the end in steps of 15.
    parsed.last = dash == std::string_view::npos && slash != std::string_view::npos ? spec.high : *to;
    return parsed;
}

// Sets the bits of one comma-separated field; the reason when any item is malformed.
template <std::size_t N>
std::expected<void, std::string> parseField(std::string_view text, const FieldSpec &spec, std::bitset<N> &bits)
{
    for (const std::string_view item : split(text, ',')) {
        const auto range = parseItem(item, spec);
        if (!range)
            return std::unexpected(range.error());
        // Values are at most 31 and steps at most 60: no overflow, every bit within the set.
        for (int v = range->first; v <= range->last; v += range->step)
            bits.set(std::size_t(&spec == &fields[4] ? v % 7 : v));
    }
    return {};
}

// The words of a schedule, split at runs of spaces and tabs.
std::vector<std::string_view> fieldsOf(std::string_view text)
{
    std::vector<std::string_view> words;
    for (std::string_view rest = text; !rest.empty();) {
        const auto start = rest.find_first_not_of(" \t");
        if (start == std::string_view::npos)
            break;
        rest.remove_prefix(start);
        const auto end = rest.find_first_of(" \t");
        words.push_back(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    }
    return words;
}

struct Shorthand {
    std::string_view name;
    std::string_view fields;
};

// Classic cron's shorthands, spelt as it spells them (lowercase).
constexpr std::array<Shorthand, 7> shorthands {Shorthand {"@yearly", "0 0 1 1 *"},
    Shorthand {"@annually", "0 0 1 1 *"},
    Shorthand {"@monthly", "0 0 1 * *"},
    Shorthand {"@weekly", "0 0 * * 0"},
    Shorthand {"@daily", "0 0 * * *"},
    Shorthand {"@midnight", "0 0 * * *"},
    Shorthand {"@hourly", "0 * * * *"}};

std::optional<std::string_view> shorthandFields(std::string_view word)
{
    for (const Shorthand &shorthand : shorthands) {
        if (shorthand.name == word)
            return shorthand.fields;
    }
    return std::nullopt;
}

std::string shorthandNames()
{
    std::string names;
    for (const Shorthand &shorthand : shorthands)
        names += (names.empty() ? "" : ", ") + std::string(shorthand.name);
    return names;
}

} // namespace

std::expected<CronExpression, std::string> CronExpression::parse(std::string_view text)
{
    std::vector<std::string_view> words = fieldsOf(text);
    if (words.size() == 1 && words.front().starts_with('@')) {
        const auto fiveFields = shorthandFields(words.front());
        if (!fiveFields)
            return std::unexpected(
                "the cron shorthand " + quotedExcerpt(words.front()) + " is not one of " + shorthandNames());
        words = fieldsOf(*fiveFields);
    } else if (words.size() != 5) {
        return std::unexpected("a cron schedule has five fields (minute hour day-of-month month day-of-week) or is a "
                               "shorthand such as @hourly; "
            + quotedExcerpt(text) + " has " + std::to_string(words.size()));
    }
    auto cron = parseFields(words);
    if (cron)
        cron->m_text = std::string(text);
    return cron;
}

std::expected<CronExpression, std::string> CronExpression::parseFields(const std::vector<std::string_view> &parts)
{
    CronExpression cron;
    const std::expected<void, std::string> parsed[] = {parseField(parts[0], fields[0], cron.m_minutes),
        parseField(parts[1], fields[1], cron.m_hours),
        parseField(parts[2], fields[2], cron.m_days),
        parseField(parts[3], fields[3], cron.m_months),
        parseField(parts[4], fields[4], cron.m_weekdays)};
    for (std::size_t index = 0; index < fields.size(); ++index) {
        if (!parsed[index])
            return std::unexpected("the " + std::string(fields[index].name) + " field " + quotedExcerpt(parts[index])
                + " of the cron schedule is not valid: " + parsed[index].error());
    }
    cron.m_anyDay = parts[2] == "*";
    cron.m_anyWeekday = parts[4] == "*";
    return cron;
}

bool CronExpression::matches(const std::tm &time) const
{
    if (!m_minutes[std::size_t(time.tm_min)] || !m_hours[std::size_t(time.tm_hour)]
        || !m_months[std::size_t(time.tm_mon + 1)])
        return false;
    const bool day = m_days[std::size_t(time.tm_mday)];
    const bool weekday = m_weekdays[std::size_t(time.tm_wday)];
    if (m_anyDay || m_anyWeekday)
        return day && weekday;
    return day || weekday;
}

std::optional<std::time_t> CronExpression::next(std::time_t after) const
{
    // Day by day, then hour by hour, then minute by minute through local time: four years cover
    // every schedule that fires at all (29 February); mktime() takes care of daylight saving.
    std::tm local {};
    localtime_r(&after, &local);
    local.tm_sec = 0;
    local.tm_min += 1;
    for (int step = 0; step < 4 * 366 * (24 + 60); ++step) {
        local.tm_isdst = -1;
        const std::time_t candidate = std::mktime(&local);
        if (matches(local))
            return candidate;
        // Skip whole days and hours that cannot match, so even rare schedules are found quickly.
        const bool day = m_days[std::size_t(local.tm_mday)];
        const bool weekday = m_weekdays[std::size_t(local.tm_wday)];
        const bool dayMatches = (m_anyDay || m_anyWeekday) ? day && weekday : day || weekday;
        if (!dayMatches || !m_months[std::size_t(local.tm_mon + 1)]) {
            local.tm_mday += 1;
            local.tm_hour = 0;
            local.tm_min = 0;
        } else if (!m_hours[std::size_t(local.tm_hour)]) {
            local.tm_hour += 1;
            local.tm_min = 0;
        } else {
            local.tm_min += 1;
        }
    }
    return std::nullopt;
}

const std::string &CronExpression::text() const
{
    return m_text;
}

} // namespace rune::protocol
