// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runtime/process.h"
#include "runtime/sandbox.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace rune::agent
{

struct RuntimeContext;

/**
 * A pre-started worker that loaded only its runtime: its process, the agent's pipe ends, and the
 * identity and groups it already runs with (a replica's: taken over by the replica that adopts it).
 */
struct StandbyWorker {
    pid_t pid = -1;
    UniqueFd channel;
    UniqueFd stdoutRead;
    UniqueFd stderrRead;
    ReplicaUser user;
    std::unique_ptr<ReplicaCgroup> cgroup;
    UniqueFd started; ///< closed by the worker's exec: until then it is still being set up
};

/** Which workers a standby is good for: node's heap cap is fixed at start, so memory counts. */
struct StandbyKind {
    std::string runtime;
    int memoryMiB = 0;

    auto operator<=>(const StandbyKind &) const = default;
};

/**
 * Generic python3 and node interpreters started ahead of need, so a cold start only pays for
 * importing the handler. Kinds in use are kept at their size; what is taken is replaced in the
 * background. Thread-safe.
 */
class StandbyPool : public std::enable_shared_from_this<StandbyPool>
{
public:
    StandbyPool(boost::asio::io_context &io, const RuntimeContext &context, int perKind, int maxTotal);
    StandbyPool(const StandbyPool &) = delete;
    StandbyPool &operator=(const StandbyPool &) = delete;
    ~StandbyPool();

    /** Keeps workers of @p kind ready from now on (a function of that kind was deployed). */
    void want(const StandbyKind &kind);
    /** A ready worker of @p kind, if one is waiting; a replacement starts in the background. */
    std::optional<StandbyWorker> take(const StandbyKind &kind);
    /** Stops every waiting worker and starts no more. */
    void clear();
    int waiting() const;

private:
    void refillSoon();
    void refill();
    std::expected<StandbyWorker, std::string> spawn(const StandbyKind &kind);

    const RuntimeContext &m_context;
    boost::asio::strand<boost::asio::io_context::executor_type> m_strand;
    const int m_perKind;
    const int m_maxTotal;
    mutable std::mutex m_mutex;
    std::set<StandbyKind> m_wanted;
    std::map<StandbyKind, std::deque<StandbyWorker>> m_ready;
    std::uint64_t m_spawned = 0;
    bool m_refillQueued = false;
    bool m_cleared = false;
};

} // namespace rune::agent
