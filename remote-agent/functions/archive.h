// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace rune::agent
{

/** How much a function archive may unpack to. */
struct ArchiveLimits {
    std::uint64_t maxTotalBytes = 256ull << 20;
    std::uint64_t maxFiles = 10000;
};

/** What an archive held once unpacked. */
struct ArchiveStats {
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;
};

/**
 * Unpacks a tar or tar.gz archive held in memory into @p destination (which must exist and be
 * empty). Refuses, with a sentence naming the entry: absolute paths, `..` components, links
 * that point outside the destination, device files, FIFOs and sockets, and archives that pass
 * @p limits. Never writes outside @p destination, never follows a link while writing.
 */
std::expected<ArchiveStats, std::string> extractArchive(
    std::string_view data, const std::filesystem::path &destination, const ArchiveLimits &limits);

/** Whether @p path (an archive or link target, '/'-separated) is relative and has no `..`. */
bool staysInside(std::string_view path);

} // namespace rune::agent
