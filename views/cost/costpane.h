// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cost/costmodel.h"
#include "cost/pricebook.h"
#include "functions/loadrun.h"
#include "shell/functionservices.h"

#include <QWidget>
#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTimer;

namespace rune::views
{

class BreakEvenChart;
class CostBarsChart;
class PriceTablesEditor;

/**
 * What a workload costs a month on each option — AWS Lambda, rented instances, a PaaS, this
 * cluster — from the price tables: the inputs as a form with presets, the cost bars with their
 * breakdown, the break-even chart with its crossings named, the table behind them, and the
 * price tables themselves, editable. Charts export as PNG, the table as CSV.
 */
class CostPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CostPane)

public:
    /**
     * @p shippedDir holds the shipped tables (":/pricing"); edits are saved in @p editsDir.
     * @p functions are measured on this cluster's nodes for the throughput of a node.
     */
    CostPane(const FunctionServices &functions, QString shippedDir, QString editsDir, QWidget *parent = nullptr);

    /** The bounds of a measurement: as fast as 32 calls at once allow, for ten seconds. */
    static LoadPlan measurementPlan(const QString &requestLine);

    /** Reads the price tables again (in the background); loaded() follows. */
    void reload();
    /** The workload the form describes; its problems() say what is wrong with it. */
    cost::Workload workload() const;
    QList<cost::CostEstimate> estimates() const;
    QList<cost::BreakEven> crossings() const;
    /** The table behind the charts as CSV, exact amounts in US dollars (and the second currency). */
    QString csv() const;
    /**
     * Fills the second currency's fields (the Settings pane's currency): @p code such as "EUR" and
     * @p rate, units of it per US dollar. Empty: US dollars only. The user may still edit them here.
     */
    void setSecondCurrency(const QString &code, const QString &rate);

public Q_SLOTS:
    /** Measures the chosen function on the chosen node; the result fills the measured throughput. */
    void measure();
    void cancelMeasurement();
    /** Exports the chart of the current tab (the cost bars when the table is shown). */
    void exportChartPng(const QString &path);
    void exportCsv(const QString &path);

Q_SIGNALS:
    void loaded();
    void measured(const rune::LoadSummary &summary);
    /** An export finished: @p error is empty when it worked. */
    void exported(const QString &path, const QString &error);

private:
    void buildForm(QWidget *form);
    QWidget *buildMeasureBox(QWidget *form);
    void fillMeasurableFunctions();
    void fillMeasurableNodes();
    void measurementEnded(const LoadSummary &summary);
    void applyPreset(int index);
    /** Offers "my function as measured" as a preset and applies it. */
    void offerMeasuredPreset(const QString &functionId, const LoadSummary &summary);
    void setPriceBook(const cost::PriceBook &book);
    void recalculate();
    QList<cost::CostOption> chosenOptions() const;
    void fillTable();
    QString secondCurrencyText(cost::Money dollars) const;
    void chooseExportFile(bool chart);

    FunctionServices m_functions;
    QString m_shippedDir;
    QString m_editsDir;
    cost::PriceBook m_book;
    QList<cost::CostOption> m_allOptions;
    QList<cost::CostEstimate> m_estimates;
    QList<cost::BreakEven> m_crossings;
    QTimer *m_recalculate;
    QComboBox *m_presetCombo = nullptr;
    /** The measured function as a preset: its memory and mean time, once a measurement succeeded. */
    struct MeasuredPreset {
        int memoryMiB = 0;
        double durationMs = 0;
    };
    std::optional<MeasuredPreset> m_measuredPreset;
    QLineEdit *m_requestsEdit = nullptr;
    QDoubleSpinBox *m_durationSpin = nullptr;
    QSpinBox *m_memorySpin = nullptr;
    QDoubleSpinBox *m_peakSpin = nullptr;
    QLineEdit *m_measuredEdit = nullptr;
    QListWidget *m_optionsList = nullptr;
    QLineEdit *m_currencyEdit = nullptr;
    QLineEdit *m_rateEdit = nullptr;
    QLabel *m_problemsLabel = nullptr;
    QComboBox *m_measureFunctionCombo = nullptr;
    QComboBox *m_measureNodeCombo = nullptr;
    QLineEdit *m_measureRequestEdit = nullptr;
    QPushButton *m_measureButton = nullptr;
    QPushButton *m_cancelMeasureButton = nullptr;
    QProgressBar *m_measureProgress = nullptr;
    QLabel *m_measureLabel = nullptr;
    LoadRun *m_measurement = nullptr;
    QLabel *m_statusLabel;
    QTabWidget *m_tabs;
    CostBarsChart *m_bars;
    BreakEvenChart *m_breakEven;
    QLabel *m_crossingsLabel;
    QTableWidget *m_table;
    PriceTablesEditor *m_prices;
};

} // namespace rune::views
