// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rune::agent
{

/** One line a function wrote, tagged with where it came from. */
struct LogLine {
    std::uint64_t seq = 0; ///< assigned by the store, increasing
    std::int64_t timeMs = 0; ///< wall clock, milliseconds since the epoch
    std::string function;
    int version = 0;
    std::string replica;
    std::string requestId; ///< empty when written outside a call
    std::string stream; ///< stdout, stderr or agent
    std::string text;
};

nlohmann::json toJson(const LogLine &line);
LogLine logLineFromJson(const nlohmann::json &json);

/** Which lines a reader wants. Empty fields match everything. */
struct LogFilter {
    std::string function;
    std::string requestId;
    std::int64_t sinceMs = 0;
    std::size_t limit = 1000;

    bool matches(const LogLine &line) const;
};

/**
 * Function logs: appended as JSON lines to `<dir>/functions.log`, rotated to `.1` … `.N` past a
 * size, so the disk use is bounded; the newest lines are also kept in memory for queries and
 * handed to followers as they arrive. A disk that is full or unwritable costs the file only
 * (reported once in the agent's log), never a line in memory or the agent. Thread-safe.
 */
class LogStore
{
public:
    struct Limits {
        std::uint64_t maxFileBytes = 8ull << 20;
        int keepFiles = 3;
        std::size_t memoryLines = 20000;
    };
    using Follower = std::function<void(const LogLine &)>;

    LogStore(std::filesystem::path dir, Limits limits);
    LogStore(const LogStore &) = delete;
    LogStore &operator=(const LogStore &) = delete;

    void append(LogLine line);
    /** The newest lines matching @p filter, oldest first, at most filter.limit. */
    std::vector<LogLine> query(const LogFilter &filter) const;
    /** Calls @p follower (on the appending thread) for every new matching line; returns an id. */
    std::uint64_t follow(LogFilter filter, Follower follower);
    void unfollow(std::uint64_t id);
    std::filesystem::path file() const;

private:
    void loadTail();
    void rotateIfFull();
    void writeLine(const std::string &text);
    void reportWriteFailure(const std::string &why);

    /** A stored line is one 16 KiB line of output as JSON; longer ones are damage, not lines. */
    static constexpr std::size_t maxStoredLineBytes = 1u << 20;

    std::filesystem::path m_dir;
    Limits m_limits;
    mutable std::mutex m_mutex;
    std::ofstream m_out;
    std::uint64_t m_fileBytes = 0;
    bool m_writeFailing = false; ///< the last write failed and was reported
    std::uint64_t m_nextSeq = 1;
    std::deque<LogLine> m_recent;
    std::uint64_t m_nextFollower = 1;
    std::map<std::uint64_t, std::pair<LogFilter, Follower>> m_followers;
};

} // namespace rune::agent
