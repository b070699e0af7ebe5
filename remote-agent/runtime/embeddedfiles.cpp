// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/embeddedfiles.h"

#include <fstream>

namespace rune::agent
{

namespace fs = std::filesystem;

std::expected<fs::path, std::string> installRuntimeFiles(const fs::path &dir)
{
    std::error_code error;
    for (const EmbeddedFile &file : embeddedRuntimeFiles()) {
        const fs::path target = dir / file.path;
        fs::create_directories(target.parent_path(), error);
        if (error)
            return std::unexpected("cannot create " + target.parent_path().string() + ": " + error.message());
        const fs::path temporary = target.string() + ".new";
        {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            out.write(file.content.data(), std::streamsize(file.content.size()));
            if (!out.flush())
                return std::unexpected("cannot write " + temporary.string());
        }
        fs::permissions(temporary, fs::perms(0644), error);
        fs::rename(temporary, target, error);
        if (error)
            return std::unexpected("cannot install " + target.string() + ": " + error.message());
        fs::permissions(target.parent_path(), fs::perms(0755), error);
    }
    fs::permissions(dir, fs::perms(0755), error);
    return dir;
}

} // namespace rune::agent
