// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/logstore.h"

#include "jsontext.h"
#include "log.h"

#include <algorithm>
#include <type_traits>

namespace rune::agent
{

namespace fs = std::filesystem;

nlohmann::json toJson(const LogLine &line)
{
    return {{"seq", line.seq},
        {"time_ms", line.timeMs},
        {"function", line.function},
        {"version", line.version},
        {"replica", line.replica},
        {"request_id", line.requestId},
        {"stream", line.stream},
        {"text", line.text}};
}

namespace
{

// A field of a stored line; the fallback when it is missing or of another type (a damaged file).
template <typename T> T fieldOr(const nlohmann::json &json, const char *name, T fallback)
{
    const auto found = json.find(name);
    if (found == json.end())
        return fallback;
    if constexpr (std::is_same_v<T, std::string>)
        return found->is_string() ? found->template get<std::string>() : fallback;
    else
        return found->is_number_integer() ? found->template get<T>() : fallback;
}

} // namespace

LogLine logLineFromJson(const nlohmann::json &json)
{
    LogLine line;
    if (!json.is_object())
        return line;
    line.seq = fieldOr<std::uint64_t>(json, "seq", 0);
    line.timeMs = fieldOr<std::int64_t>(json, "time_ms", 0);
    line.function = fieldOr<std::string>(json, "function", {});
    line.version = fieldOr<int>(json, "version", 0);
    line.replica = fieldOr<std::string>(json, "replica", {});
    line.requestId = fieldOr<std::string>(json, "request_id", {});
    line.stream = fieldOr<std::string>(json, "stream", {});
    line.text = fieldOr<std::string>(json, "text", {});
    return line;
}

bool LogFilter::matches(const LogLine &line) const
{
    return (function.empty() || line.function == function) && (requestId.empty() || line.requestId == requestId)
        && line.timeMs >= sinceMs;
}

LogStore::LogStore(fs::path dir, Limits limits)
    : m_dir(std::move(dir))
    , m_limits(limits)
{
    // A full or read-only disk costs the log file, never the agent: lines stay in memory.
    std::error_code error;
    fs::create_directories(m_dir, error);
    if (error)
        logLine("function logs are kept in memory only: cannot create " + m_dir.string() + ": " + error.message());
    loadTail();
    m_out.open(file(), std::ios::app | std::ios::binary);
    if (!m_out)
        reportWriteFailure("cannot open " + file().string());
    m_fileBytes = fs::exists(file(), error) ? fs::file_size(file(), error) : 0;
}

fs::path LogStore::file() const
{
    return m_dir / "functions.log";
}

// After a restart the recent lines come back from the newest file, so queries still see them.
void LogStore::loadTail()
{
    std::ifstream in(file(), std::ios::binary);
    std::string text;
    while (std::getline(in, text)) {
        const auto json = parseJsonText(text, maxStoredLineBytes);
        if (!json || !json->is_object())
            continue; // a line torn by a crash
        m_recent.push_back(logLineFromJson(*json));
        m_nextSeq = std::max(m_nextSeq, m_recent.back().seq + 1);
        if (m_recent.size() > m_limits.memoryLines)
            m_recent.pop_front();
    }
}

void LogStore::rotateIfFull()
{
    if (m_fileBytes < m_limits.maxFileBytes)
        return;
    m_out.close();
    std::error_code error;
    // The oldest goes first, then every kept file moves one number up.
    fs::remove(m_dir / ("functions.log." + std::to_string(std::max(m_limits.keepFiles, 1))), error);
    for (int i = m_limits.keepFiles - 1; i >= 1; --i) {
        const fs::path from = m_dir / ("functions.log." + std::to_string(i));
        fs::rename(from, m_dir / ("functions.log." + std::to_string(i + 1)), error);
    }
    if (m_limits.keepFiles < 1)
        fs::remove(file(), error);
    else
        fs::rename(file(), m_dir / "functions.log.1", error);
    m_out.open(file(), std::ios::trunc | std::ios::binary);
    m_fileBytes = 0;
}

void LogStore::append(LogLine line)
{
    std::vector<Follower> toCall;
    {
        std::lock_guard lock(m_mutex);
        line.seq = m_nextSeq++;
        const std::string text = jsonText(toJson(line)) + "\n";
        rotateIfFull();
        writeLine(text);
        m_recent.push_back(line);
        if (m_recent.size() > m_limits.memoryLines)
            m_recent.pop_front();
        for (const auto &[id, entry] : m_followers) {
            if (entry.first.matches(line))
                toCall.push_back(entry.second);
        }
    }
    // Outside the lock: a follower may write to a socket or unfollow.
    for (const auto &follower : toCall)
        follower(line);
}

void LogStore::writeLine(const std::string &text)
{
    if (!m_out.is_open())
        m_out.open(file(), std::ios::app | std::ios::binary);
    m_out << text;
    m_out.flush();
    if (!m_out) {
        // Try again with the next line: the disk may have room by then.
        m_out.clear();
        return reportWriteFailure("cannot write " + file().string() + " (disk full?)");
    }
    m_fileBytes += text.size();
    if (m_writeFailing) {
        m_writeFailing = false;
        logLine("function logs are written to " + file().string() + " again");
    }
}

void LogStore::reportWriteFailure(const std::string &why)
{
    // Once per spell of failures: a function printing in a loop must not flood the agent's log.
    if (m_writeFailing)
        return;
    m_writeFailing = true;
    logLine("function logs are kept in memory only for now: " + why);
}

std::vector<LogLine> LogStore::query(const LogFilter &filter) const
{
    std::lock_guard lock(m_mutex);
    std::vector<LogLine> lines;
    for (auto it = m_recent.rbegin(); it != m_recent.rend() && lines.size() < filter.limit; ++it) {
        if (filter.matches(*it))
            lines.push_back(*it);
    }
    std::reverse(lines.begin(), lines.end());
    return lines;
}

std::uint64_t LogStore::follow(LogFilter filter, Follower follower)
{
    std::lock_guard lock(m_mutex);
    const std::uint64_t id = m_nextFollower++;
    m_followers.emplace(id, std::make_pair(std::move(filter), std::move(follower)));
    return id;
}

void LogStore::unfollow(std::uint64_t id)
{
    std::lock_guard lock(m_mutex);
    m_followers.erase(id);
}

} // namespace rune::agent
