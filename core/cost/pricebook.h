// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cost/pricetables.h"
#include "util/result.h"

#include <QList>
#include <QStringList>

namespace rune::cost
{

/**
 * The price tables in use: those shipped with the console, each replaced by the user's edited
 * copy when there is one. Edits live in the data directory, never over the shipped files.
 */
struct PriceBook {
    QList<PriceTable> tables; ///< in file-name order
    QStringList edited; ///< files whose edited copy is in use
    /** Edited copies that could not be read: named, left on disk untouched, the shipped table used. */
    QStringList problems;

    const PriceTable *table(const QString &file) const;
};

/**
 * Reads every table of @p shippedDir (":/pricing" in the console), each replaced by its copy in
 * @p editsDir when that exists and reads well. A damaged shipped table fails the whole load with
 * "cost.bad_table". Reads files: call it off the UI thread.
 */
Result<PriceBook> loadPriceBook(const QString &shippedDir, const QString &editsDir);

/** Writes @p table as the edited copy in @p editsDir (made if missing), atomically. */
Result<void> saveEditedTable(const QString &editsDir, const PriceTable &table);

/** Removes the edited copy of @p file, so the shipped table is used again. */
Result<void> resetTableToShipped(const QString &editsDir, const QString &file);

} // namespace rune::cost
