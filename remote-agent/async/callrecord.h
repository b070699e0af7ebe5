// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runtime/invocation.h"

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace rune::agent
{

/** Where an asynchronous call is in its life (protocol::asynccall's status values). */
enum class CallState { queued, running, succeeded, failed, dead };

std::string_view stateName(CallState state);
bool isFinished(CallState state);

/** How an asynchronous call ended: the function's answer, or the agent's error when none came. */
struct CallOutcome {
    int status = 0;
    HeaderList headers;
    std::string body;
    std::string errorCode; ///< empty when the function answered
};

/** One asynchronous call as it is kept on disk: the request, and its outcome once it ended. */
struct CallRecord {
    std::string id;
    std::string function; ///< the name alone, for the queue's bookkeeping
    std::string target; ///< "name" or "name@vN", as the caller named it
    std::string method;
    std::string path;
    std::string query;
    HeaderList headers;
    std::string body;
    std::string callbackUrl; ///< empty: no callback
    std::int64_t acceptedAtMs = 0;
    std::int64_t finishedAtMs = 0;
    CallState state = CallState::queued;
    int attempts = 0;
    std::optional<CallOutcome> outcome;
};

/**
 * A record as the bytes of its file: one line of JSON with the scalar fields and the sizes of
 * the four byte sections that follow it (request headers, request body, outcome headers,
 * outcome body). Bodies and header values stay raw bytes, so nothing a caller sends needs to be
 * valid UTF-8 or is changed on its way through the disk.
 */
std::string encodeCallRecord(const CallRecord &record);
/** The record in @p bytes, or why they are not one (a file cut short or damaged). */
std::expected<CallRecord, std::string> decodeCallRecord(std::string_view bytes);

/** 128 random bits from the kernel as 32 lowercase hex digits: unguessable, and safe in a path. */
std::string newAsyncRequestId();
bool isAsyncRequestId(std::string_view text);

/** Where a callback goes: only plain http, a host name or address, a port and a target. */
struct CallbackUrl {
    std::string host;
    std::uint16_t port = 80;
    std::string target = "/";
};

/** The parts of an X-Callback-Url value, or a sentence saying what is wrong with it. */
std::expected<CallbackUrl, std::string> parseCallbackUrl(std::string_view text);

std::string base64Encode(std::string_view bytes);

} // namespace rune::agent
