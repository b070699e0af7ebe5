// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpconnections.h"

#include "httpsession.h"

namespace rune::agent
{

void ConnectionTable::add(const std::shared_ptr<HttpSession> &session, bool overCapacity)
{
    const std::lock_guard lock(m_mutex);
    m_entries.emplace(session.get(), Entry {session, overCapacity});
    if (overCapacity)
        ++m_overCapacity;
}

void ConnectionTable::remove(const HttpSession *session)
{
    const std::lock_guard lock(m_mutex);
    const auto found = m_entries.find(session);
    if (found == m_entries.end())
        return;
    if (found->second.overCapacity)
        --m_overCapacity;
    m_entries.erase(found);
}

std::size_t ConnectionTable::regular() const
{
    const std::lock_guard lock(m_mutex);
    return m_entries.size() - m_overCapacity;
}

std::size_t ConnectionTable::overCapacity() const
{
    const std::lock_guard lock(m_mutex);
    return m_overCapacity;
}

std::shared_ptr<HttpSession> ConnectionTable::longestIdle() const
{
    // Looked at outside the lock: dropping the last reference to a session removes it from here.
    const auto sessions = all();
    std::shared_ptr<HttpSession> oldest;
    auto oldestSince = std::chrono::steady_clock::time_point::max();
    for (const auto &session : sessions) {
        if (const auto since = session->idleSince(); since && *since < oldestSince) {
            oldestSince = *since;
            oldest = session;
        }
    }
    return oldest;
}

std::vector<std::shared_ptr<HttpSession>> ConnectionTable::all() const
{
    const std::lock_guard lock(m_mutex);
    std::vector<std::shared_ptr<HttpSession>> sessions;
    sessions.reserve(m_entries.size());
    for (const auto &[key, entry] : m_entries) {
        if (auto session = entry.session.lock())
            sessions.push_back(std::move(session));
    }
    return sessions;
}

} // namespace rune::agent
