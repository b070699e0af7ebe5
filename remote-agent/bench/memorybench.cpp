// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/memorybench.h"

#include "bench/benchparameters.h"
#include "benchprotocol.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <new>
#include <span>

namespace rune::agent
{

namespace
{

using Word = std::uint64_t;
// The step between two looks at the clock: well under a millisecond of copying.
constexpr std::size_t wordsPerStep = mebibyte / sizeof(Word);

// Where the sums of the read passes end up, so no optimiser can prove the reads unused.
std::atomic<Word> readSink {0};

Word sumOf(std::span<const Word> words)
{
    // Four sums at once: the loop is bound by memory, not by one long chain of additions.
    Word sums[4] = {};
    std::size_t index = 0;
    for (; index + 4 <= words.size(); index += 4) {
        for (std::size_t lane = 0; lane < 4; ++lane)
            sums[lane] += words[index + lane];
    }
    for (; index < words.size(); ++index)
        sums[0] += words[index];
    return sums[0] ^ sums[1] ^ sums[2] ^ sums[3];
}

/**
 * Passes over @p buffer in steps until the phase is over; @p step does one step's words.
 * Returns the bytes done.
 */
template <typename Step> std::size_t passUntilOver(std::span<Word> buffer, const BenchControl &control, Step step)
{
    std::size_t bytes = 0;
    for (std::size_t offset = 0; !control.phaseOver(); offset = (offset + wordsPerStep) % buffer.size()) {
        const auto words = buffer.subspan(offset, std::min(wordsPerStep, buffer.size() - offset));
        step(words);
        bytes += words.size_bytes();
    }
    return bytes;
}

double mibPerSecond(std::size_t bytes, const BenchControl &control)
{
    return double(bytes) / double(mebibyte) / std::chrono::duration<double>(control.phaseElapsed()).count();
}

/** Touches every page first: the kernel's page faults are not the memory's speed. */
bool touchPages(std::span<Word> buffer, BenchControl &control)
{
    control.beginPhase(0);
    for (std::size_t offset = 0; offset < buffer.size(); offset += wordsPerStep) {
        if (control.cancelled())
            return false;
        const auto words = buffer.subspan(offset, std::min(wordsPerStep, buffer.size() - offset));
        std::fill(words.begin(), words.end(), Word(offset));
        control.setPhaseProgress(double(offset) / double(buffer.size()));
    }
    return true;
}

} // namespace

BenchOutcome runMemoryBench(const BenchParameters &parameters, BenchControl &control)
{
    namespace metrics = protocol::benchmetrics;
    const std::size_t words = std::size_t(parameters.bufferMiB) * mebibyte / sizeof(Word);
    const std::unique_ptr<Word[]> storage(new (std::nothrow) Word[words]);
    if (!storage)
        return std::unexpected("could not allocate " + std::to_string(parameters.bufferMiB) + " MiB");
    const std::span<Word> buffer(storage.get(), words);
    if (!touchPages(buffer, control))
        return std::vector<BenchResult> {};
    const auto phase = std::chrono::seconds(parameters.seconds);
    control.beginPhase(1, phase);
    Word pattern = 0;
    const std::size_t written = passUntilOver(buffer, control, [&pattern](std::span<Word> step) {
        std::fill(step.begin(), step.end(), ++pattern);
    });
    const double writeRate = mibPerSecond(written, control);
    if (control.cancelled())
        return std::vector<BenchResult> {};
    control.beginPhase(2, phase);
    Word sum = 0;
    const std::size_t read = passUntilOver(buffer, control, [&sum](std::span<Word> step) {
        sum += sumOf(step);
    });
    const double readRate = mibPerSecond(read, control);
    readSink.fetch_add(sum, std::memory_order_relaxed);
    return std::vector<BenchResult> {{metrics::memoryRead, readRate, protocol::benchunits::mibPerSecond, {}, {}},
        {metrics::memoryWrite, writeRate, protocol::benchunits::mibPerSecond, {}, {}}};
}

} // namespace rune::agent
