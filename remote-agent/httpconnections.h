// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace rune::agent
{

class HttpSession;

// The open connections of one listening port, for its connection cap: how many there are, which
// has waited longest for its next request (to make room for a new one), and all of them (to stop
// them). A connection over the cap counts apart: it serves one health check and closes.
class ConnectionTable final
{
public:
    void add(const std::shared_ptr<HttpSession> &session, bool overCapacity);
    // Called when the connection's socket closes; a second call does nothing.
    void remove(const HttpSession *session);

    std::size_t regular() const;
    std::size_t overCapacity() const;
    // The connection idle the longest (waiting for a request, nothing of it received), if any.
    std::shared_ptr<HttpSession> longestIdle() const;
    std::vector<std::shared_ptr<HttpSession>> all() const;

private:
    struct Entry {
        std::weak_ptr<HttpSession> session;
        bool overCapacity = false;
    };

    mutable std::mutex m_mutex;
    std::unordered_map<const HttpSession *, Entry> m_entries;
    std::size_t m_overCapacity = 0;
};

} // namespace rune::agent
