// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "async/callrecord.h"

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>

namespace rune::agent
{

/** How often and how patiently a callback is tried. */
struct CallbackPolicy {
    int maxAttempts = 5;
    std::chrono::milliseconds firstDelay {1000}; ///< doubles after each failure, at most 60 s
    std::chrono::milliseconds attemptTimeout {10000}; ///< connect, send and answer together
};

/**
 * POSTs the outcome of an asynchronous call to its X-Callback-Url: the function's status in
 * X-Rune-Result-Status, X-Rune-Status succeeded or failed, the request id, the function's
 * content type and body. A 2xx answer ends it; anything else (no connection, a timeout, another
 * status) is tried again after a delay that doubles, up to the policy's count, then given up and
 * logged. Runs on its own on the io context: nothing waits for a callback. Only the headers named
 * here are sent, never anything of the agent's (its tokens) or of the original caller's.
 */
/**
 * Callbacks being delivered at once, retries included: each holds a socket (or waits for its next
 * try), so callers who name receivers that never answer cannot take the node's file descriptors.
 * A callback past this many is not sent, and logged.
 */
inline constexpr int maxCallbacksInFlight = 1000;

void sendCallback(boost::asio::io_context &io, const CallbackUrl &url, const CallRecord &record, CallbackPolicy policy);

} // namespace rune::agent
