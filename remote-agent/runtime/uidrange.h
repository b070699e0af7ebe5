// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <sys/types.h>

namespace rune::agent
{

/** The user ids this agent gives its replicas: [first, first + count). */
struct UidBlock {
    uid_t first = 0;
    std::uint32_t count = 0;

    bool contains(uid_t uid) const;
    std::string toString() const; ///< "1610620928-1610629119"
};

/** Parses "FIRST-LAST" (at least 64 ids, none below 65536, all below 2^31). */
std::expected<UidBlock, std::string> parseUidBlock(std::string_view text);

/**
 * Claims a block of user ids for this agent's replicas and hands them out one replica at a time.
 *
 * "auto" derives the block from the state directory and keeps it in `<state>/uid-range`, so it
 * stays the same across restarts; an abstract socket named after the block tells two agents of
 * one machine (and network namespace) apart when their blocks would collide, and the later one
 * moves on to the next block. A replica's processes all run as its uid (and a group of the same
 * number), which no other process on the machine uses: the kernel then keeps functions from
 * signalling, tracing or reading each other, RLIMIT_NPROC counts exactly one replica, and
 * everything a replica started can be found and killed by its uid even after it left its
 * process group or session.
 */
class UidRange
{
public:
    static std::expected<std::shared_ptr<UidRange>, std::string> claim(
        const std::filesystem::path &stateDir, std::string_view setting);
    ~UidRange();
    UidRange(const UidRange &) = delete;
    UidRange &operator=(const UidRange &) = delete;

    const UidBlock &block() const;
    /** A uid no live replica has; round robin, so a uid is not reused at once. */
    std::expected<uid_t, std::string> acquire();
    /** Kills every process still running as @p uid, then makes the uid available again. */
    void release(uid_t uid);
    /** Kills every process of every uid in the block: what an earlier agent left behind. */
    int sweep() const;

private:
    UidRange(UidBlock block, int lockFd, int socketFd);

    UidBlock m_block;
    int m_lockFd;
    int m_socketFd;
    std::mutex m_mutex;
    std::set<uid_t> m_inUse;
    std::uint32_t m_cursor = 0;
};

/**
 * Kills every process whose real or saved user id is @p uid, in one pass of the kernel over the
 * process list (a helper process takes the uid and sends kill(-1, SIGKILL)), so a fork bomb cannot
 * outrun it. Returns false when the helper could not run.
 */
bool killEveryProcessOf(uid_t uid);

/** The uids in @p block that some process runs as right now. */
std::set<uid_t> liveUidsIn(const UidBlock &block);

} // namespace rune::agent
