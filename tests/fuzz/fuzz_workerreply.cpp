// SPDX-License-Identifier: GPL-3.0-or-later
// What a function's process sends the agent: the framed byte stream of a worker (split at a
// point the input chooses), each message's result decoded, and the same bytes as an exec
// program's CGI output. Nothing may throw or crash, and whatever is accepted must be valid HTTP.

#include "runtime/framing.h"
#include "runtime/reply.h"
#include "utf8text.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace rune;
using namespace rune::agent;

namespace
{

void requireValid(const InvokeResult &result)
{
    if (!result) {
        if (result.error().httpStatus != 502 || result.error().message.empty())
            __builtin_trap();
        return;
    }
    if (result->status < 200 || result->status > 599)
        __builtin_trap();
    if ((result->status == 204 || result->status == 304) && !result->body.empty())
        __builtin_trap();
    for (const auto &[name, value] : result->headers) {
        if (!isHeaderName(name) || !isHeaderValue(value) || isHopByHopHeader(name))
            __builtin_trap();
    }
}

void decodeStream(std::string_view bytes, std::size_t split)
{
    MessageDecoder decoder(64 * 1024);
    for (const std::string_view part : {bytes.substr(0, split), bytes.substr(split)}) {
        decoder.feed(part);
        for (;;) {
            auto message = decoder.next();
            if (!message || !*message)
                break;
            requireValid(decodeWorkerResult((*message)->header, std::move((*message)->body), "r1"));
        }
    }
}

void checkText(std::string_view bytes)
{
    const std::string valid = validUtf8(bytes);
    if (!isValidUtf8(valid) || (isValidUtf8(bytes) && valid != bytes))
        __builtin_trap();
    const std::size_t cut = utf8CutPoint(valid, 16);
    if (cut > valid.size() || (valid.size() > 16 && cut > 16) || !isValidUtf8(std::string_view(valid).substr(0, cut)))
        __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    // The first byte says where the stream is split between two reads.
    const std::size_t split = data[0] % size;
    const std::string_view bytes(reinterpret_cast<const char *>(data) + 1, size - 1);
    decodeStream(bytes, std::min(split, bytes.size()));
    requireValid(decodeCgiOutput(std::string(bytes)));
    checkText(bytes);
    return 0;
}
