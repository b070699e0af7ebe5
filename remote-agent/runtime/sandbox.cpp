// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/sandbox.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <sys/statfs.h>
#include <unistd.h>
#include <vector>

namespace rune::agent
{

namespace fs = std::filesystem;

namespace
{

constexpr long cgroup2Magic = 0x63677270;

bool isCgroup2(const fs::path &dir)
{
    struct statfs info {
    };
    return ::statfs(dir.c_str(), &info) == 0 && static_cast<long>(info.f_type) == cgroup2Magic;
}

std::string readFile(const fs::path &file)
{
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

bool writeFile(const fs::path &file, const std::string &text)
{
    const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
    ::close(fd);
    return ok;
}

// The agent's own cgroup v2 directory, from the "0::" line of /proc/self/cgroup.
std::optional<fs::path> ownCgroup()
{
    std::ifstream in("/proc/self/cgroup");
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("0::"))
            return fs::path("/sys/fs/cgroup") / fs::path(line.substr(3)).relative_path();
    }
    return std::nullopt;
}

// Enables memory and pids for the children of @p dir. A cgroup that holds processes cannot
// delegate controllers ("no internal processes"), so the agent first moves itself into a leaf.
bool enableControllers(const fs::path &dir, bool moveSelf)
{
    if (writeFile(dir / "cgroup.subtree_control", "+memory +pids"))
        return true;
    if (!moveSelf || errno != EBUSY)
        return false;
    std::error_code error;
    fs::create_directories(dir / "agent", error);
    return writeFile(dir / "agent" / "cgroup.procs", "0") && writeFile(dir / "cgroup.subtree_control", "+memory +pids");
}

// Returns the directory that will hold replica cgroups, or why there is none.
std::expected<fs::path, std::string> prepareCgroupParent(const SandboxOptions &options)
{
    if (!options.useCgroups)
        return std::unexpected(std::string("cgroups are disabled in the configuration"));
    const bool configured = !options.cgroupParent.empty();
    const auto base = configured ? std::optional(options.cgroupParent) : ownCgroup();
    if (!base || !isCgroup2(*base))
        return std::unexpected(std::string("cgroup v2 is not mounted at /sys/fs/cgroup (cgroup v1 or hybrid)"));
    if (readFile(*base / "cgroup.controllers").find("memory") == std::string::npos)
        return std::unexpected("the memory controller is not available in " + base->string());
    if (!enableControllers(*base, !configured))
        return std::unexpected(base->string() + " is not delegated to the agent (" + std::strerror(errno) + ")");
    const fs::path parent = *base / "rune-replicas";
    std::error_code error;
    fs::create_directories(parent, error);
    if (error || !enableControllers(parent, false))
        return std::unexpected("cannot prepare " + parent.string());
    return parent;
}

std::expected<std::optional<std::pair<uid_t, gid_t>>, std::string> lookUpUser(const std::string &name)
{
    if (name.empty() || ::geteuid() != 0)
        return std::nullopt;
    std::vector<char> buffer(16384);
    passwd entry {};
    passwd *found = nullptr;
    if (::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found)
        return std::unexpected("the user '" + name + "' that functions run as does not exist");
    return std::pair {found->pw_uid, found->pw_gid};
}

} // namespace

std::string SandboxReport::memoryMechanism() const
{
    return memory == MemoryEnforcement::CgroupV2 ? "cgroup2 memory.max" : "RLIMIT_AS";
}

ReplicaCgroup::ReplicaCgroup(fs::path dir, int procsFd)
    : m_dir(std::move(dir))
    , m_procsFd(procsFd)
{
}

ReplicaCgroup::~ReplicaCgroup()
{
    killAll();
    ::close(m_procsFd);
    // A dying member keeps the directory busy for a moment; a later start sweeps what is left.
    ::rmdir(m_dir.c_str());
}

int ReplicaCgroup::procsFd() const
{
    return m_procsFd;
}

std::uint64_t ReplicaCgroup::oomKills() const
{
    std::istringstream events(readFile(m_dir / "memory.events"));
    std::string key;
    std::uint64_t value = 0;
    while (events >> key >> value) {
        if (key == "oom_kill")
            return value;
    }
    return 0;
}

void ReplicaCgroup::killAll() const
{
    if (writeFile(m_dir / "cgroup.kill", "1"))
        return;
    std::istringstream pids(readFile(m_dir / "cgroup.procs"));
    for (pid_t pid = 0; pids >> pid;)
        ::kill(pid, SIGKILL);
}

std::expected<Sandbox, std::string> Sandbox::detect(const SandboxOptions &options)
{
    auto user = lookUpUser(options.runAsUser);
    if (!user)
        return std::unexpected(user.error());
    Sandbox sandbox;
    sandbox.m_report.runAs = *user;
    sandbox.m_report.user = *user ? options.runAsUser : std::string("(the agent's own user)");
    auto parent = prepareCgroupParent(options);
    if (parent) {
        sandbox.m_report.memory = MemoryEnforcement::CgroupV2;
        sandbox.m_report.cgroupParent = *parent;
    } else {
        sandbox.m_report.reason = parent.error();
    }
    return sandbox;
}

const SandboxReport &Sandbox::report() const
{
    return m_report;
}

std::expected<std::unique_ptr<ReplicaCgroup>, std::string> Sandbox::createCgroup(
    const std::string &name, std::uint64_t memoryBytes, int maxProcesses) const
{
    if (m_report.memory != MemoryEnforcement::CgroupV2)
        return std::unexpected(std::string("cgroup v2 is not in use"));
    const fs::path dir = m_report.cgroupParent / name;
    std::error_code error;
    fs::create_directory(dir, error);
    if (error)
        return std::unexpected("cannot create " + dir.string() + ": " + error.message());
    const bool limited = writeFile(dir / "memory.max", std::to_string(memoryBytes));
    writeFile(dir / "memory.swap.max", "0"); // absent without swap accounting; fine
    if (maxProcesses > 0)
        writeFile(dir / "pids.max", std::to_string(maxProcesses));
    const int procs = ::open((dir / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (!limited || procs < 0) {
        if (procs >= 0)
            ::close(procs);
        ::rmdir(dir.c_str());
        return std::unexpected("cannot set memory.max in " + dir.string());
    }
    return std::make_unique<ReplicaCgroup>(dir, procs);
}

} // namespace rune::agent
