// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/archive.h"

#include <algorithm>
#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace rune::agent
{

namespace
{

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

std::vector<std::string_view> components(std::string_view path)
{
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        const auto slash = path.find('/');
        const auto part = path.substr(0, slash);
        if (!part.empty() && part != ".")
            parts.push_back(part);
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    }
    return parts;
}

// libarchive's reason for the last failure; it may have none.
std::string errorText(archive *reader)
{
    const char *text = archive_error_string(reader);
    return text ? text : "unknown error";
}

std::string entryError(std::string_view entry, std::string_view why)
{
    return "archive entry '" + std::string(entry) + "' " + std::string(why);
}

std::string tooLarge(std::uint64_t limit)
{
    return "archive unpacks to more than the allowed size of " + std::to_string(limit) + " bytes";
}

// What a regular file costs before any byte is read: the size its header claims (for a sparse
// file, its real size with the holes), and sparse files are refused.
std::expected<void, std::string> checkDeclaredSize(
    archive_entry *entry, std::string_view name, std::uint64_t budget, std::uint64_t limit)
{
    if (archive_entry_sparse_count(entry) > 0)
        return std::unexpected(entryError(name, "is stored as a sparse file; store it as a regular file instead"));
    if (archive_entry_size_is_set(entry) && archive_entry_size(entry) > 0
        && std::uint64_t(archive_entry_size(entry)) > budget)
        return std::unexpected(tooLarge(limit));
    return {};
}

// Writes one regular file; O_EXCL|O_NOFOLLOW so an earlier entry can never redirect the write.
// Counts the file's extent (the end of its furthest block), not only the bytes read, so data
// placed far out by an offset cannot slip past the limit. Returns what the file costs.
std::expected<std::uint64_t, std::string> writeFile(archive *reader,
    archive_entry *entry,
    const std::filesystem::path &target,
    std::string_view name,
    std::uint64_t budget,
    std::uint64_t limit)
{
    if (auto declared = checkDeclaredSize(entry, name, budget, limit); !declared)
        return std::unexpected(declared.error());
    const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return std::unexpected(entryError(name, "cannot be written (duplicate or blocked path)"));
    std::uint64_t extent = 0;
    const void *block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int status;
    while ((status = archive_read_data_block(reader, &block, &size, &offset)) == ARCHIVE_OK) {
        if (offset < 0 || std::uint64_t(offset) > budget || size > budget - std::uint64_t(offset)) {
            ::close(fd);
            return std::unexpected(offset < 0 ? entryError(name, "is damaged (negative offset)") : tooLarge(limit));
        }
        extent = std::max(extent, std::uint64_t(offset) + size);
        if (const ssize_t wrote = ::pwrite(fd, block, size, offset); wrote != ssize_t(size)) {
            // A short write to a regular file means the disk filled up.
            const std::string reason = wrote < 0 ? std::strerror(errno) : std::strerror(ENOSPC);
            ::close(fd);
            return std::unexpected(entryError(name, "could not be written to disk: " + reason));
        }
    }
    ::close(fd);
    if (status != ARCHIVE_EOF)
        return std::unexpected(entryError(name, std::string("is damaged: ") + errorText(reader)));
    // Sparse maps stored in the data (PAX 1.0) are only known once it was read.
    if (auto declared = checkDeclaredSize(entry, name, budget, limit); !declared)
        return std::unexpected(declared.error());
    return extent;
}

std::expected<void, std::string> checkLink(archive_entry *entry, std::string_view name)
{
    if (archive_entry_hardlink(entry) != nullptr) {
        return std::unexpected(entryError(name, "is a hard link; store a copy of the file instead"));
    }
    return {};
}

std::expected<void, std::string> makeSymlink(
    archive_entry *entry, const std::filesystem::path &target, std::string_view name)
{
    const char *to = archive_entry_symlink(entry);
    if (to == nullptr || !staysInside(to))
        return std::unexpected(entryError(name, "is a symbolic link pointing outside the function"));
    if (::symlink(to, target.c_str()) != 0)
        return std::unexpected(entryError(name, "cannot be created (duplicate path)"));
    return {};
}

struct Extraction {
    archive *reader;
    const std::filesystem::path &root;
    const ArchiveLimits &limits;
    ArchiveStats stats;
};

std::expected<void, std::string> extractEntry(Extraction &job, archive_entry *entry)
{
    const std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (name.empty() || name.front() == '/' || !staysInside(name))
        return std::unexpected(entryError(name, "has an absolute path or leaves the function with '..'"));
    if (++job.stats.files > job.limits.maxFiles)
        return std::unexpected("archive holds more than " + std::to_string(job.limits.maxFiles) + " files");
    if (auto link = checkLink(entry, name); !link)
        return link;
    const auto target = job.root / std::filesystem::path(name).lexically_normal();
    std::error_code error;
    // Archives need not list parent directories before their files.
    std::filesystem::create_directories(target.parent_path(), error);
    switch (archive_entry_filetype(entry)) {
    case AE_IFDIR: {
        std::filesystem::create_directories(target, error);
        return error ? std::unexpected(entryError(name, "cannot be created as a directory"))
                     : std::expected<void, std::string>();
    }
    case AE_IFREG: {
        auto written = writeFile(
            job.reader, entry, target, name, job.limits.maxTotalBytes - job.stats.bytes, job.limits.maxTotalBytes);
        if (!written)
            return std::unexpected(written.error());
        job.stats.bytes += *written;
        // Keep the owner's execute bit (scripts for the exec runtime); drop setuid and friends.
        ::chmod(target.c_str(), (archive_entry_perm(entry) & 0100) ? 0755 : 0644);
        return {};
    }
    case AE_IFLNK:
        return makeSymlink(entry, target, name);
    default:
        return std::unexpected(entryError(name,
            "is a device, FIFO or socket; only files, directories and links "
            "are allowed"));
    }
}

} // namespace

bool staysInside(std::string_view path)
{
    // No '..' at all, not even one that lexically stays inside: after a link, '..' climbs
    // from the link's target, so only a path without it is known to stay below the root.
    if (path.empty() || path.front() == '/')
        return false;
    for (const auto part : components(path)) {
        if (part == "..")
            return false;
    }
    return true;
}

std::expected<ArchiveStats, std::string> extractArchive(
    std::string_view data, const std::filesystem::path &destination, const ArchiveLimits &limits)
{
    ArchivePtr reader(archive_read_new(), &archive_read_free);
    archive_read_support_filter_gzip(reader.get());
    archive_read_support_format_tar(reader.get());
    if (archive_read_open_memory(reader.get(), data.data(), data.size()) != ARCHIVE_OK)
        return std::unexpected(std::string("not a tar or tar.gz archive: ") + errorText(reader.get()));
    Extraction job {reader.get(), destination, limits, {}};
    archive_entry *entry = nullptr;
    int status;
    while ((status = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK) {
        if (auto extracted = extractEntry(job, entry); !extracted)
            return std::unexpected(extracted.error());
    }
    if (status != ARCHIVE_EOF)
        return std::unexpected(std::string("not a valid tar or tar.gz archive: ") + errorText(reader.get()));
    if (job.stats.files == 0)
        return std::unexpected(std::string("archive is empty"));
    return job.stats;
}

} // namespace rune::agent
