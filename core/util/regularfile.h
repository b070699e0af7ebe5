// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QString>

namespace rune
{

/** Whether readRegularFile() may follow a symbolic link at the path itself. */
enum class FileLinks { Follow, Refuse };

/**
 * The contents of the regular file @p path, for files the user names (a function's folder, a host
 * list, a price table). Never waits: a named pipe, a socket or a device is refused at once, as is
 * a file larger than @p maxBytes (read no further) and, with FileLinks::Refuse, a link. Fails with
 * "file.unreadable", "file.not_regular" or "file.too_large", and a message naming the file. A
 * resource of the program (":/…") is read as it is.
 */
Result<QByteArray> readRegularFile(const QString &path, qint64 maxBytes, FileLinks links = FileLinks::Follow);

/**
 * Up to the first @p bytes of the regular file @p path (its magic number), refused at once as
 * readRegularFile() refuses: a pipe, a socket or a device. Not for resources.
 */
Result<QByteArray> readRegularFileStart(const QString &path, qint64 bytes);

} // namespace rune
