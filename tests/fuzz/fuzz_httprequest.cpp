// SPDX-License-Identifier: GPL-3.0-or-later
// The agent's HTTP request reader on any bytes: Transfer-Encoding and Content-Length, chunk sizes
// and extensions, trailers, header counts and pipelined requests. Besides crashes and sanitizer
// reports it checks what a smuggling bug would break: the same bytes read whole and read in the
// pieces the input chooses give the same requests and the same refusal; no request exceeds its
// body limit or carries a Transfer-Encoding; every refusal is a 4xx/5xx with a message. The
// router's text check and the response framing run on every header too.
//
// Input: byte 0 picks the body limit, byte 1 the body budget, byte 2 how many split sizes
// follow (0-7), then the split sizes, then the bytes of the connection.

#include "httprequestreader.h"
#include "router.h"

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <vector>

using namespace rune::agent;

namespace
{

struct Reading {
    std::vector<std::string> requests; // method, target and body of each
    std::string ending; // the refusal, or "incomplete"

    bool operator==(const Reading &) const = default;
};

void check(bool condition)
{
    if (!condition)
        std::abort();
}

// Small limits, so the fuzzer reaches them with small inputs.
constexpr RequestLimits limits {1024, 16};

void checkHeader(const HttpRequestReader &reader)
{
    const RequestHeader &header = reader.header();
    check(std::size_t(std::distance(header.begin(), header.end())) <= limits.maxHeaderFields);
    (void)targetTextProblem(asStdView(header.target()));
    Response response {http::status::no_content, 11};
    response.body() = "x";
    frameResponse(
        response, ResponseFraming {header.method() == http::verb::head, header.version(), reader.keepAlive()});
    check(response.body().empty() && response[http::field::content_length].empty());
}

std::string describe(const Request &request)
{
    return std::string(request.method_string()) + ' ' + std::string(request.target()) + ' ' + request.body();
}

// @p splits: the sizes of the pieces, in turn (a byte at a time when empty); nullopt: all at once.
Reading read(std::string_view input,
    std::optional<std::span<const std::uint8_t>> splits,
    std::uint64_t limit,
    std::uint64_t budget)
{
    HttpRequestReader reader(limits);
    Reading reading;
    std::size_t offset = 0;
    std::size_t nextSplit = 0;
    const auto mayGrowTo = [budget](std::uint64_t total) {
        return total <= budget;
    };
    for (;;) {
        switch (reader.next()) {
        case HttpRequestReader::Step::needMore: {
            if (offset == input.size()) {
                reading.ending = "incomplete";
                return reading;
            }
            std::size_t piece = input.size() - offset;
            if (splits)
                piece = std::min<std::size_t>(piece, splits->empty() ? 1 : 1 + (*splits)[nextSplit++ % splits->size()]);
            reader.append(input.substr(offset, piece));
            offset += piece;
            break;
        }
        case HttpRequestReader::Step::headerReady:
            checkHeader(reader);
            // Every third request without a body is refused at header time, as admission does.
            if (!reader.hasBody() && reading.requests.size() % 3 == 2) {
                reader.abandon();
                reading.requests.push_back("abandoned");
            } else {
                reader.acceptBody(limit, mayGrowTo);
            }
            break;
        case HttpRequestReader::Step::complete: {
            const Request request = reader.take();
            check(request.body().size() <= limit);
            check(request[http::field::transfer_encoding].empty());
            reading.requests.push_back(describe(request));
            break;
        }
        case HttpRequestReader::Step::failed: {
            const RequestFailure &failure = reader.failure();
            check(int(failure.status) >= 400 && int(failure.status) < 600);
            check(!failure.code.empty() && !failure.message.empty());
            reading.ending = std::to_string(int(failure.status)) + ' ' + failure.code;
            return reading;
        }
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 3)
        return 0;
    const std::uint64_t limit = std::uint64_t(1) << (data[0] % 20);
    const std::uint64_t budget = std::uint64_t(1) << (data[1] % 21);
    const std::size_t splitCount = std::min<std::size_t>(data[2] % 8, size - 3);
    const std::span<const std::uint8_t> splits(data + 3, splitCount);
    const std::string_view input(reinterpret_cast<const char *>(data) + 3 + splitCount, size - 3 - splitCount);
    const Reading whole = read(input, std::nullopt, limit, budget);
    const Reading pieces = read(input, splits, limit, budget);
    check(whole == pieces);
    return 0;
}
