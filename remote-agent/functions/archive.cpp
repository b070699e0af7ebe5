// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/archive.h"

#include <archive.h>
#include <archive_entry.h>
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

std::string entryError(std::string_view entry, std::string_view why)
{
    return "archive entry '" + std::string(entry) + "' " + std::string(why);
}

// Writes one regular file; O_EXCL|O_NOFOLLOW so an earlier entry can never redirect the write.
std::expected<std::uint64_t, std::string> writeFile(
    archive *reader, const std::filesystem::path &target, std::string_view name, std::uint64_t budget)
{
    const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return std::unexpected(entryError(name, "cannot be written (duplicate or blocked path)"));
    std::uint64_t written = 0;
    const void *block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int status;
    while ((status = archive_read_data_block(reader, &block, &size, &offset)) == ARCHIVE_OK) {
        written += size;
        if (written > budget || ::pwrite(fd, block, size, offset) != ssize_t(size)) {
            ::close(fd);
            return std::unexpected(written > budget ? std::string("archive unpacks to more than the allowed size")
                                                    : entryError(name, "could not be written to disk"));
        }
    }
    ::close(fd);
    if (status != ARCHIVE_EOF)
        return std::unexpected(entryError(name, std::string("is damaged: ") + archive_error_string(reader)));
    return written;
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
        auto written = writeFile(job.reader, target, name, job.limits.maxTotalBytes - job.stats.bytes);
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
        return std::unexpected(std::string("not a tar or tar.gz archive: ") + archive_error_string(reader.get()));
    Extraction job {reader.get(), destination, limits, {}};
    archive_entry *entry = nullptr;
    int status;
    while ((status = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK) {
        if (auto extracted = extractEntry(job, entry); !extracted)
            return std::unexpected(extracted.error());
    }
    if (status != ARCHIVE_EOF)
        return std::unexpected(std::string("not a valid tar or tar.gz archive: ") + archive_error_string(reader.get()));
    if (job.stats.files == 0)
        return std::unexpected(std::string("archive is empty"));
    return job.stats;
}

} // namespace rune::agent
