// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runtime/invocation.h"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rune::agent
{

/**
 * The one decoder of what a function answered, shared by every runtime. A function's process
 * is untrusted: whatever it sends becomes either a response that is valid HTTP or a 502 naming
 * what was wrong, at once and without an exception.
 *
 * - protocol_error: the worker's result message is malformed (a field missing or of the wrong
 *   JSON type, a result for another call);
 * - bad_response: the message is well formed but the answer is not valid HTTP (a status outside
 *   200-599, a header name that is not a token, a header value with CR, LF, NUL or another
 *   control character);
 * - out_of_memory: the runtime reported that the handler ran out of memory.
 */

/** The result message of a python3 or node worker (see runtimes/python3/bootstrap.py). */
InvokeResult decodeWorkerResult(const nlohmann::json &header, std::string body, std::string_view requestId);

/** What an exec program wrote to stdout: CGI headers and a blank line first, or the bare body. */
InvokeResult decodeCgiOutput(std::string output);

/**
 * The checks every answer passes before it goes out: status and headers valid, framing and
 * hop-by-hop headers (Content-Length, Transfer-Encoding, Connection, ...) dropped because the
 * agent frames the response itself, and no body on 204 and 304.
 */
InvokeResult checkedResponse(InvokeResponse response);

/** Whether @p name is an HTTP field name (an RFC 9110 token). */
bool isHeaderName(std::string_view name);
/** Whether @p value may be sent as an HTTP field value: no CR, LF, NUL or other control character but tab. */
bool isHeaderValue(std::string_view value);
/** Hop-by-hop and framing headers, which only the agent may set on a response. */
bool isHopByHopHeader(std::string_view name);

} // namespace rune::agent
