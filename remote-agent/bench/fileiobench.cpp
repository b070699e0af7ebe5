// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/fileiobench.h"

#include "bench/benchparameters.h"
#include "benchprotocol.h"
#include "runtime/process.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <random>
#include <unistd.h>

namespace rune::agent
{

namespace
{

namespace metrics = protocol::benchmetrics;
namespace units = protocol::benchunits;

constexpr std::size_t blockBytes = 16 * 1024;
// O_DIRECT wants buffers and offsets aligned to the device's logical block; 4 KiB covers them all.
constexpr std::size_t alignment = 4096;

struct FreeDeleter {
    void operator()(void *memory) const
    {
        std::free(memory);
    }
};
using AlignedBuffer = std::unique_ptr<char, FreeDeleter>;

AlignedBuffer alignedBuffer(std::size_t bytes)
{
    auto buffer = AlignedBuffer(static_cast<char *>(std::aligned_alloc(alignment, bytes)));
    if (buffer)
        std::memset(buffer.get(), 0x5a, bytes);
    return buffer;
}

std::string failure(const std::string &what)
{
    return what + " on the temporary file failed: " + std::strerror(errno);
}

/**
 * Opens the file bypassing the page cache where the file system allows it (O_DIRECT), so reads
 * measure the disk. Where it does not (tmpfs, some network and FUSE file systems) the file is
 * opened buffered: the cache is dropped after the file is written (POSIX_FADV_DONTNEED), so
 * reads start cold, but a block read twice comes from memory and the figures are partly warm.
 */
UniqueFd openScratchFile(const std::filesystem::path &path)
{
    const int flags = O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC;
    UniqueFd file(::open(path.c_str(), flags | O_DIRECT, 0600));
    if (!file && errno == EINVAL)
        file = UniqueFd(::open(path.c_str(), flags, 0600));
    return file;
}

std::expected<void, std::string> fillFile(int fd, std::size_t bytes, BenchControl &control)
{
    control.beginPhase(0);
    const AlignedBuffer buffer = alignedBuffer(mebibyte);
    if (!buffer)
        return std::unexpected("could not allocate the write buffer");
    for (std::size_t offset = 0; offset < bytes && !control.cancelled(); offset += mebibyte) {
        if (::pwrite(fd, buffer.get(), mebibyte, off_t(offset)) != ssize_t(mebibyte))
            return std::unexpected(failure("writing"));
        control.setPhaseProgress(double(offset) / double(bytes));
    }
    if (::fdatasync(fd) != 0)
        return std::unexpected(failure("fdatasync"));
    ::posix_fadvise(fd, 0, off_t(bytes), POSIX_FADV_DONTNEED);
    return {};
}

enum class Access { read, write, writeAndSync };

/** Operations of one kind at random 16 KiB blocks until the phase is over; how many were done. */
std::expected<std::uint64_t, std::string> randomAccess(
    int fd, std::size_t fileBytes, Access access, char *buffer, const BenchControl &control)
{
    std::mt19937_64 random(std::random_device {}());
    std::uniform_int_distribution<std::size_t> block(0, fileBytes / blockBytes - 1);
    std::uint64_t operations = 0;
    while (!control.phaseOver()) {
        const auto offset = off_t(block(random) * blockBytes);
        const ssize_t done =
            access == Access::read ? ::pread(fd, buffer, blockBytes, offset) : ::pwrite(fd, buffer, blockBytes, offset);
        if (done != ssize_t(blockBytes))
            return std::unexpected(failure(access == Access::read ? "reading" : "writing"));
        if (access == Access::writeAndSync && ::fdatasync(fd) != 0)
            return std::unexpected(failure("fdatasync"));
        ++operations;
    }
    return operations;
}

void addFigures(std::vector<BenchResult> &results,
    const char *throughput,
    const char *iops,
    std::uint64_t operations,
    const BenchControl &control)
{
    const double seconds = std::chrono::duration<double>(control.phaseElapsed()).count();
    const double perSecond = double(operations) / seconds;
    results.push_back({throughput, perSecond * blockBytes / mebibyte, units::mibPerSecond, {}, {}});
    results.push_back({iops, perSecond, units::iops, {}, {}});
}

} // namespace

BenchOutcome runFileioBench(const BenchParameters &parameters, BenchControl &control)
{
    std::error_code error;
    std::filesystem::create_directories(control.scratch(), error);
    if (error)
        return std::unexpected("cannot create " + control.scratch().string() + ": " + error.message());
    // The runner empties the scratch directory after the run, whatever its end.
    const UniqueFd file = openScratchFile(control.scratch() / "fileio.tmp");
    if (!file)
        return std::unexpected(failure("creating"));
    const std::size_t fileBytes = std::size_t(parameters.fileMiB) * mebibyte;
    if (auto filled = fillFile(file.get(), fileBytes, control); !filled || control.cancelled())
        return filled ? BenchOutcome(std::vector<BenchResult> {}) : std::unexpected(filled.error());
    const AlignedBuffer buffer = alignedBuffer(blockBytes);
    if (!buffer)
        return std::unexpected("could not allocate the block buffer");
    struct Phase {
        Access access;
        const char *throughput;
        const char *iops;
    };
    const Phase phases[] = {{Access::read, metrics::fileRead, metrics::fileReadIops},
        {Access::write, metrics::fileWrite, metrics::fileWriteIops},
        {Access::writeAndSync, metrics::fileWriteFsync, metrics::fileWriteFsyncIops}};
    std::vector<BenchResult> results;
    for (int index = 0; index < 3 && !control.cancelled(); ++index) {
        control.beginPhase(index + 1, std::chrono::seconds(parameters.seconds));
        const auto operations = randomAccess(file.get(), fileBytes, phases[index].access, buffer.get(), control);
        if (!operations)
            return std::unexpected(operations.error());
        addFigures(results, phases[index].throughput, phases[index].iops, *operations, control);
    }
    return results;
}

} // namespace rune::agent
