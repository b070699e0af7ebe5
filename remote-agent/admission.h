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

Admission admitRequest(const RequestHeader &header,
    std::optional<std::uint64_t> contentLength,
    const Router &router,
    const Config &config);

} // namespace rune::agent
