// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/eventlog.h"

#include <algorithm>
#include <chrono>

namespace rune::agent
{

EventLog::EventLog(std::size_t keep)
    : m_keep(keep)
{
}

void EventLog::append(nlohmann::json event)
{
    std::vector<Follower> followers;
    {
        const std::lock_guard lock(m_mutex);
        event["seq"] = m_nextSeq++;
        event["time_ms"] =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        m_events.push_back(event);
        if (m_events.size() > m_keep)
            m_events.pop_front();
        for (const auto &[id, follower] : m_followers)
            followers.push_back(follower);
    }
    for (const auto &follower : followers)
        follower(event);
}

std::vector<nlohmann::json> EventLog::since(std::uint64_t afterSeq, std::size_t limit) const
{
    const std::lock_guard lock(m_mutex);
    std::vector<nlohmann::json> events;
    for (auto it = m_events.rbegin(); it != m_events.rend() && events.size() < limit; ++it) {
        if ((*it)["seq"].get<std::uint64_t>() <= afterSeq)
            break;
        events.push_back(*it);
    }
    std::reverse(events.begin(), events.end());
    return events;
}

std::uint64_t EventLog::follow(Follower follower)
{
    const std::lock_guard lock(m_mutex);
    const std::uint64_t id = m_nextFollower++;
    m_followers.emplace(id, std::move(follower));
    return id;
}

void EventLog::unfollow(std::uint64_t id)
{
    const std::lock_guard lock(m_mutex);
    m_followers.erase(id);
}

} // namespace rune::agent
