// SPDX-License-Identifier: GPL-3.0-or-later
#include "gateway/upstream.h"

#include <cerrno>
#include <sys/socket.h>

namespace rune::agent
{

namespace
{

using namespace std::chrono_literals;

constexpr std::size_t maxIdlePerNode = 64;
// Well under the node's own idle timeout (60 s), so the node does not close a connection at
// the moment the gateway sends a call on it.
constexpr auto maxIdleAge = 20s;

// Without reading: open with nothing to read is the only state in which the connection can
// carry a request. End of stream means the node closed it; bytes mean an answer nobody asked for.
bool openAndQuiet(boost::asio::ip::tcp::socket &socket)
{
    char byte = 0;
    const auto peeked = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

} // namespace

std::optional<boost::asio::ip::tcp::socket> Upstream::takeIdle()
{
    const auto now = std::chrono::steady_clock::now();
    const std::lock_guard lock(m_idleMutex);
    while (!m_idle.empty()) {
        IdleConnection connection = std::move(m_idle.back());
        m_idle.pop_back();
        if (now - connection.since < maxIdleAge && openAndQuiet(connection.socket))
            return std::move(connection.socket);
    }
    return std::nullopt;
}

void Upstream::putIdle(boost::asio::ip::tcp::socket socket)
{
    const auto now = std::chrono::steady_clock::now();
    const std::lock_guard lock(m_idleMutex);
    std::erase_if(m_idle, [now](const IdleConnection &connection) {
        return now - connection.since >= maxIdleAge;
    });
    if (m_idle.size() < maxIdlePerNode)
        m_idle.push_back({std::move(socket), now});
}

} // namespace rune::agent
