// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/functionoperations.h"

#include "log.h"
#include "protocol.h"

#include <boost/asio/post.hpp>

namespace rune::agent
{

namespace
{

void runGuarded(const Exchange &exchange, const std::string &what, const std::function<void(const Exchange &)> &job)
{
    std::string failure;
    try {
        job(exchange);
        return;
    } catch (const std::exception &error) {
        failure = error.what();
    } catch (...) {
        failure = "an unknown error";
    }
    logLine(what + " failed: " + failure);
    exchange.respondError(
        http::status::internal_server_error, protocol::errorcode::internal, what + " failed: " + failure);
}

} // namespace

void postGuarded(const boost::asio::any_io_executor &executor,
    Exchange exchange,
    std::string what,
    std::function<void(const Exchange &)> job)
{
    boost::asio::post(executor, [exchange = std::move(exchange), what = std::move(what), job = std::move(job)] {
        runGuarded(exchange, what, job);
    });
}

FunctionOperations::FunctionOperations(boost::asio::any_io_executor blocking)
    : m_strand(boost::asio::make_strand(std::move(blocking)))
{
}

void FunctionOperations::post(Exchange exchange, std::string what, std::function<void(const Exchange &)> job)
{
    postGuarded(m_strand, std::move(exchange), std::move(what), std::move(job));
}

} // namespace rune::agent
