// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QString>
#include <compare>
#include <optional>

namespace rune
{

/** A glibc release, 2.31 as {2, 31}; {0, 0} when a file needs no glibc symbol version at all. */
struct GlibcVersion {
    int major = 0;
    int minor = 0;

    auto operator<=>(const GlibcVersion &) const = default;
    QString text() const;
};

/**
 * The newest glibc a dynamically linked ELF file needs: the highest GLIBC_x.y among the symbol
 * versions it requires (what `objdump -T` shows), read from the file itself so that it is right
 * for whichever agent build the console installs. An error says why the file cannot be read.
 */
Result<GlibcVersion> glibcNeededBy(const QString &elfFile);

/**
 * The glibc release in what a node printed for `getconf GNU_LIBC_VERSION` ("glibc 2.36") or the
 * first line of `ldd --version` ("ldd (Ubuntu GLIBC 2.35-0ubuntu3.1) 2.35", "ldd (GNU libc) 2.34");
 * none when it names no glibc (musl's ldd, no ldd at all).
 */
std::optional<GlibcVersion> parseGlibcVersion(const QString &printed);

/** The shell command that prints what parseGlibcVersion() reads, on any node. */
QString glibcProbeCommand();

/**
 * Empty when a node whose probe printed @p printed can run an agent that needs @p needed, else the
 * error that refuses it, naming both versions and the oldest releases of common distributions
 * that are new enough.
 */
std::optional<Error> refuseOlderGlibc(const QString &printed, GlibcVersion needed);

} // namespace rune
