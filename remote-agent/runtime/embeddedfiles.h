// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rune::agent
{

/** A file compiled into the agent: a worker bootstrap script of remote-agent/runtimes/. */
struct EmbeddedFile {
    std::string_view path; ///< relative, e.g. "python3/bootstrap.py"
    std::string_view content;
};

/** The worker bootstrap scripts, built into the binary so that copying it is installing it. */
const std::vector<EmbeddedFile> &embeddedRuntimeFiles();

/**
 * Writes the bootstrap scripts under @p dir (world-readable: workers run as another user) and
 * returns @p dir. Checked at every start and rewritten when they differ, so an upgraded agent
 * never runs old scripts and an agent on a full disk still starts when they are in place.
 */
std::expected<std::filesystem::path, std::string> installRuntimeFiles(const std::filesystem::path &dir);

} // namespace rune::agent
