// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/embeddedfiles.h"

#include <fstream>

namespace rune::agent
{

namespace fs = std::filesystem;

namespace
{

bool holds(const fs::path &file, std::string_view content)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return false;
    std::string existing(content.size() + 1, '\0'); // one more: a longer file differs too
    in.read(existing.data(), std::streamsize(existing.size()));
    return std::size_t(in.gcount()) == content.size() && std::string_view(existing.data(), content.size()) == content;
}

std::expected<void, std::string> install(const fs::path &target, std::string_view content)
{
    std::error_code error;
    fs::create_directories(target.parent_path(), error);
    if (error)
        return std::unexpected("cannot create " + target.parent_path().string() + ": " + error.message());
    const fs::path temporary = target.string() + ".new";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(content.data(), std::streamsize(content.size()));
        if (!out.flush()) {
            fs::remove(temporary, error);
            return std::unexpected("cannot write " + temporary.string());
        }
    }
    fs::permissions(temporary, fs::perms(0644), error);
    fs::rename(temporary, target, error);
    if (error)
        return std::unexpected("cannot install " + target.string() + ": " + error.message());
    return {};
}

} // namespace

std::expected<fs::path, std::string> installRuntimeFiles(const fs::path &dir)
{
    std::error_code error;
    for (const EmbeddedFile &file : embeddedRuntimeFiles()) {
        const fs::path target = dir / file.path;
        // Written only when they differ: an agent restarted on a full disk finds them in place.
        if (!holds(target, file.content)) {
            if (auto installed = install(target, file.content); !installed)
                return std::unexpected(installed.error());
        }
        fs::permissions(target, fs::perms(0644), error);
        fs::permissions(target.parent_path(), fs::perms(0755), error);
    }
    fs::permissions(dir, fs::perms(0755), error);
    return dir;
}

} // namespace rune::agent
