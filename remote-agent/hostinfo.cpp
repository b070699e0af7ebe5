// SPDX-License-Identifier: GPL-3.0-or-later
#include "hostinfo.h"

#include <fstream>
#include <string_view>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace rune::agent
{

namespace
{

std::string unquote(std::string value)
{
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
        return value.substr(1, value.size() - 2);
    return value;
}

std::string prettyOsName()
{
    // os-release(5): /etc first, /usr/lib as the fallback.
    for (const char *path : {"/etc/os-release", "/usr/lib/os-release"}) {
        std::ifstream file(path);
        std::string line;
        while (std::getline(file, line)) {
            constexpr std::string_view key = "PRETTY_NAME=";
            if (line.starts_with(key))
                return unquote(line.substr(key.size()));
        }
    }
    return "Linux";
}

std::uint64_t totalMemoryBytes()
{
    std::ifstream file("/proc/meminfo");
    std::string key;
    std::uint64_t kibibytes = 0;
    std::string unit;
    while (file >> key >> kibibytes >> unit) {
        if (key == "MemTotal:")
            return kibibytes * 1024;
    }
    return 0;
}

void readDisk(const std::string &path, HostFacts &facts)
{
    struct statvfs disk {
    };
    if (statvfs(path.c_str(), &disk) != 0)
        return;
    facts.diskBytes = static_cast<std::uint64_t>(disk.f_blocks) * disk.f_frsize;
    // f_bavail, not f_bfree: the space an unprivileged function can actually use.
    facts.diskFreeBytes = static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize;
}

} // namespace

HostFacts readHostFacts(const std::string &stateDir)
{
    HostFacts facts;
    char hostname[256] = {};
    if (gethostname(hostname, sizeof hostname - 1) == 0)
        facts.hostname = hostname;
    struct utsname system {
    };
    if (uname(&system) == 0) {
        facts.kernel = system.release;
        facts.arch = system.machine;
    }
    facts.os = prettyOsName();
    facts.cores = sysconf(_SC_NPROCESSORS_ONLN);
    facts.memoryBytes = totalMemoryBytes();
    readDisk(stateDir, facts);
    return facts;
}

} // namespace rune::agent
