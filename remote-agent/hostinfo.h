// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace rune::agent
{

// Facts about the machine the agent runs on, as the console shows them for a node.
struct HostFacts {
    std::string hostname;
    std::string os; // PRETTY_NAME of /etc/os-release
    std::string kernel; // uname release
    std::string arch; // uname machine
    std::int64_t cores = 0;
    std::uint64_t memoryBytes = 0;
    std::uint64_t diskBytes = 0; // of the file system holding the state directory,
    std::uint64_t diskFreeBytes = 0; // which is where functions are stored
};

// Reads the facts fresh each time: memory and disk change while the agent runs. A fact that
// cannot be read is left empty or 0 rather than failing the whole answer.
HostFacts readHostFacts(const std::string &stateDir);

} // namespace rune::agent
