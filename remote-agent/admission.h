// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "config.h"
#include "router.h"

#include <cstdint>
#include <optional>

namespace rune::agent
{

// What to do with a request whose header has arrived, decided before its body is read so a
// refused upload is not received first.
struct Admission {
    const Route *route = nullptr;
    PathParams params;
    std::uint64_t bodyLimit = 0;
    std::optional<Response> rejection; // set: answer this instead of running a handler
};

// The header of a request as the connection knows it.
struct RequestArrival {
    const RequestHeader &header;
    std::optional<std::uint64_t> contentLength;
    // The connection is over its port's cap: only routes served when full are answered.
    bool overCapacity = false;
};

// In order: the connection cap, the bearer token (401 before 404, so a client without it learns
// nothing), names that are not text (400), the route (404, 405), the route's own admission
// hook, and the body limit (413).
Admission admitRequest(const RequestArrival &arrival, const Router &router, const Config &config);

} // namespace rune::agent
