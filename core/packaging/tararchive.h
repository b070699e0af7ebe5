// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

namespace rune
{

/** One file of a function's code: its path inside the function, its bytes and its execute bit. */
struct CodeFile {
    QString path; ///< relative, '/'-separated, no "." or ".." parts
    QByteArray data;
    bool executable = false; ///< kept through packaging, so exec handlers stay runnable

    bool operator==(const CodeFile &) const = default;
};

/**
 * Checks a path for a file of a function: relative, '/'-separated, at most 255 bytes of UTF-8,
 * no empty, "." or ".." parts, no NUL or backslash.
 *
 * @return empty if valid, else a sentence naming the problem.
 */
QString codePathProblem(const QString &path);

/**
 * A POSIX ustar archive of @p files, uncompressed, sorted by path so that the same files always
 * make the same bytes (modification times, owners and groups are zero). Directories are implied
 * by the paths, as the agent accepts. Fails with "package.bad_path" naming the first path that
 * codePathProblem() refuses, or one too long for ustar's name and prefix fields.
 */
Result<QByteArray> makeTar(QList<CodeFile> files);

/** @p data in gzip format (RFC 1952), deflated with zlib through qCompress(). */
QByteArray gzip(const QByteArray &data, int level = 6);

/** The CRC-32 of @p data as gzip and zip use it (polynomial 0xEDB88320). */
quint32 crc32(const QByteArray &data);

} // namespace rune

Q_DECLARE_METATYPE(rune::CodeFile)
