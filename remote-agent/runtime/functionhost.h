// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/functionstore.h"
#include "runtime/functionpool.h"

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>

namespace rune::agent
{

/** A function as callers name it: "resize" (the serving version) or "resize@v3" (a pinned one). */
struct FunctionTarget {
    std::string name;
    std::optional<int> version;

    static std::optional<FunctionTarget> parse(std::string_view text);
};

/** A deployed function with its pool's numbers, for listings and metrics. */
struct FunctionStatus {
    FunctionRecord record;
    std::string state; ///< PUBLISHED, UPDATING or BLOCKED
    PoolSnapshot pool;
};

/** A trial: the serving code of a function with another memory size, for the memory tuner. */
struct TrialStatus {
    std::string id;
    std::string function;
    int version = 0; ///< the serving version whose code it runs
    int memoryMiB = 0;
    long long idleSeconds = 0; ///< since it was created or last called
    PoolSnapshot pool;
};

/** Why a trial could not be made: the status and code of the answer, and a sentence. */
struct TrialError {
    int httpStatus = 0;
    std::string code;
    std::vector<std::string> problems;
};

/**
 * The functions this agent serves: for each, the pool of its serving version, and pools of older
 * versions called by number. A deploy switches the serving pool; calls already handed to the old
 * pool finish there, then its replicas stop. Thread-safe.
 */
class FunctionHost
{
public:
    FunctionHost(boost::asio::io_context &io,
        std::shared_ptr<const RuntimeContext> context,
        FunctionStore &store,
        EventSink events);
    FunctionHost(const FunctionHost &) = delete;
    FunctionHost &operator=(const FunctionHost &) = delete;
    ~FunctionHost();

    /** Called (on the changing thread) after every activate, forget and block change. */
    void setChangeListener(std::function<void()> listener);

    /** Serves every function the store holds (at agent start). */
    void loadAll();
    /** Marks @p name as being deployed, for listings; calls keep going to the serving version.
        Counted: a second deploy queued behind the first keeps it UPDATING until both ended. */
    void beginUpdate(const std::string &name);
    void endUpdate(const std::string &name);
    /** Serves @p record as the function's new version from now on. */
    void activate(const FunctionRecord &record);
    void forget(const std::string &name);
    /** Stops the replicas of one older version (it was removed from disk). */
    void forgetVersion(const std::string &name, int version);
    void setBlocked(const std::string &name, bool blocked);

    /** The pool for @p target, or why there is none (404 unknown, 423 blocked). */
    std::expected<std::shared_ptr<FunctionPool>, InvokeError> route(const FunctionTarget &target);
    /** The largest request body the serving version of @p name accepts; cheap, called per request. */
    std::optional<std::uint64_t> payloadLimit(std::string_view name) const;
    /** The serving record of @p name, from memory. */
    std::optional<FunctionRecord> record(const std::string &name) const;
    std::vector<FunctionStatus> list() const;
    /** What this node lacks to run @p config (GPUs), one sentence each; empty when it can. */
    std::vector<std::string> shortfall(const protocol::FunctionConfig &config) const;
    /** Stops every replica; later calls are refused. */
    void shutdown();

    /** Trials at once on one agent: each may hold a replica of its size. */
    static constexpr std::size_t maxTrials = 4;
    /** A trial nobody calls for this long is removed (its console went away). */
    static constexpr std::chrono::seconds trialIdleLimit {300};
    /**
     * Makes a trial of @p name's serving version with @p memoryMiB: the same code and
     * configuration but that memory, one replica at most and no triggers. Trials are kept in
     * memory only, are not listed with the functions, and are reachable only through
     * routeTrial() (the control API), never by a caller of the invoke port.
     */
    std::expected<TrialStatus, TrialError> createTrial(const std::string &name, int memoryMiB);
    std::expected<std::shared_ptr<FunctionPool>, InvokeError> routeTrial(
        const std::string &name, const std::string &id);
    /** Stops a trial's replica and forgets it; false when there is no such trial. */
    bool removeTrial(const std::string &name, const std::string &id);
    std::vector<TrialStatus> trials(const std::string &name) const;
    /** Removes the trials idle for longer than trialIdleLimit; run regularly. */
    void expireTrials();

private:
    struct Entry {
        FunctionRecord record;
        std::shared_ptr<FunctionPool> serving;
        std::map<int, std::shared_ptr<FunctionPool>> pinned;
    };

    struct Trial {
        std::string function;
        int version = 0;
        int memoryMiB = 0;
        std::shared_ptr<FunctionPool> pool;
        std::chrono::steady_clock::time_point lastUsed;
    };

    std::shared_ptr<FunctionPool> makePool(const FunctionRecord &record) const;
    /** Forgets @p name's trials; the caller retires the pools it gets back. Under m_mutex. */
    std::vector<std::shared_ptr<FunctionPool>> takeTrials(const std::string &name);
    /** MemoryBudget's evictor: the least recently used idle replica of any pool; its MiB or 0. */
    int evictLeastRecentlyUsed();

    boost::asio::io_context &m_io;
    std::shared_ptr<const RuntimeContext> m_context;
    FunctionStore &m_store;
    EventSink m_events;
    mutable std::mutex m_mutex;
    std::map<std::string, Entry, std::less<>> m_entries;
    std::map<std::string, Trial, std::less<>> m_trials; ///< by id
    std::map<std::string, int, std::less<>> m_updating; ///< deploys under way, by name: first deploys have no entry yet
    bool m_shutDown = false;
    std::function<void()> m_changed;
    void changed() const;
};

} // namespace rune::agent
