// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

namespace rune::agent
{

/**
 * What changed on the agent (deploys, blocks, replicas started, crashed or timed out), as JSON
 * objects with an increasing "seq" and a "time_ms". Keeps the newest in memory for
 * `GET /v1/events?since=` and hands new ones to followers. Thread-safe.
 */
class EventLog
{
public:
    using Follower = std::function<void(const nlohmann::json &)>;

    explicit EventLog(std::size_t keep = 2000);

    void append(nlohmann::json event);
    /** Events with seq > @p afterSeq, oldest first, at most @p limit (the newest of them). */
    std::vector<nlohmann::json> since(std::uint64_t afterSeq, std::size_t limit) const;
    std::uint64_t follow(Follower follower);
    void unfollow(std::uint64_t id);

private:
    std::size_t m_keep;
    mutable std::mutex m_mutex;
    std::deque<nlohmann::json> m_events;
    std::uint64_t m_nextSeq = 1;
    std::uint64_t m_nextFollower = 1;
    std::map<std::uint64_t, Follower> m_followers;
};

} // namespace rune::agent
