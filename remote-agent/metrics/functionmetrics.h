// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace rune::agent
{

/** A latency histogram with fixed buckets; lock-free to record, read as a consistent-enough copy. */
class LatencyHistogram
{
public:
    /** Upper bounds in seconds, as Prometheus' `le` labels; the last bucket is +Inf. */
    static constexpr std::array<double, 18> bounds {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    struct Copy {
        std::array<std::uint64_t, bounds.size() + 1> counts {}; ///< per bucket, not cumulative
        std::uint64_t count = 0;
        double sumSeconds = 0;

        /** The q-quantile (0..1) in seconds, interpolated inside its bucket; 0 without samples. */
        double quantile(double q) const;
        /** The calls recorded since @p earlier, a copy of the same histogram taken before. */
        Copy since(const Copy &earlier) const;
    };

    void record(std::chrono::microseconds duration);
    Copy copy() const;

private:
    std::array<std::atomic<std::uint64_t>, bounds.size() + 1> m_counts {};
    std::atomic<std::uint64_t> m_sumMicros {0};
};

/** What happened to one function's calls on this agent since it started. */
struct FunctionMetrics {
    /** 1xx..5xx answers, indexed by the first digit of the status. */
    std::array<std::atomic<std::uint64_t>, 6> byStatusClass {};
    std::atomic<std::uint64_t> errors {0}; ///< 5xx answers and handler exceptions
    std::atomic<std::uint64_t> coldStarts {0};
    std::atomic<std::uint64_t> timeouts {0};
    LatencyHistogram warm;
    LatencyHistogram cold;

    std::uint64_t invocations() const;
};

/** Every function's metrics by name; entries appear on first use and stay (counters never go back). */
class MetricsRegistry
{
public:
    void recordCall(const std::string &function,
        int status,
        bool functionError,
        bool coldStart,
        std::chrono::microseconds duration);
    std::shared_ptr<FunctionMetrics> function(const std::string &name);
    std::vector<std::pair<std::string, std::shared_ptr<const FunctionMetrics>>> all() const;

    /** The longest window recentLatencies() looks back over. */
    static constexpr std::chrono::seconds longestWindow {60};
    /** Remembers every function's warm latency histogram as it is at @p now; the agent does so
        once a second, so readers can ask for the calls of a recent window, not all since the start. */
    void rememberLatencies(std::chrono::steady_clock::time_point now);

    /** The warm calls of the last @p window or a little more, per function that had any before. */
    struct RecentLatencies {
        std::map<std::string, LatencyHistogram::Copy> byFunction;
        /** Where the window starts: the histograms remembered then, or nullopt when none is that
            old and the window reaches back to the start. */
        std::optional<std::chrono::steady_clock::time_point> from;
    };
    RecentLatencies recentLatencies(std::chrono::seconds window, std::chrono::steady_clock::time_point now) const;

private:
    struct Remembered {
        std::chrono::steady_clock::time_point at;
        std::map<std::string, LatencyHistogram::Copy> warm; ///< functions called by then
    };

    mutable std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<FunctionMetrics>> m_functions;
    std::deque<Remembered> m_remembered; ///< oldest first, reaching back a little over longestWindow
};

} // namespace rune::agent
