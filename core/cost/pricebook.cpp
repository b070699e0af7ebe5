// SPDX-License-Identifier: GPL-3.0-or-later
#include "cost/pricebook.h"

#include "util/regularfile.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace rune::cost
{

namespace
{

constexpr qint64 maxTableBytes = 4 << 20;

Result<QByteArray> readTableFile(const QString &path)
{
    auto bytes = readRegularFile(path, maxTableBytes);
    if (!bytes && bytes.error().code == u"file.too_large"_s)
        return fail(
            u"cost.bad_table"_s, u"%1: larger than %2 MiB"_s.arg(QFileInfo(path).fileName()).arg(maxTableBytes >> 20));
    if (!bytes)
        return fail(u"cost.unreadable"_s, bytes.error().message);
    return bytes;
}

Result<PriceTable> readTable(const QString &dir, const QString &name)
{
    const auto bytes = readTableFile(dir + u'/' + name);
    if (!bytes)
        return std::unexpected(bytes.error());
    return parsePriceTable(name, *bytes);
}

} // namespace

const PriceTable *PriceBook::table(const QString &file) const
{
    for (const PriceTable &candidate : tables) {
        if (candidate.file == file)
            return &candidate;
    }
    return nullptr;
}

Result<PriceBook> loadPriceBook(const QString &shippedDir, const QString &editsDir)
{
    PriceBook book;
    const QStringList files = QDir(shippedDir).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    if (files.isEmpty())
        return fail(u"cost.no_tables"_s, u"No price tables in %1."_s.arg(shippedDir));
    for (const QString &name : files) {
        auto shipped = readTable(shippedDir, name);
        if (!shipped)
            return std::unexpected(shipped.error());
        PriceTable table = *shipped;
        if (!editsDir.isEmpty() && QFileInfo::exists(editsDir + u'/' + name)) {
            auto edited = readTable(editsDir, name);
            if (edited) {
                table = *edited;
                book.edited.append(name);
            } else {
                book.problems.append(
                    u"Your edited %1 (in %2) could not be read, so the shipped prices are used: %3"_s.arg(
                        name, editsDir, edited.error().message));
            }
        }
        book.tables.append(table);
    }
    return book;
}

Result<void> saveEditedTable(const QString &editsDir, const PriceTable &table)
{
    if (!QDir().mkpath(editsDir))
        return fail(u"cost.unwritable"_s, u"Cannot make %1."_s.arg(editsDir));
    QSaveFile file(editsDir + u'/' + table.file);
    if (!file.open(QIODevice::WriteOnly) || file.write(priceTableJson(table)) < 0 || !file.commit())
        return fail(u"cost.unwritable"_s, u"Cannot save %1 in %2: %3"_s.arg(table.file, editsDir, file.errorString()));
    return {};
}

Result<void> resetTableToShipped(const QString &editsDir, const QString &file)
{
    const QString path = editsDir + u'/' + file;
    if (QFileInfo::exists(path) && !QFile::remove(path))
        return fail(u"cost.unwritable"_s, u"Cannot remove %1."_s.arg(path));
    return {};
}

} // namespace rune::cost
