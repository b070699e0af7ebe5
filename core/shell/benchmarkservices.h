// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace rune
{
class BenchmarkResults;
class BenchmarkSession;
class NodeList;

/**
 * The core services the Benchmarks pane and Node detail's figures work with: every one is
 * there, as Console builds them (shell/console.h).
 */
struct BenchmarkServices {
    NodeList *nodes = nullptr;
    BenchmarkResults *results = nullptr;
    BenchmarkSession *session = nullptr;
};

} // namespace rune
