// SPDX-License-Identifier: GPL-3.0-or-later
// A minimal ustar writer and gzip framing around qCompress(): the console packages function
// code without libarchive or an external tar.
#include "packaging/tararchive.h"

#include <QCoreApplication>
#include <QStringList>
#include <algorithm>
#include <array>
#include <cstring>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::Package", text);
}

constexpr int blockSize = 512;

/** Writes @p value as a zero-padded octal number filling @p width - 1 digits and a NUL. */
void putOctal(char *field, int width, qint64 value)
{
    const QByteArray digits = QByteArray::number(value, 8).rightJustified(width - 1, '0');
    std::memcpy(field, digits.constData(), size_t(width - 1));
    field[width - 1] = '\0';
}

/** Splits a UTF-8 path into ustar's prefix (155) and name (100) fields; false when it cannot. */
bool splitPath(const QByteArray &path, QByteArray &prefix, QByteArray &name)
{
    if (path.size() <= 100) {
        name = path;
        return true;
    }
    // The split must fall on a '/', with the part after it fitting into name.
    for (qsizetype slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
        if (slash <= 155 && path.size() - slash - 1 <= 100 && path.size() - slash - 1 > 0) {
            prefix = path.left(slash);
            name = path.mid(slash + 1);
            return true;
        }
    }
    return false;
}

QByteArray header(const QByteArray &prefix, const QByteArray &name, const CodeFile &file)
{
    QByteArray block(blockSize, '\0');
    char *h = block.data();
    std::memcpy(h, name.constData(), size_t(name.size()));
    putOctal(h + 100, 8, file.executable ? 0755 : 0644);
    putOctal(h + 108, 8, 0); // uid
    putOctal(h + 116, 8, 0); // gid
    putOctal(h + 124, 12, file.data.size());
    putOctal(h + 136, 12, 0); // mtime: fixed, so equal files make equal archives
    std::memset(h + 148, ' ', 8); // the checksum counts its own field as spaces
    h[156] = '0'; // regular file
    std::memcpy(h + 257,
        "ustar\0"
        "00",
        8);
    std::memcpy(h + 345, prefix.constData(), size_t(prefix.size()));
    unsigned int sum = 0;
    for (int i = 0; i < blockSize; ++i)
        sum += static_cast<unsigned char>(h[i]);
    putOctal(h + 148, 7, sum); // six digits, NUL, and the space that is already there
    return block;
}

} // namespace

QString codePathProblem(const QString &path)
{
    if (path.isEmpty())
        return tr("a file needs a name");
    if (path.contains(u'\\') || path.contains(QChar(u'\0')))
        return tr("the file name \"%1\" must not contain a backslash or a NUL character").arg(path);
    if (path.startsWith(u'/'))
        return tr("the file name \"%1\" must be relative to the function, not start with '/'").arg(path);
    const QStringList parts = path.split(u'/');
    for (const QString &part : parts) {
        if (part.isEmpty() || part == u"."_s || part == u".."_s)
            return tr("the file name \"%1\" must not contain empty, '.' or '..' parts").arg(path);
    }
    if (path.toUtf8().size() > 255)
        return tr("the file name \"%1\" is longer than 255 bytes").arg(path);
    return {};
}

Result<QByteArray> makeTar(QList<CodeFile> files)
{
    std::sort(files.begin(), files.end(), [](const CodeFile &a, const CodeFile &b) {
        return a.path < b.path;
    });
    QByteArray out;
    for (const CodeFile &file : std::as_const(files)) {
        if (const QString problem = codePathProblem(file.path); !problem.isEmpty())
            return fail(u"package.bad_path"_s, problem);
        QByteArray prefix, name;
        if (!splitPath(file.path.toUtf8(), prefix, name))
            return fail(u"package.bad_path"_s,
                tr("the file name \"%1\" cannot be stored in a tar archive: a part of it is longer than 100 bytes")
                    .arg(file.path));
        out += header(prefix, name, file);
        out += file.data;
        out += QByteArray((blockSize - file.data.size() % blockSize) % blockSize, '\0');
    }
    out += QByteArray(2 * blockSize, '\0'); // end of archive
    return out;
}

quint32 crc32(const QByteArray &data)
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t {};
        for (quint32 n = 0; n < 256; ++n) {
            quint32 c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    quint32 crc = 0xFFFFFFFFu;
    for (const char byte : data)
        crc = table[(crc ^ static_cast<unsigned char>(byte)) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

QByteArray gzip(const QByteArray &data, int level)
{
    // qCompress: 4 bytes of length, then a zlib stream (2-byte header, deflate, 4-byte Adler-32).
    const QByteArray zlib = qCompress(data, level);
    const QByteArray deflate = zlib.mid(4 + 2, zlib.size() - 4 - 2 - 4);
    QByteArray out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10); // no name, no mtime, unknown OS
    out += deflate;
    const auto appendLittleEndian = [&out](quint32 value) {
        for (int i = 0; i < 4; ++i)
            out += char((value >> (8 * i)) & 0xFF);
    };
    appendLittleEndian(crc32(data));
    appendLittleEndian(quint32(data.size()));
    return out;
}

} // namespace rune
