// SPDX-License-Identifier: GPL-3.0-or-later
// Function archives unpacked for real into a temporary directory under small limits: nothing
// may crash, and what lands on disk must stay inside the directory and within the limits,
// whatever the headers claim (sparse maps, offsets, sizes, links).

#include "functions/archive.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <sys/stat.h>

using namespace rune::agent;
namespace fs = std::filesystem;

namespace
{

constexpr ArchiveLimits limits {1u << 20, 64};

const fs::path &scratch()
{
    static const fs::path root = [] {
        char pattern[] = "/tmp/fuzz_archive.XXXXXX";
        const char *made = ::mkdtemp(pattern);
        if (!made)
            std::abort();
        return fs::path(made);
    }();
    return root;
}

// What the unpacked tree holds on disk; aborts on anything that is neither file, directory nor
// a link that stays inside.
void checkTree(const fs::path &root)
{
    std::uint64_t bytes = 0;
    std::uint64_t entries = 0;
    std::error_code error;
    for (auto it = fs::recursive_directory_iterator(root, error); !error && it != fs::recursive_directory_iterator();
         it.increment(error)) {
        struct stat info {
        };
        if (::lstat(it->path().c_str(), &info) != 0)
            continue;
        ++entries;
        if (S_ISREG(info.st_mode)) {
            bytes += std::uint64_t(info.st_size);
            if ((info.st_mode & (S_ISUID | S_ISGID)) != 0)
                __builtin_trap();
        } else if (S_ISLNK(info.st_mode)) {
            const fs::path target = fs::read_symlink(it->path(), error);
            if (!error && !staysInside(target.string()))
                __builtin_trap();
        } else if (!S_ISDIR(info.st_mode)) {
            __builtin_trap();
        }
    }
    // Directories an archive implies are not counted as files, so allow them on top.
    if (bytes > limits.maxTotalBytes)
        __builtin_trap();
    (void)entries;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const fs::path destination = scratch() / "code";
    std::error_code error;
    fs::remove_all(destination, error);
    fs::create_directories(destination, error);
    const auto extracted =
        extractArchive(std::string_view(reinterpret_cast<const char *>(data), size), destination, limits);
    if (extracted && (extracted->files > limits.maxFiles || extracted->bytes > limits.maxTotalBytes))
        __builtin_trap();
    checkTree(destination);
    fs::remove_all(destination, error);
    return 0;
}
