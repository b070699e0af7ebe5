// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/cpubench.h"

#include "bench/benchparameters.h"
#include "benchprotocol.h"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

namespace rune::agent
{

namespace
{

// Between two looks at the clock and the cancel flag: a few microseconds of work even at the
// largest max_prime, so a stop is noticed at once and the clock costs nothing measurable.
constexpr std::uint64_t candidatesPerCheck = 256;

/**
 * One event of sysbench's cpu test, as its documentation describes it: every number from 3 to
 * below @p maxPrime is tried against each divisor from 2 up to its square root, in 64-bit
 * integers. Returns the share of the candidates tried (1: the event is complete) and adds the
 * primes found to @p primes, so the compiler must do the work.
 */
double countPrimes(std::uint64_t maxPrime, const BenchControl &control, std::uint64_t &primes)
{
    for (std::uint64_t candidate = 3; candidate < maxPrime; ++candidate) {
        if (candidate % candidatesPerCheck == 0 && control.phaseOver())
            return double(candidate - 3) / double(maxPrime - 3);
        const double root = std::sqrt(double(candidate));
        std::uint64_t divisor = 2;
        while (double(divisor) <= root && candidate % divisor != 0)
            ++divisor;
        if (double(divisor) > root)
            ++primes;
    }
    return 1;
}

/** Events (complete counts, plus the share of the last one cut short) until the phase is over. */
double countEvents(std::uint64_t maxPrime, const BenchControl &control, std::uint64_t &primes)
{
    double events = 0;
    while (!control.phaseOver())
        events += countPrimes(maxPrime, control, primes);
    return events;
}

// Where the prime counts end up, so no optimiser can prove them unused.
std::atomic<std::uint64_t> primeSink {0};

double singleThreadRate(const BenchParameters &parameters, BenchControl &control)
{
    control.beginPhase(0, std::chrono::seconds(parameters.seconds));
    std::uint64_t primes = 0;
    const double events = countEvents(std::uint64_t(parameters.maxPrime), control, primes);
    primeSink.fetch_add(primes, std::memory_order_relaxed);
    return events / std::chrono::duration<double>(control.phaseElapsed()).count();
}

double multiThreadRate(const BenchParameters &parameters, BenchControl &control)
{
    control.beginPhase(1, std::chrono::seconds(parameters.seconds));
    std::vector<double> events(std::size_t(parameters.threads), 0.0);
    {
        std::vector<std::jthread> workers;
        for (std::size_t index = 0; index < events.size(); ++index) {
            workers.emplace_back([&, index] {
                control.applyPriority();
                std::uint64_t primes = 0;
                events[index] = countEvents(std::uint64_t(parameters.maxPrime), control, primes);
                primeSink.fetch_add(primes, std::memory_order_relaxed);
            });
        }
    }
    double total = 0;
    for (const double count : events)
        total += count;
    return total / std::chrono::duration<double>(control.phaseElapsed()).count();
}

} // namespace

BenchOutcome runCpuBench(const BenchParameters &parameters, BenchControl &control)
{
    namespace metrics = protocol::benchmetrics;
    const double single = singleThreadRate(parameters, control);
    if (control.cancelled())
        return std::vector<BenchResult> {};
    const double multi = multiThreadRate(parameters, control);
    return std::vector<BenchResult> {{metrics::cpuSingle, single, protocol::benchunits::eventsPerSecond, {}, {}},
        {metrics::cpuMulti, multi, protocol::benchunits::eventsPerSecond, {}, {}}};
}

} // namespace rune::agent
