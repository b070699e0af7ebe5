// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/regularfile.h"

#include <QCoreApplication>
#include <QFile>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString translated(const char *text)
{
    return QCoreApplication::translate("rune::RegularFile", text);
}

/** @p path opened for reading if it is a regular file, without waiting on anything else. */
Result<std::unique_ptr<QFile>> openRegular(const QString &path, FileLinks links, qint64 *size)
{
    // O_NONBLOCK: opening a pipe for reading would otherwise wait for a writer.
    const int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (links == FileLinks::Refuse ? O_NOFOLLOW : 0);
    const int fd = ::open(QFile::encodeName(path).constData(), flags);
    if (fd < 0) {
        const int error = errno;
        if (error == ELOOP && links == FileLinks::Refuse)
            return fail(u"file.not_regular"_s, translated("%1 is a symbolic link, which is not followed.").arg(path));
        return fail(u"file.unreadable"_s,
            translated("Cannot read %1: %2.").arg(path, QString::fromLocal8Bit(std::strerror(error))));
    }
    struct stat status {
    };
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
        ::close(fd);
        return fail(
            u"file.not_regular"_s, translated("%1 is not a regular file (a pipe, a socket or a device).").arg(path));
    }
    auto file = std::make_unique<QFile>();
    if (!file->open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        return fail(u"file.unreadable"_s, translated("Cannot read %1: %2.").arg(path, file->errorString()));
    }
    *size = qint64(status.st_size);
    return file;
}

} // namespace

Result<QByteArray> readRegularFile(const QString &path, qint64 maxBytes, FileLinks links)
{
    // A file compiled into the program (":/pricing/…") is in memory: nothing to wait on.
    if (path.startsWith(u':')) {
        QFile resource(path);
        if (!resource.open(QIODevice::ReadOnly))
            return fail(u"file.unreadable"_s, translated("Cannot read %1: %2.").arg(path, resource.errorString()));
        if (resource.size() > maxBytes)
            return fail(u"file.too_large"_s, translated("%1 is larger than %2 bytes.").arg(path).arg(maxBytes));
        return resource.readAll();
    }
    qint64 size = 0;
    auto file = openRegular(path, links, &size);
    if (!file)
        return std::unexpected(file.error());
    if (size > maxBytes)
        return fail(u"file.too_large"_s, translated("%1 is larger than %2 bytes.").arg(path).arg(maxBytes));
    // What it held when looked at: one that grows meanwhile is not read past that.
    QByteArray bytes = (*file)->read(size);
    if ((*file)->error() != QFileDevice::NoError)
        return fail(u"file.unreadable"_s, translated("Cannot read %1: %2.").arg(path, (*file)->errorString()));
    return bytes;
}

Result<QByteArray> readRegularFileStart(const QString &path, qint64 bytes)
{
    qint64 size = 0;
    auto file = openRegular(path, FileLinks::Follow, &size);
    if (!file)
        return std::unexpected(file.error());
    QByteArray start = (*file)->read(std::min(bytes, size));
    if ((*file)->error() != QFileDevice::NoError)
        return fail(u"file.unreadable"_s, translated("Cannot read %1: %2.").arg(path, (*file)->errorString()));
    return start;
}

} // namespace rune
