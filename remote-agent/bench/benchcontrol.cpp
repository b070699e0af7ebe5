// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/benchcontrol.h"

#include <algorithm>
#include <sys/resource.h>
#include <unistd.h>

namespace rune::agent
{

BenchControl::BenchControl(const std::atomic<bool> &cancelled,
    std::atomic<double> &progress,
    int phases,
    bool lowPriority,
    std::filesystem::path scratch)
    : m_cancelled(cancelled)
    , m_progress(progress)
    , m_phases(std::max(phases, 1))
    , m_lowPriority(lowPriority)
    , m_scratch(std::move(scratch))
    , m_phaseStart(Clock::now())
{
}

bool BenchControl::cancelled() const
{
    return m_cancelled.load(std::memory_order_relaxed);
}

void BenchControl::beginPhase(int index, std::optional<Clock::duration> length)
{
    m_phase = std::clamp(index, 0, m_phases - 1);
    m_phaseLength = length;
    m_phaseStart = Clock::now();
    setPhaseProgress(0);
}

bool BenchControl::phaseOver() const
{
    if (cancelled())
        return true;
    if (!m_phaseLength)
        return false;
    const auto elapsed = phaseElapsed();
    setPhaseProgress(std::chrono::duration<double>(elapsed) / std::chrono::duration<double>(*m_phaseLength));
    return elapsed >= *m_phaseLength;
}

void BenchControl::setPhaseProgress(double fraction) const
{
    m_progress.store((m_phase + std::clamp(fraction, 0.0, 1.0)) / m_phases, std::memory_order_relaxed);
}

BenchControl::Clock::duration BenchControl::phaseElapsed() const
{
    return Clock::now() - m_phaseStart;
}

void BenchControl::applyPriority() const
{
    // On Linux a nice value belongs to the thread: only the benchmark's threads step aside, the
    // agent's I/O threads and the functions keep their share of the cores.
    if (m_lowPriority)
        ::setpriority(PRIO_PROCESS, id_t(::gettid()), 19);
}

const std::filesystem::path &BenchControl::scratch() const
{
    return m_scratch;
}

} // namespace rune::agent
