// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/cgroups.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rune::agent
{

namespace fs = std::filesystem;

namespace
{

std::string readControlFile(const fs::path &file)
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
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return ok;
}

struct Mounts {
    std::optional<fs::path> v2;
    std::map<std::string, fs::path> v1; // controller -> mount point
};

// From /proc/self/mountinfo: "... <mount point> <options> ... - <fstype> <source> <super options>".
Mounts findMounts()
{
    Mounts mounts;
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string id, parent, device, root, point, word;
        fields >> id >> parent >> device >> root >> point;
        while (fields >> word && word != "-") { }
        std::string type, source, options;
        fields >> type >> source >> options;
        if (type == "cgroup2" && !mounts.v2)
            mounts.v2 = point;
        if (type != "cgroup")
            continue;
        std::istringstream list(options);
        for (std::string option; std::getline(list, option, ',');) {
            if (option == "memory" || option == "pids")
                mounts.v1.emplace(option, point);
        }
    }
    return mounts;
}

// The agent's own group in each hierarchy, from /proc/self/cgroup: "" for v2, else the controller.
std::map<std::string, std::string> ownGroups()
{
    std::map<std::string, std::string> groups;
    std::ifstream in("/proc/self/cgroup");
    for (std::string line; std::getline(in, line);) {
        const auto first = line.find(':');
        const auto second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos)
            continue;
        std::istringstream list(line.substr(first + 1, second - first - 1));
        const std::string path = line.substr(second + 1);
        if (list.str().empty())
            groups.emplace("", path);
        for (std::string controller; std::getline(list, controller, ',');)
            groups.emplace(controller, path);
    }
    return groups;
}

fs::path under(const fs::path &mount, const std::string &group)
{
    return mount / fs::path(group).relative_path();
}

// Whether a child of the agent may move itself into a group below @p parent: the kernel also
// wants write access to the common ancestor of where it is and where it goes, which a group
// delegated to a non-root agent does not give unless the agent itself lives inside it.
bool childCanJoin(const fs::path &parent)
{
    const fs::path probe = parent / "join-probe";
    if (::mkdir(probe.c_str(), 0755) != 0 && errno != EEXIST)
        return false;
    const int fd = ::open((probe / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    bool joined = false;
    if (fd >= 0) {
        const pid_t child = ::fork();
        if (child == 0)
            ::_exit(::write(fd, "0", 1) == 1 ? 0 : 1);
        int status = 0;
        while (child > 0 && ::waitpid(child, &status, 0) < 0 && errno == EINTR) { }
        joined = child > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
        ::close(fd);
    }
    ::rmdir(probe.c_str());
    return joined;
}

std::optional<fs::path> makeParent(CgroupLayout &layout, const fs::path &dir, const std::string &what)
{
    std::vector<std::string> &notes = layout.notes;
    std::error_code error;
    if (fs::create_directory(dir, error))
        layout.created.push_back(dir);
    if (error) {
        notes.push_back("cannot create " + dir.string() + " for " + what + ": " + error.message());
        return std::nullopt;
    }
    if (::access((dir / "cgroup.procs").c_str(), W_OK) != 0 || !childCanJoin(dir)) {
        notes.push_back(dir.string() + " is not writable by the agent (" + what + ")");
        return std::nullopt;
    }
    return dir;
}

// Enables memory and pids for the children of @p dir. A v2 group that holds processes cannot
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

void prepareV2(CgroupLayout &layout, const Mounts &mounts, const fs::path &configured, const std::string &name)
{
    if (!configured.empty()) {
        if (::access((configured / "cgroup.procs").c_str(), W_OK) != 0 || !childCanJoin(configured)) {
            layout.notes.push_back("cgroup_parent " + configured.string() + " is not a writable cgroup");
            return;
        }
        layout.tracking = configured;
    } else if (!mounts.v2) {
        layout.notes.push_back("no cgroup v2 hierarchy is mounted");
        return;
    } else {
        const fs::path own = under(*mounts.v2, ownGroups()[""]);
        // Started inside a group delegated to it (delegateCgroups): that group is the parent.
        if (own.filename() == "agent" && own.parent_path().filename() == name) {
            layout.tracking = makeParent(layout, own.parent_path(), "cgroup v2");
            layout.created.clear(); // not the agent's to remove
            if (layout.tracking)
                layout.v2Memory =
                    readControlFile(*layout.tracking / "cgroup.controllers").find("memory") != std::string::npos
                    && enableControllers(*layout.tracking, false);
            return;
        }
        const bool memoryHere = readControlFile(own / "cgroup.controllers").find("memory") != std::string::npos;
        if (memoryHere)
            enableControllers(own, true);
        layout.tracking = makeParent(layout, own / name, "cgroup v2");
    }
    if (layout.tracking)
        layout.v2Memory = readControlFile(*layout.tracking / "cgroup.controllers").find("memory") != std::string::npos
            && enableControllers(*layout.tracking, false);
}

void prepareV1(CgroupLayout &layout, const Mounts &mounts, const std::string &name)
{
    const auto groups = ownGroups();
    for (const char *controller : {"memory", "pids"}) {
        const auto mount = mounts.v1.find(controller);
        if (mount == mounts.v1.end())
            continue;
        const auto own = groups.find(controller);
        const fs::path dir = under(mount->second, own == groups.end() ? std::string("/") : own->second) / name;
        auto parent = makeParent(layout, dir, std::string("cgroup v1 ") + controller);
        if (parent)
            (std::string_view(controller) == "memory" ? layout.v1Memory : layout.v1Pids) = parent;
    }
}

// Kills what @p dir holds until it is empty; a fork bomb may need several rounds without cgroup.kill.
void killGroup(const fs::path &dir)
{
    if (writeFile(dir / "cgroup.kill", "1"))
        return;
    for (int round = 0; round < 100; ++round) {
        std::istringstream pids(readControlFile(dir / "cgroup.procs"));
        bool any = false;
        for (pid_t pid = 0; pids >> pid;) {
            ::kill(pid, SIGKILL);
            any = true;
        }
        if (!any)
            return;
    }
}

// Groups whose members were still dying when their replica went; removed on a later try.
std::mutex leftoverMutex;
std::vector<fs::path> leftovers;

void removeGroup(const fs::path &dir)
{
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT)
        return;
    const std::lock_guard lock(leftoverMutex);
    leftovers.push_back(dir);
}

void removeLeftovers()
{
    const std::lock_guard lock(leftoverMutex);
    std::erase_if(leftovers, [](const fs::path &dir) {
        return ::rmdir(dir.c_str()) == 0 || errno == ENOENT;
    });
}

std::uint64_t counter(const std::string &text, std::string_view key)
{
    std::istringstream lines(text);
    std::string name;
    std::uint64_t value = 0;
    while (lines >> name >> value) {
        if (name == key)
            return value;
    }
    return 0;
}

} // namespace

bool CgroupLayout::limitsMemory() const
{
    return v2Memory || v1Memory.has_value();
}

CgroupLayout prepareCgroups(const fs::path &v2Parent, const std::string &name)
{
    CgroupLayout layout;
    const Mounts mounts = findMounts();
    prepareV2(layout, mounts, v2Parent, name);
    if (!layout.v2Memory)
        prepareV1(layout, mounts, name);
    return layout;
}

int sweepCgroups(const CgroupLayout &layout)
{
    int swept = 0;
    for (const auto &parent : {layout.tracking, layout.v1Memory, layout.v1Pids}) {
        if (!parent)
            continue;
        std::error_code error;
        for (const auto &entry : fs::directory_iterator(*parent, error)) {
            if (!entry.is_directory(error) || entry.path().filename() == "agent")
                continue;
            killGroup(entry.path());
            for (int attempt = 0; attempt < 50 && ::rmdir(entry.path().c_str()) != 0 && errno == EBUSY; ++attempt)
                ::usleep(10000);
            ++swept;
        }
    }
    return swept;
}

namespace
{

bool handOver(const fs::path &dir, uid_t uid, gid_t gid)
{
    if (::chown(dir.c_str(), uid, gid) != 0)
        return false;
    std::error_code error;
    for (const auto &entry : fs::directory_iterator(dir, error)) {
        if (!entry.is_directory(error))
            ::chown(entry.path().c_str(), uid, gid);
    }
    return true;
}

} // namespace

std::expected<fs::path, std::string> delegateCgroups(const std::string &name, uid_t uid, gid_t gid)
{
    const CgroupLayout layout = prepareCgroups({}, name);
    for (const auto &parent : {layout.v1Memory, layout.v1Pids}) {
        if (parent && !handOver(*parent, uid, gid))
            return std::unexpected("cannot hand " + parent->string() + " over: " + std::strerror(errno));
    }
    if (!layout.tracking)
        return fs::path();
    const fs::path leaf = *layout.tracking / "agent";
    std::error_code error;
    fs::create_directory(leaf, error);
    if (error || !handOver(*layout.tracking, uid, gid) || !handOver(leaf, uid, gid))
        return std::unexpected("cannot hand " + layout.tracking->string() + " over: " + std::strerror(errno));
    return leaf;
}

void removeCgroups(const CgroupLayout &layout)
{
    sweepCgroups(layout);
    removeLeftovers();
    for (const auto &dir : layout.created) {
        if (fs::exists(dir / "agent"))
            continue; // the agent itself lives there until it exits
        ::rmdir(dir.c_str());
    }
}

ReplicaCgroup::ReplicaCgroup(std::vector<fs::path> dirs, std::vector<int> procsFds)
    : m_dirs(std::move(dirs))
    , m_procsFds(std::move(procsFds))
{
}

ReplicaCgroup::~ReplicaCgroup()
{
    killAll();
    for (const int fd : m_procsFds)
        ::close(fd);
    for (const auto &dir : m_dirs)
        removeGroup(dir);
}

const std::vector<int> &ReplicaCgroup::procsFds() const
{
    return m_procsFds;
}

std::uint64_t ReplicaCgroup::oomKills() const
{
    std::uint64_t kills = 0;
    for (const auto &dir : m_dirs) {
        kills += counter(readControlFile(dir / "memory.events"), "oom_kill");
        kills += counter(readControlFile(dir / "memory.oom_control"), "oom_kill");
    }
    return kills;
}

void ReplicaCgroup::killAll() const
{
    // The first directory is the v2 group when there is one: cgroup.kill ends everything at once.
    for (const auto &dir : m_dirs)
        killGroup(dir);
}

std::expected<std::unique_ptr<ReplicaCgroup>, std::string> createReplicaCgroup(
    const CgroupLayout &layout, const std::string &name, std::uint64_t memoryBytes, int maxProcesses)
{
    removeLeftovers();
    std::vector<fs::path> dirs;
    std::vector<int> fds;
    const auto fail = [&dirs, &fds](std::string why) {
        for (const int fd : fds)
            ::close(fd);
        for (const auto &dir : dirs)
            ::rmdir(dir.c_str());
        return std::unexpected(std::move(why));
    };
    const auto add = [&](const std::optional<fs::path> &parent) -> std::optional<fs::path> {
        if (!parent)
            return std::nullopt;
        const fs::path dir = *parent / name;
        if (::mkdir(dir.c_str(), 0755) != 0)
            return std::nullopt;
        dirs.push_back(dir);
        return dir;
    };
    const std::string memory = std::to_string(memoryBytes);
    const std::string pids = std::to_string(maxProcesses);
    bool ok = true;
    if (const auto dir = add(layout.tracking)) {
        if (layout.v2Memory) {
            ok = writeFile(*dir / "memory.max", memory);
            writeFile(*dir / "memory.swap.max", "0"); // absent without swap accounting; fine
            if (maxProcesses > 0)
                writeFile(*dir / "pids.max", pids);
        }
    } else if (layout.tracking) {
        return fail("cannot create the group " + name + ": " + std::strerror(errno));
    }
    if (const auto dir = add(layout.v1Memory)) {
        ok = ok && writeFile(*dir / "memory.limit_in_bytes", memory);
        // Memory plus swap: without it a replica would page out past its limit instead of stopping.
        if (fs::exists(*dir / "memory.memsw.limit_in_bytes"))
            writeFile(*dir / "memory.memsw.limit_in_bytes", memory);
    } else if (layout.v1Memory) {
        return fail("cannot create the memory group " + name + ": " + std::strerror(errno));
    }
    if (const auto dir = add(layout.v1Pids); dir && maxProcesses > 0)
        writeFile(*dir / "pids.max", pids);
    else if (layout.v1Pids && !dir)
        return fail("cannot create the pids group " + name + ": " + std::strerror(errno));
    if (!ok)
        return fail("cannot set the memory limit of " + name + ": " + std::strerror(errno));
    for (const auto &dir : dirs) {
        const int fd = ::open((dir / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return fail("cannot open " + (dir / "cgroup.procs").string() + ": " + std::strerror(errno));
        fds.push_back(fd);
    }
    return std::make_unique<ReplicaCgroup>(std::move(dirs), std::move(fds));
}

} // namespace rune::agent
