// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logs/logstore.h"

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
    std::string code; ///< see errorcodes below
    int httpStatus = 500;
    std::string message; ///< a sentence the caller can act on
    std::string requestId;
    int retryAfterSeconds = 0; ///< for a 503: when to try again (Retry-After); 0: one second
};

namespace runtime_errors
{
inline constexpr char timeout[] = "timeout"; // 504
inline constexpr char crashed[] = "crashed"; // 502
inline constexpr char outOfMemory[] = "out_of_memory"; // 502
inline constexpr char initFailed[] = "init_failed"; // 502: the handler could not be loaded
inline constexpr char spawnFailed[] = "spawn_failed"; // 502: the process could not be started
inline constexpr char responseTooLarge[] = "response_too_large"; // 502
inline constexpr char protocolError[] = "protocol_error"; // 502: the worker broke the framing or the result's fields
inline constexpr char badResponse[] = "bad_response"; // 502: the function's answer is not valid HTTP
inline constexpr char startFailed[] = "start_failed"; // 503: the function fails to start; retried with backoff
inline constexpr char overloaded[] = "overloaded"; // 503: replicas busy and the wait queue full
inline constexpr char shuttingDown[] = "shutting_down"; // 503
inline constexpr char coldStartTimeout[] = "cold_start_timeout"; // 503: the first replica is still starting
inline constexpr char payloadTooLarge[] = "payload_too_large"; // 413
} // namespace runtime_errors

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
