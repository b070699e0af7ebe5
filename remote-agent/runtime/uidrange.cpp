// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/uidrange.h"

#include "log.h"
#include "runtime/process.h"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rune::agent
{

namespace fs = std::filesystem;

namespace
{

// Far above the ids of people and system services, below 2^31 (some tools treat uids as signed),
// and clear of systemd's dynamic users (61184-65519) and container ranges' usual start.
constexpr uid_t autoBase = 0x60000000;
constexpr std::uint32_t autoBlockSize = 8192;
constexpr std::uint32_t autoBlocks = 32768;
constexpr std::uint32_t minimumBlock = 64;
constexpr char rangeFile[] = "uid-range";

std::uint32_t fnv1a(std::string_view text)
{
    std::uint32_t hash = 2166136261u;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 16777619u;
    }
    return hash;
}

UidBlock autoBlock(std::uint32_t index)
{
    return UidBlock {uid_t(autoBase + (index % autoBlocks) * autoBlockSize), autoBlockSize};
}

std::optional<std::uint32_t> autoIndexOf(const UidBlock &block)
{
    if (block.first < autoBase || block.count != autoBlockSize || (block.first - autoBase) % autoBlockSize != 0)
        return std::nullopt;
    const std::uint32_t index = (block.first - autoBase) / autoBlockSize;
    return index < autoBlocks ? std::optional(index) : std::nullopt;
}

// Bound while this agent runs: the kernel frees the name when the process dies, however it dies.
int claimName(const UidBlock &block)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    const std::string name = "rune-agent-uids-" + std::to_string(block.first);
    std::memcpy(address.sun_path + 1, name.data(), name.size());
    const auto length = socklen_t(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&address), length) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::optional<UidBlock> readRangeFile(const fs::path &file)
{
    std::ifstream in(file);
    std::string text;
    if (!std::getline(in, text))
        return std::nullopt;
    auto block = parseUidBlock(text);
    return block ? std::optional(*block) : std::nullopt;
}

// The real and saved uid of a process, from /proc/<pid>/status ("Uid: real effective saved fs").
// Not the owner of /proc/<pid>: that is root for a process that is not dumpable.
std::optional<std::pair<uid_t, uid_t>> processUids(const fs::path &procDir)
{
    std::ifstream in(procDir / "status");
    for (std::string line; std::getline(in, line);) {
        // A zombie runs nothing and holds nothing; no signal reaches it. Its parent reaps it.
        if (line.starts_with("State:") && line.find("Z (zombie)") != std::string::npos)
            return std::nullopt;
        if (!line.starts_with("Uid:"))
            continue;
        unsigned long real = 0, effective = 0, saved = 0;
        if (std::sscanf(line.c_str() + 4, "%lu %lu %lu", &real, &effective, &saved) == 3)
            return std::pair {uid_t(real), uid_t(saved)};
    }
    return std::nullopt;
}

} // namespace

bool UidBlock::contains(uid_t uid) const
{
    return uid >= first && uid - first < count;
}

std::string UidBlock::toString() const
{
    return std::to_string(first) + "-" + std::to_string(first + count - 1);
}

std::expected<UidBlock, std::string> parseUidBlock(std::string_view text)
{
    const auto dash = text.find('-');
    unsigned long long first = 0, last = 0;
    const auto readNumber = [](std::string_view digits, unsigned long long &out) {
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
        return error == std::errc {} && end == digits.data() + digits.size() && !digits.empty();
    };
    if (dash == std::string_view::npos || !readNumber(text.substr(0, dash), first)
        || !readNumber(text.substr(dash + 1), last))
        return std::unexpected("uid_range must be auto or FIRST-LAST, got '" + std::string(text) + "'");
    if (first < 65536 || last >= 0x80000000ull || last < first || last - first + 1 < minimumBlock)
        return std::unexpected("uid_range must hold at least " + std::to_string(minimumBlock)
            + " ids between 65536 and 2147483647, got '" + std::string(text) + "'");
    return UidBlock {uid_t(first), std::uint32_t(last - first + 1)};
}

UidRange::UidRange(UidBlock block, int lockFd, int socketFd)
    : m_block(block)
    , m_lockFd(lockFd)
    , m_socketFd(socketFd)
{
}

UidRange::~UidRange()
{
    if (m_socketFd >= 0)
        ::close(m_socketFd);
    if (m_lockFd >= 0)
        ::close(m_lockFd);
}

std::expected<std::shared_ptr<UidRange>, std::string> UidRange::claim(
    const fs::path &stateDir, std::string_view setting)
{
    const fs::path file = stateDir / rangeFile;
    const int lockFd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lockFd < 0)
        return std::unexpected("cannot open " + file.string() + ": " + std::strerror(errno));
    if (::flock(lockFd, LOCK_EX | LOCK_NB) != 0) {
        ::close(lockFd);
        return std::unexpected("another rune-agent is using the state directory " + stateDir.string());
    }
    std::optional<UidBlock> block;
    int socketFd = -1;
    if (setting != "auto") {
        auto configured = parseUidBlock(setting);
        if (!configured) {
            ::close(lockFd);
            return std::unexpected(configured.error());
        }
        block = *configured;
        socketFd = claimName(*block);
        if (socketFd < 0) {
            ::close(lockFd);
            return std::unexpected("uid_range " + block->toString() + " is in use by another rune-agent");
        }
    } else {
        const auto kept = readRangeFile(file);
        std::uint32_t index = kept && autoIndexOf(*kept) ? *autoIndexOf(*kept)
                                                         : fnv1a(fs::weakly_canonical(stateDir).string()) % autoBlocks;
        for (std::uint32_t tries = 0; tries < 64 && socketFd < 0; ++tries, ++index) {
            block = autoBlock(index);
            socketFd = claimName(*block);
        }
        if (socketFd < 0) {
            ::close(lockFd);
            return std::unexpected(std::string("cannot claim a block of user ids for the functions"));
        }
    }
    const std::string text = block->toString() + "\n";
    if (::ftruncate(lockFd, 0) != 0 || ::pwrite(lockFd, text.data(), text.size(), 0) != ssize_t(text.size()))
        logLine("cannot record the uid range in " + file.string() + ": " + std::strerror(errno));
    return std::shared_ptr<UidRange>(new UidRange(*block, lockFd, socketFd));
}

const UidBlock &UidRange::block() const
{
    return m_block;
}

std::expected<uid_t, std::string> UidRange::acquire()
{
    const std::lock_guard lock(m_mutex);
    for (std::uint32_t tried = 0; tried < m_block.count; ++tried) {
        const uid_t uid = m_block.first + (m_cursor++ % m_block.count);
        if (m_inUse.insert(uid).second)
            return uid;
    }
    return std::unexpected(
        "all " + std::to_string(m_block.count) + " user ids of " + m_block.toString() + " belong to running replicas");
}

void UidRange::release(uid_t uid)
{
    killEveryProcessOf(uid);
    const std::lock_guard lock(m_mutex);
    m_inUse.erase(uid);
}

int UidRange::sweep() const
{
    int swept = 0;
    for (const uid_t uid : liveUidsIn(m_block)) {
        if (killEveryProcessOf(uid))
            ++swept;
    }
    return swept;
}

bool killEveryProcessOf(uid_t uid)
{
    if (uid == 0)
        return false; // never: kill(-1) as root would take the machine down
    const pid_t pid = ::fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        // Raw system calls: this child of a threaded process may only make async-signal-safe ones.
        if (::syscall(SYS_setresgid, gid_t(uid), gid_t(uid), gid_t(uid)) != 0
            || ::syscall(SYS_setresuid, uid, uid, uid) != 0 || !dropAllCapabilities() || ::getuid() != uid
            || ::geteuid() != uid)
            ::_exit(1);
        // With no capability left, kill(-1) reaches exactly the processes of this uid.
        ::kill(-1, SIGKILL);
        ::_exit(0);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::set<uid_t> liveUidsIn(const UidBlock &block)
{
    std::set<uid_t> uids;
    std::error_code error;
    for (const auto &entry : fs::directory_iterator("/proc", error)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        if (const auto ids = processUids(entry.path())) {
            if (block.contains(ids->first))
                uids.insert(ids->first);
            if (block.contains(ids->second))
                uids.insert(ids->second);
        }
    }
    return uids;
}

} // namespace rune::agent
