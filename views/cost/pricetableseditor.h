// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cost/pricebook.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace rune::views
{

/**
 * The price tables as editable grids, one provider at a time. Edits are checked by the same
 * reader as the shipped files (a problem names the entry and the field, and nothing is saved),
 * then saved as the user's copy in the data directory; "Reset to shipped" drops that copy.
 */
class PriceTablesEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PriceTablesEditor)

public:
    PriceTablesEditor(QString editsDir, QWidget *parent = nullptr);

    /** Shows @p book's tables, keeping the chosen provider. */
    void setPriceBook(const cost::PriceBook &book);
    /** The grid's current content as a table; fails naming the entry and field when it does not read. */
    Result<cost::PriceTable> editedTable() const;

public Q_SLOTS:
    void save();
    void resetToShipped();

Q_SIGNALS:
    /** A table was saved or reset: the price book must be read again. */
    void tablesChanged();

private:
    void showTable(int index);
    void setBusy(bool busy, const QString &status);

    QString m_editsDir;
    cost::PriceBook m_book;
    QComboBox *m_tableCombo;
    QTableWidget *m_grid;
    QPushButton *m_saveButton;
    QPushButton *m_resetButton;
    QLabel *m_status;
};

} // namespace rune::views
