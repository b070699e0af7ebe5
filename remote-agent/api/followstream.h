// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exchange.h"

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <mutex>

namespace rune::agent
{

/**
 * A `?follow=1` answer: newline-delimited JSON written as it happens, until the client leaves.
 * A blank line every few seconds finds out when it has, so a silent stream does not linger. A
 * client that reads slower than lines arrive is cut off rather than buffered without bound.
 */
class FollowStream final : public std::enable_shared_from_this<FollowStream>
{
public:
    FollowStream(StreamWriter writer, boost::asio::any_io_executor executor);

    /** Called once the stream ends, to stop feeding it (LogStore::unfollow and the like). */
    void onClose(std::function<void()> unsubscribe);
    /** Starts the keep-alive probe; call once the backlog is written. */
    void start();
    /** Any thread. */
    void push(std::string line);
    void close();
    /** Ends every open stream, and every stream started from now on (the agent is shutting down:
     * they would hold it up for the grace period). */
    static void closeAll();

private:
    void probe();

    static constexpr int maxPending = 4096;

    StreamWriter m_writer;
    boost::asio::steady_timer m_probe;
    std::mutex m_mutex;
    std::function<void()> m_unsubscribe;
    std::atomic<int> m_pending {0};
    std::atomic<bool> m_closed {false};
};

} // namespace rune::agent
