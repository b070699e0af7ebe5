// SPDX-License-Identifier: GPL-3.0-or-later
// An asynchronous call's file as the agent reads it back at start (it may be damaged: cut short,
// overwritten, left from a full disk), and an X-Callback-Url as a caller sends it. Nothing may
// throw or crash; a file that reads as a call must read back the same after the agent wrote it.

#include "async/callrecord.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace rune::agent;

namespace
{

bool sameRecord(const CallRecord &a, const CallRecord &b)
{
    const bool sameOutcome = a.outcome.has_value() == b.outcome.has_value()
        && (!a.outcome
            || (a.outcome->status == b.outcome->status && a.outcome->headers == b.outcome->headers
                && a.outcome->body == b.outcome->body && a.outcome->errorCode == b.outcome->errorCode));
    return a.id == b.id && a.function == b.function && a.target == b.target && a.method == b.method && a.path == b.path
        && a.query == b.query && a.headers == b.headers && a.body == b.body && a.callbackUrl == b.callbackUrl
        && a.acceptedAtMs == b.acceptedAtMs && a.finishedAtMs == b.finishedAtMs && a.state == b.state
        && a.attempts == b.attempts && sameOutcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    if (const auto record = decodeCallRecord(bytes)) {
        const auto again = decodeCallRecord(encodeCallRecord(*record));
        if (!again || !sameRecord(*record, *again))
            std::abort();
    }
    if (const auto url = parseCallbackUrl(bytes)) {
        if (url->host.empty() || url->port == 0 || !url->target.starts_with('/'))
            std::abort();
    }
    return 0;
}
