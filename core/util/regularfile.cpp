// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/regularfile.h"

#include <QCoreApplication>
#include <QFile>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace rune
{

Result<QByteArray> readRegularFile(const QString &path, qint64 maxBytes, FileLinks links)
{
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("rune::RegularFile", text);
    };
    // A file compiled into the program (":/pricing/…") is in memory: nothing to wait on.
    if (path.startsWith(u':')) {
        QFile resource(path);
        if (!resource.open(QIODevice::ReadOnly))
            return fail(u"file.unreadable"_s, tr("Cannot read %1: %2.").arg(path, resource.errorString()));
        if (resource.size() > maxBytes)
            return fail(u"file.too_large"_s, tr("%1 is larger than %2 bytes.").arg(path).arg(maxBytes));
        return resource.readAll();
    }
    // O_NONBLOCK: opening a pipe for reading would otherwise wait for a writer.
    const int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (links == FileLinks::Refuse ? O_NOFOLLOW : 0);
    const int fd = ::open(QFile::encodeName(path).constData(), flags);
    if (fd < 0) {
        const int error = errno;
        if (error == ELOOP && links == FileLinks::Refuse)
            return fail(u"file.not_regular"_s, tr("%1 is a symbolic link, which is not followed.").arg(path));
        return fail(
            u"file.unreadable"_s, tr("Cannot read %1: %2.").arg(path, QString::fromLocal8Bit(std::strerror(error))));
    }
    struct stat status {
    };
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
        ::close(fd);
        return fail(u"file.not_regular"_s, tr("%1 is not a regular file (a pipe, a socket or a device).").arg(path));
    }
    if (status.st_size > maxBytes) {
        ::close(fd);
        return fail(u"file.too_large"_s, tr("%1 is larger than %2 bytes.").arg(path).arg(maxBytes));
    }
    QFile file;
    if (!file.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        return fail(u"file.unreadable"_s, tr("Cannot read %1: %2.").arg(path, file.errorString()));
    }
    // What it held when looked at: one that grows meanwhile is not read past that.
    QByteArray bytes = file.read(qint64(status.st_size));
    if (file.error() != QFileDevice::NoError)
        return fail(u"file.unreadable"_s, tr("Cannot read %1: %2.").arg(path, file.errorString()));
    return bytes;
}

} // namespace rune
