// SPDX-License-Identifier: GPL-3.0-or-later
// The gateway's reader of a node's answers (UpstreamResponseReader) on arbitrary bytes, fed in
// pieces. Besides crashes and sanitizer reports it checks what the gateway relies on: the outcome
// (answer or failure) does not depend on how the bytes were split; a complete answer is a final one (200..599) with
// no hop-by-hop fields and no body where none may be; never more bytes consumed than offered.

#include "gateway/upstreamresponse.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace
{

using rune::agent::UpstreamResponseReader;
namespace http = rune::agent::http;

struct Outcome {
    UpstreamResponseReader::Progress progress;
    std::size_t consumed = 0;
    unsigned status = 0;
    std::string body;
    bool reusable = false;
};

// Offers the bytes as a connection would: pieces of the given sizes, unconsumed bytes offered
// again with the next piece, the close at the end.
Outcome read(std::string_view bytes, bool head, std::string_view pieceSizes)
{
    UpstreamResponseReader reader(head, 1 << 20);
    std::string pending;
    std::size_t offered = 0;
    std::size_t consumed = 0;
    std::size_t sizeIndex = 0;
    while (reader.progress() == UpstreamResponseReader::Progress::needMore && offered < bytes.size()) {
        const std::size_t piece = pieceSizes.empty()
            ? bytes.size()
            : 1 + static_cast<unsigned char>(pieceSizes[sizeIndex++ % pieceSizes.size()]);
        const auto next = bytes.substr(offered, piece);
        offered += next.size();
        pending += next;
        const std::size_t used = reader.feed(pending);
        if (used > pending.size())
            std::abort();
        consumed += used;
        pending.erase(0, used);
    }
    if (reader.progress() == UpstreamResponseReader::Progress::needMore)
        reader.finish();
    Outcome outcome {reader.progress(), consumed, 0, {}, reader.connectionReusable()};
    if (outcome.progress == UpstreamResponseReader::Progress::complete) {
        const auto response = reader.takeResponse();
        outcome.status = response.result_int();
        outcome.body = response.body();
        if (outcome.status < 200 || outcome.status > 599)
            std::abort();
        if ((head || outcome.status == 204 || outcome.status == 304) && !outcome.body.empty())
            std::abort();
        for (const auto field : {http::field::connection,
                 http::field::transfer_encoding,
                 http::field::keep_alive,
                 http::field::upgrade,
                 http::field::trailer,
                 http::field::te})
            if (response.count(field) > 0)
                std::abort();
    }
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 2)
        return 0;
    // First byte: HEAD or not and how many piece sizes follow; then the sizes; then the answer.
    const bool head = data[0] & 1;
    const std::size_t sizeCount = std::min<std::size_t>((data[0] >> 1) & 15, size - 1);
    const std::string_view sizes(reinterpret_cast<const char *>(data + 1), sizeCount);
    const std::string_view bytes(reinterpret_cast<const char *>(data + 1 + sizeCount), size - 1 - sizeCount);
    const Outcome whole = read(bytes, head, {});
    const Outcome split = read(bytes, head, sizes);
    // Only the words of a failure may differ: the parser finds a bad start line at once in one piece,
    // but may first wait for the header's end when it came in several.
    if (whole.progress != split.progress || whole.status != split.status || whole.body != split.body
        || whole.reusable != split.reusable
        || (whole.progress == UpstreamResponseReader::Progress::complete && whole.consumed != split.consumed))
        std::abort();
    return 0;
}
