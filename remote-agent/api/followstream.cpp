// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/followstream.h"

#include <chrono>

namespace rune::agent
{

FollowStream::FollowStream(StreamWriter writer, boost::asio::any_io_executor executor)
    : m_writer(std::move(writer))
    , m_probe(std::move(executor))
{
}

void FollowStream::onClose(std::function<void()> unsubscribe)
{
    const std::lock_guard lock(m_mutex);
    m_unsubscribe = std::move(unsubscribe);
}

void FollowStream::start()
{
    probe();
}

void FollowStream::probe()
{
    m_probe.expires_after(std::chrono::seconds(5));
    m_probe.async_wait([weak = weak_from_this()](const boost::system::error_code &error) {
        const auto self = weak.lock();
        if (error || !self || self->m_closed)
            return;
        self->push({});
        self->probe();
    });
}

void FollowStream::push(std::string line)
{
    if (m_closed)
        return;
    if (m_pending.fetch_add(1) >= maxPending)
        return close();
    line += '\n';
    m_writer.write(std::move(line), [weak = weak_from_this()](bool delivered) {
        const auto self = weak.lock();
        if (!self)
            return;
        self->m_pending.fetch_sub(1);
        if (!delivered)
            self->close();
    });
}

void FollowStream::close()
{
    if (m_closed.exchange(true))
        return;
    std::function<void()> unsubscribe;
    {
        const std::lock_guard lock(m_mutex);
        unsubscribe = std::move(m_unsubscribe);
    }
    if (unsubscribe)
        unsubscribe();
    m_writer.finish();
    m_probe.cancel();
}

} // namespace rune::agent
