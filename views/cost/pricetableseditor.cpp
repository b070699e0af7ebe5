// SPDX-License-Identifier: GPL-3.0-or-later
#include "cost/pricetableseditor.h"

#include "util/background.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

/** The fields of an entry, as the grid's columns, for each kind of table. */
QStringList columnsOf(cost::TableKind kind)
{
    switch (kind) {
    case cost::TableKind::Lambda:
        return {u"name"_s,
            u"region"_s,
            u"architecture"_s,
            u"per_million_requests"_s,
            u"duration_tiers"_s,
            u"free_requests"_s,
            u"free_gb_seconds"_s,
            u"source"_s,
            u"read_on"_s};
    case cost::TableKind::Instances:
        return {u"name"_s, u"region"_s, u"vcpus"_s, u"memory_gib"_s, u"hourly"_s, u"source"_s, u"read_on"_s};
    case cost::TableKind::Cluster:
        break;
    }
    return {u"name"_s,
        u"cores"_s,
        u"memory_gib"_s,
        u"purchase"_s,
        u"amortisation_months"_s,
        u"monthly_rent"_s,
        u"watts"_s,
        u"per_kwh"_s,
        u"bandwidth_per_month"_s,
        u"admin_hours_per_month"_s,
        u"admin_hourly_rate"_s,
        u"source"_s,
        u"read_on"_s};
}

/** Fields that are JSON numbers in a table; the rest are text (prices are decimal text). */
bool isNumberField(const QString &key)
{
    static const QStringList numbers = {u"free_requests"_s,
        u"free_gb_seconds"_s,
        u"vcpus"_s,
        u"memory_gib"_s,
        u"cores"_s,
        u"amortisation_months"_s,
        u"watts"_s,
        u"admin_hours_per_month"_s};
    return numbers.contains(key);
}

/** Tiers as one cell: "6000000000 @ 0.0000166667; 15000000000 @ 0.000015; 0.0000133334". */
QString tiersText(const QJsonArray &tiers)
{
    QStringList parts;
    for (const QJsonValue &tier : tiers) {
        const QJsonObject object = tier.toObject();
        const QString price = object.value(u"per_gb_second"_s).toString();
        parts.append(object.contains(u"up_to_gb_seconds"_s)
                ? u"%1 @ %2"_s.arg(qlonglong(object.value(u"up_to_gb_seconds"_s).toDouble())).arg(price)
                : price);
    }
    return parts.join(u"; "_s);
}

QJsonValue tiersJson(const QString &text)
{
    QJsonArray tiers;
    for (const QString &part : text.split(u';', Qt::SkipEmptyParts)) {
        const QStringList sides = part.split(u'@');
        QJsonObject tier {{u"per_gb_second"_s, sides.last().trimmed()}};
        if (sides.size() == 2) {
            bool ok = false;
            const double bound = sides.first().trimmed().toDouble(&ok);
            tier.insert(u"up_to_gb_seconds"_s, ok ? QJsonValue(bound) : QJsonValue(sides.first().trimmed()));
        }
        tiers.append(tier);
    }
    return tiers;
}

QString cellText(const QString &key, const QJsonValue &value)
{
    if (key == u"duration_tiers")
        return tiersText(value.toArray());
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    return value.toString();
}

QJsonValue cellJson(const QString &key, const QString &text)
{
    if (key == u"duration_tiers")
        return tiersJson(text);
    if (isNumberField(key)) {
        bool ok = false;
        const double number = text.toDouble(&ok);
        return ok ? QJsonValue(number) : QJsonValue(text); // the reader names what is wrong
    }
    return text;
}

} // namespace

PriceTablesEditor::PriceTablesEditor(QString editsDir, QWidget *parent)
    : QWidget(parent)
    , m_editsDir(std::move(editsDir))
    , m_tableCombo(new QComboBox(this))
    , m_grid(new QTableWidget(this))
    , m_saveButton(new QPushButton(tr("Save edits"), this))
    , m_resetButton(new QPushButton(tr("Reset to shipped"), this))
    , m_status(new QLabel(this))
{
    m_tableCombo->setObjectName(u"priceTableCombo"_s);
    m_grid->setObjectName(u"priceGrid"_s);
    m_saveButton->setObjectName(u"savePricesButton"_s);
    m_resetButton->setObjectName(u"resetPricesButton"_s);
    m_status->setObjectName(u"pricesStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_grid->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_grid->setToolTip(tr("Prices are decimals such as 0.0000166667; tiers are written "
                          "\"6000000000 @ 0.0000166667; 0.000015\" (GB-seconds @ price, the last without a bound)."));
    m_saveButton->setToolTip(tr("Checks the table and saves it as your copy in the data directory"));
    m_resetButton->setToolTip(tr("Drops your copy of this table: the shipped prices are used again"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_tableCombo, 1);
    buttons->addWidget(m_saveButton);
    buttons->addWidget(m_resetButton);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_grid, 1);
    layout->addWidget(m_status);
    connect(m_tableCombo, &QComboBox::currentIndexChanged, this, &PriceTablesEditor::showTable);
    connect(m_saveButton, &QPushButton::clicked, this, &PriceTablesEditor::save);
    connect(m_resetButton, &QPushButton::clicked, this, &PriceTablesEditor::resetToShipped);
}

void PriceTablesEditor::setPriceBook(const cost::PriceBook &book)
{
    const QString chosen = m_tableCombo->currentData().toString();
    m_book = book;
    const QSignalBlocker blocker(m_tableCombo);
    m_tableCombo->clear();
    for (const cost::PriceTable &table : m_book.tables) {
        const bool edited = m_book.edited.contains(table.file);
        m_tableCombo->addItem(edited ? tr("%1 (edited)").arg(table.provider) : table.provider, table.file);
    }
    const int index = std::max(0, m_tableCombo->findData(chosen));
    m_tableCombo->setCurrentIndex(index);
    showTable(index);
    setBusy(false, m_book.problems.join(u'\n'));
}

void PriceTablesEditor::showTable(int index)
{
    m_grid->clear();
    if (index < 0 || index >= m_book.tables.size())
        return;
    const cost::PriceTable &table = m_book.tables.at(index);
    const QStringList columns = columnsOf(table.kind);
    const QJsonArray entries =
        QJsonDocument::fromJson(cost::priceTableJson(table)).object().value(u"entries"_s).toArray();
    m_grid->setColumnCount(int(columns.size()));
    m_grid->setHorizontalHeaderLabels(columns);
    m_grid->setRowCount(int(entries.size()));
    for (int row = 0; row < entries.size(); ++row) {
        const QJsonObject entry = entries.at(row).toObject();
        for (int column = 0; column < columns.size(); ++column)
            m_grid->setItem(
                row, column, new QTableWidgetItem(cellText(columns.at(column), entry.value(columns.at(column)))));
    }
    m_grid->resizeColumnsToContents();
    m_resetButton->setEnabled(m_book.edited.contains(table.file));
}

Result<cost::PriceTable> PriceTablesEditor::editedTable() const
{
    const int index = m_tableCombo->currentIndex();
    if (index < 0 || index >= m_book.tables.size())
        return fail(u"cost.no_table"_s, tr("No price table is shown."));
    const cost::PriceTable &shown = m_book.tables.at(index);
    QJsonObject root = QJsonDocument::fromJson(cost::priceTableJson(shown)).object();
    QJsonArray entries;
    for (int row = 0; row < m_grid->rowCount(); ++row) {
        QJsonObject entry;
        for (int column = 0; column < m_grid->columnCount(); ++column) {
            const QString key = m_grid->horizontalHeaderItem(column)->text();
            const QString text = m_grid->item(row, column) ? m_grid->item(row, column)->text().trimmed() : QString();
            if (!text.isEmpty())
                entry.insert(key, cellJson(key, text));
        }
        entries.append(entry);
    }
    root.insert(u"entries"_s, entries);
    return cost::parsePriceTable(shown.file, QJsonDocument(root).toJson());
}

void PriceTablesEditor::save()
{
    const auto table = editedTable();
    if (!table) {
        setBusy(false, tr("Not saved: %1").arg(table.error().message));
        return;
    }
    setBusy(true, tr("Saving %1…").arg(table->file));
    runInBackground(
        this,
        [dir = m_editsDir, edited = *table] {
            return cost::saveEditedTable(dir, edited);
        },
        [this, file = table->file](const Result<void> &saved) {
            setBusy(false, saved ? tr("Saved your copy of %1 in %2.").arg(file, m_editsDir) : saved.error().message);
            if (saved)
                Q_EMIT tablesChanged();
        });
}

void PriceTablesEditor::resetToShipped()
{
    const QString file = m_tableCombo->currentData().toString();
    if (file.isEmpty())
        return;
    setBusy(true, tr("Resetting %1…").arg(file));
    runInBackground(
        this,
        [dir = m_editsDir, file] {
            return cost::resetTableToShipped(dir, file);
        },
        [this, file](const Result<void> &reset) {
            setBusy(false, reset ? tr("%1: the shipped prices are used again.").arg(file) : reset.error().message);
            if (reset)
                Q_EMIT tablesChanged();
        });
}

void PriceTablesEditor::setBusy(bool busy, const QString &status)
{
    m_saveButton->setEnabled(!busy);
    m_tableCombo->setEnabled(!busy);
    if (busy)
        m_resetButton->setEnabled(false);
    m_status->setText(status);
}

} // namespace rune::views
