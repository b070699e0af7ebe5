// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "async/callrecord.h"
#include "config.h"
#include "metrics/functionmetrics.h"
#include "runtime/functionhost.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

namespace rune::agent
{

/** Why an asynchronous call was not taken: the answer's status, code, sentence and Retry-After. */
struct AsyncRefusal {
    int httpStatus = 500;
    std::string code;
    std::string message;
    int retryAfterSeconds = 0;
};

/** A function's asynchronous calls not finished yet, for /v1/metrics. */
struct AsyncDepth {
    int queued = 0; ///< waiting for their turn or for a retry
    int running = 0;
};

/**
 * The durable queue of asynchronous calls. Each call is one file, <dir>/calls/<id>.call, written
 * and fsync'd (with its directory) before the caller hears 202, and rewritten with its outcome
 * when it ends. One file per call rather than one journal: a call's file is replaced in one
 * rename when its state changes, no compaction is ever needed, and a damaged file (a full disk, a
 * torn write) costs that call alone: it is moved to <dir>/damaged/ and the rest load.
 *
 * A worker takes calls of each function in the order they came and runs them through the
 * function's pool, like synchronous calls (scaling from zero included), but never more at once
 * than half the function's capacity (max_replicas x target_concurrency, at least one), so
 * synchronous callers always find room. A function holds at most async_queue_limit calls queued
 * or running: the node's, or the function's own when it sets a lower one. A call that fails (5xx, crash, timeout, no
 * replica) is tried again after a delay doubling from async_retry_delay_ms, up to async_max_attempts, then it is a dead
 * letter. A 4xx answer is the caller's mistake: "failed", not retried. Outcomes are kept async_result_ttl_seconds and
 * at most async_max_results (oldest go first).
 *
 * "At least once": a call that got 202 runs until it ends, across kill -9 and restarts; a call that
 * was running when the agent died runs again after the restart, so it may run twice.
 *
 * Disk work runs on the queue's own thread, never on the network threads. Thread-safe.
 */
class AsyncQueue final : public std::enable_shared_from_this<AsyncQueue>
{
public:
    AsyncQueue(boost::asio::io_context &io,
        FunctionHost &host,
        MetricsRegistry &metrics,
        std::shared_ptr<const LiveConfig> config,
        std::filesystem::path directory);
    ~AsyncQueue();
    AsyncQueue(const AsyncQueue &) = delete;
    AsyncQueue &operator=(const AsyncQueue &) = delete;

    /** Loads the calls left on disk (at start, before the servers); damaged files are set aside and logged. */
    void recover();
    /** Starts running what is queued. */
    void start();
    /** Runs nothing more and records no more outcomes: calls still running run again after the next start. */
    void halt();
    /** halt(), and waits for the disk thread; only once the io context runs no more. */
    void stop();

    /** Stores @p record durably, then calls @p done with its id, or with why it was refused. */
    void submit(CallRecord record, std::function<void(std::expected<std::string, AsyncRefusal>)> done);
    /** GET /v1/results/<id>'s answer, or nullopt for an unknown or expired id; @p done runs on the disk thread. */
    void result(const std::string &id, std::function<void(std::optional<nlohmann::json>)> done);
    /** The dead letters of @p function, oldest first, without their bodies. */
    nlohmann::json deadLetters(const std::string &function) const;
    /** Forgets the calls of a deleted function that have not ended and removes their files. */
    void dropFunction(const std::string &function);
    AsyncDepth depth(const std::string &function) const;

private:
    /** What is kept in memory of a call: everything but its bodies, which stay on disk. */
    struct Entry {
        std::string function;
        CallState state = CallState::queued;
        int attempts = 0;
        std::int64_t acceptedAtMs = 0;
        std::int64_t finishedAtMs = 0;
        int resultStatus = 0;
        std::string errorCode;
    };

    std::filesystem::path fileOf(const std::string &id) const;
    void onDisk(std::function<void()> work);
    /** Replaces the call's file in one rename; @p synced: fsync'd with its directory before it returns. */
    std::expected<void, std::string> writeDurably(const CallRecord &record, bool synced) const;
    void dispatch();
    void run(const std::string &id);
    void finishAttempt(CallRecord record, InvokeResult result);
    void retryLater(const std::string &id, int attempts);
    void finish(CallRecord record);
    void forgetOldResults();
    /** The most calls a function may have unfinished, and which setting says so. */
    struct QueueLimit {
        int calls = 0;
        std::string name;
    };
    /** The function's own async_queue_limit when it sets one below the node's @p agentLimit. */
    QueueLimit queueLimitOf(const std::string &function, int agentLimit) const;
    int capacityOf(const std::string &function) const;
    nlohmann::json entryJson(const std::string &id, const Entry &entry) const;

    boost::asio::io_context &m_io;
    FunctionHost &m_host;
    MetricsRegistry &m_metrics;
    std::shared_ptr<const LiveConfig> m_config;
    std::filesystem::path m_calls;
    std::filesystem::path m_damaged;
    boost::asio::thread_pool m_disk {1};

    mutable std::mutex m_mutex;
    std::map<std::string, Entry, std::less<>> m_entries;
    std::map<std::string, std::deque<std::string>, std::less<>> m_ready; ///< by function, oldest first
    std::map<std::string, int, std::less<>> m_running; ///< by function
    std::map<std::string, int, std::less<>> m_unfinished; ///< queued, waiting for a retry or running; by function
    std::deque<std::string> m_finished; ///< ids of ended calls, in the order they ended
    std::map<std::string, std::shared_ptr<boost::asio::steady_timer>> m_retries;
    boost::asio::steady_timer m_expiry;
    bool m_started = false;
    bool m_stopped = false;
};

} // namespace rune::agent
