// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/followstream.h"

#include <chrono>
#include <vector>

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

namespace
{

std::mutex openStreamsMutex;
bool closingAll = false; // set once, by closeAll; guarded by openStreamsMutex
std::vector<std::weak_ptr<FollowStream>> &openStreams()
{
    static std::vector<std::weak_ptr<FollowStream>> streams;
    return streams;
}

} // namespace

void FollowStream::start()
{
    {
        std::unique_lock lock(openStreamsMutex);
        if (closingAll) {
            // The agent began stopping while this stream was being set up: end it now, or it
            // would hold the shutdown up for the whole grace period.
            lock.unlock();
            return close();
        }
        auto &streams = openStreams();
        std::erase_if(streams, [](const auto &weak) {
            return weak.expired();
        });
        streams.push_back(weak_from_this());
    }
    probe();
}

void FollowStream::closeAll()
{
    std::vector<std::shared_ptr<FollowStream>> streams;
    {
        const std::lock_guard lock(openStreamsMutex);
        closingAll = true;
        for (const auto &weak : openStreams()) {
            if (auto stream = weak.lock())
                streams.push_back(std::move(stream));
        }
        openStreams().clear();
    }
    for (const auto &stream : streams)
        stream->close();
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
