// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exchange.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <string>

namespace rune::agent
{

/**
 * Runs @p job on @p executor behind the one guard every job of the blocking pool goes through:
 * an exception it throws is logged and answered 500 with the reason, instead of ending the agent
 * (an exception leaving a thread_pool job is std::terminate).
 */
void postGuarded(const boost::asio::any_io_executor &executor,
    Exchange exchange,
    std::string what,
    std::function<void(const Exchange &)> job);

/**
 * The operations that change a function (deploy, delete, delete a version, block, unblock), run
 * on the blocking pool one after another in the order they arrived, each complete in memory and
 * on disk before the next starts: a DELETE right after a PUT deletes what the PUT deployed, and
 * every answer describes the state the agent is left in.
 */
class FunctionOperations
{
public:
    explicit FunctionOperations(boost::asio::any_io_executor blocking);

    /** Queues @p job behind every operation posted before; @p what names it in an error. */
    void post(Exchange exchange, std::string what, std::function<void(const Exchange &)> job);

private:
    boost::asio::strand<boost::asio::any_io_executor> m_strand;
};

} // namespace rune::agent
