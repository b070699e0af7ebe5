// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>

namespace rune::agent
{

/**
 * The memory the node gives to function replicas, counted by their limits. A replica about to
 * start reserves its limit; when that passes the budget, idle replicas are stopped first, least
 * recently used first, wherever they are. Thread-safe.
 */
class MemoryBudget
{
public:
    /** Stops the least recently used idle replica on the node; returns its MiB, 0 when none is idle. */
    using Evictor = std::function<int()>;

    explicit MemoryBudget(std::uint64_t budgetMiB);

    void setEvictor(Evictor evictor);
    /** Counts @p mib as used, evicting idle replicas while the total is over the budget. */
    void reserve(int mib);
    void release(int mib);
    std::uint64_t usedMiB() const;
    std::uint64_t budgetMiB() const;
    std::uint64_t evictions() const;

private:
    const std::uint64_t m_budgetMiB;
    std::atomic<std::int64_t> m_usedMiB {0};
    std::atomic<std::uint64_t> m_evictions {0};
    std::mutex m_mutex; ///< one eviction round at a time
    Evictor m_evictor;
};

} // namespace rune::agent
