// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/functionmetrics.h"

#include <algorithm>

namespace rune::agent
{

double LatencyHistogram::Copy::quantile(double q) const
{
    if (count == 0)
        return 0;
    const double rank = q * double(count);
    double seen = 0;
    double lower = 0;
    for (std::size_t index = 0; index < counts.size(); ++index) {
        const double upper = index < bounds.size() ? bounds[index] : bounds.back() * 2;
        if (counts[index] > 0 && seen + double(counts[index]) >= rank) {
            const double within = (rank - seen) / double(counts[index]);
            return lower + (upper - lower) * within;
        }
        seen += double(counts[index]);
        lower = upper;
    }
    return bounds.back();
}

LatencyHistogram::Copy LatencyHistogram::Copy::since(const Copy &earlier) const
{
    // Counters only grow; a bucket that seems to shrink (a torn read) counts as nothing new.
    Copy calls;
    for (std::size_t index = 0; index < counts.size(); ++index) {
        calls.counts[index] = counts[index] > earlier.counts[index] ? counts[index] - earlier.counts[index] : 0;
        calls.count += calls.counts[index];
    }
    calls.sumSeconds = calls.count > 0 ? std::max(0.0, sumSeconds - earlier.sumSeconds) : 0.0;
    return calls;
}

void LatencyHistogram::record(std::chrono::microseconds duration)
{
    const double seconds = double(duration.count()) / 1e6;
    std::size_t index = 0;
    while (index < bounds.size() && seconds > bounds[index])
        ++index;
    m_counts[index].fetch_add(1, std::memory_order_relaxed);
    m_sumMicros.fetch_add(std::uint64_t(std::max<std::int64_t>(0, duration.count())), std::memory_order_relaxed);
}

LatencyHistogram::Copy LatencyHistogram::copy() const
{
    Copy copy;
    for (std::size_t index = 0; index < m_counts.size(); ++index) {
        copy.counts[index] = m_counts[index].load(std::memory_order_relaxed);
        copy.count += copy.counts[index];
    }
    copy.sumSeconds = double(m_sumMicros.load(std::memory_order_relaxed)) / 1e6;
    return copy;
}

std::uint64_t FunctionMetrics::invocations() const
{
    std::uint64_t total = 0;
    for (const auto &count : byStatusClass)
        total += count.load(std::memory_order_relaxed);
    return total;
}

void MetricsRegistry::recordCall(
    const std::string &name, int status, bool functionError, bool coldStart, std::chrono::microseconds duration)
{
    const auto metrics = function(name);
    const int statusClass = status / 100;
    metrics->byStatusClass[statusClass >= 1 && statusClass <= 5 ? statusClass : 5].fetch_add(1);
    if (status >= 500 || functionError)
        metrics->errors.fetch_add(1);
    if (status == 504)
        metrics->timeouts.fetch_add(1);
    if (coldStart) {
        metrics->coldStarts.fetch_add(1);
        metrics->cold.record(duration);
    } else {
        metrics->warm.record(duration);
    }
}

std::shared_ptr<FunctionMetrics> MetricsRegistry::function(const std::string &name)
{
    const std::lock_guard lock(m_mutex);
    auto &slot = m_functions[name];
    if (!slot)
        slot = std::make_shared<FunctionMetrics>();
    return slot;
}

std::vector<std::pair<std::string, std::shared_ptr<const FunctionMetrics>>> MetricsRegistry::all() const
{
    const std::lock_guard lock(m_mutex);
    return {m_functions.begin(), m_functions.end()};
}

void MetricsRegistry::rememberLatencies(std::chrono::steady_clock::time_point now)
{
    Remembered remembered {now, {}};
    const std::lock_guard lock(m_mutex);
    for (const auto &[name, metrics] : m_functions) {
        auto copy = metrics->warm.copy();
        if (copy.count > 0) // a function never called has nothing to subtract
            remembered.warm.emplace(name, copy);
    }
    m_remembered.push_back(std::move(remembered));
    // Keep the newest one at least longestWindow old, and nothing older.
    while (m_remembered.size() > 1 && m_remembered[1].at <= now - longestWindow)
        m_remembered.pop_front();
}

MetricsRegistry::RecentLatencies MetricsRegistry::recentLatencies(
    std::chrono::seconds window, std::chrono::steady_clock::time_point now) const
{
    RecentLatencies recent;
    const std::lock_guard lock(m_mutex);
    const Remembered *start = nullptr;
    for (const Remembered &remembered : m_remembered) {
        if (remembered.at > now - window)
            break;
        start = &remembered;
    }
    if (start)
        recent.from = start->at;
    static const LatencyHistogram::Copy none;
    for (const auto &[name, metrics] : m_functions) {
        const LatencyHistogram::Copy *earlier = &none;
        if (start) {
            if (const auto found = start->warm.find(name); found != start->warm.end())
                earlier = &found->second;
        }
        recent.byFunction.emplace(name, metrics->warm.copy().since(*earlier));
    }
    return recent;
}

} // namespace rune::agent
