// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logs/logstore.h"
#include "protocol.h"

#include <chrono>
#include <expected>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rune::agent
{

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/** One call of a function, as the HTTP layer hands it to the runtime. */
struct Invocation {
    std::string requestId; ///< empty: the runtime makes one up
    std::string method = "GET";
    std::string path = "/";
    std::string query; ///< raw, without the '?'
    HeaderList headers;
    std::string body;
    /** Event fields besides HTTP's, handed to the handler as they are (an MQTT message's topic). */
    std::map<std::string, std::string> extra;
    /** Zero: the function's configured timeout, counted from the moment invoke() is called. */
    std::chrono::milliseconds timeout {0};
};

/** What the function answered; a handler exception is a 500 here, with the error text as body. */
struct InvokeResponse {
    int status = 200;
    HeaderList headers;
    std::string body;
    bool functionError = false; ///< the handler raised; the traceback went to the function's log
    std::string requestId;
    std::string replicaId;
    bool coldStart = false; ///< the call waited for a replica to start
    std::chrono::microseconds duration {0}; ///< from invoke() to completion
};

/** Why a call produced no function response; httpStatus always agrees with code. */
struct InvokeError {
    std::string code; ///< one of protocol::errorcode
    int httpStatus = 500;
    std::string message; ///< a sentence the caller can act on
    std::string requestId;
    int retryAfterSeconds = 0; ///< for a 503: when to try again (Retry-After); 0: one second
};

// The codes of a failed call are the API's (protocol.h); this name is the one the runtime uses.
namespace runtime_errors = protocol::errorcode;

using InvokeResult = std::expected<InvokeResponse, InvokeError>;

/** A fresh request id: 16 hex digits. */
std::string newRequestId();

/**
 * Receives every line a function's processes write to stdout/stderr, already tagged (time,
 * function, version, replica, request in flight). Called on the runtime's io threads, so it must
 * be quick and thread-safe; LogStore::append qualifies.
 */
using LogSink = std::function<void(LogLine)>;

} // namespace rune::agent
