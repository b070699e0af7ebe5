// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/memorybudget.h"

namespace rune::agent
{

MemoryBudget::MemoryBudget(std::uint64_t budgetMiB)
    : m_budgetMiB(budgetMiB)
{
}

void MemoryBudget::setEvictor(Evictor evictor)
{
    const std::lock_guard lock(m_mutex);
    m_evictor = std::move(evictor);
}

void MemoryBudget::reserve(int mib)
{
    const std::int64_t used = m_usedMiB.fetch_add(mib) + mib;
    std::int64_t excess = used - std::int64_t(m_budgetMiB);
    if (excess <= 0)
        return;
    const std::lock_guard lock(m_mutex);
    // An evicted replica gives its memory back only once it has exited: count it as freed now,
    // or every start would evict far more than it needs.
    while (excess > 0 && m_evictor) {
        const int freed = m_evictor();
        if (freed <= 0)
            break;
        ++m_evictions;
        excess -= freed;
    }
}

void MemoryBudget::release(int mib)
{
    m_usedMiB.fetch_sub(mib);
}

std::uint64_t MemoryBudget::usedMiB() const
{
    return std::uint64_t(std::max<std::int64_t>(0, m_usedMiB.load()));
}

std::uint64_t MemoryBudget::budgetMiB() const
{
    return m_budgetMiB;
}

std::uint64_t MemoryBudget::evictions() const
{
    return m_evictions;
}

} // namespace rune::agent
