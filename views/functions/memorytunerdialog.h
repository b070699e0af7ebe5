// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cost/pricebook.h"
#include "functions/memorytuner.h"
#include "functions/sampleevent.h"
#include "shell/functionservices.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTableWidget;

namespace rune::views
{

class MemoryTunerChart;

/**
 * "Tune memory" for one function: runs it at each memory size of a range on one node (through
 * MemoryTuner's trials, never touching the version that serves), charts time and cost against
 * memory, recommends a size by strategy and by the smallest-within-tolerance rule, and applies
 * the one chosen as a new version. Non-modal; closing it cancels a run.
 */
class MemoryTunerDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MemoryTunerDialog)

public:
    MemoryTunerDialog(const FunctionServices &services, QString functionId, QWidget *parent = nullptr);
    ~MemoryTunerDialog() override;

    /** The plan the form describes. */
    TuningPlan plan() const;
    /** Sets the form (tests, and the defaults). */
    void setRange(int minMiB, int maxMiB, int callsPerSize);
    void setNode(const QString &nodeId);
    void start();
    void cancel();
    bool isRunning() const;
    /** The size Apply would set: the strategy's, or the tolerance rule's when chosen; 0: none. */
    int recommendedMiB() const;
    void setStrategy(int index); ///< 0 cost, 1 speed, 2 balanced, 3 smallest within the tolerance
    void apply();
    void exportChartPng(const QString &path);
    void exportCsv(const QString &path);
    QString csv() const;
    MemoryTunerChart *chart() const;
    QString status() const;

Q_SIGNALS:
    void tuningFinished(const rune::TuningSummary &summary);
    void applied(bool succeeded, const QString &summary);
    void exported(const QString &path, const QString &error);
    void pricesLoaded();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildForm();
    void loadEvents();
    void loadPrices();
    void showOutcomes();
    void showAdvice();
    void setStatus(const QString &text, bool error = false);
    void updateButtons();
    std::optional<cost::LambdaPrice> chosenPrice() const;
    TuningAdvice advice() const;

    FunctionServices m_services;
    QString m_functionId;
    cost::PriceBook m_book;
    QList<SampleEvent> m_events;
    QList<SizeOutcome> m_outcomes;
    QPointer<MemoryTuner> m_tuner;
    bool m_applying = false;

    QComboBox *m_nodeCombo;
    QComboBox *m_eventCombo;
    QComboBox *m_priceCombo;
    QSpinBox *m_minSpin;
    QSpinBox *m_maxSpin;
    QSpinBox *m_callsSpin;
    QPushButton *m_startButton;
    QPushButton *m_cancelButton;
    QProgressBar *m_progress;
    QLabel *m_stepLabel;
    MemoryTunerChart *m_chart;
    QTableWidget *m_table;
    QComboBox *m_strategyCombo;
    QSlider *m_weightSlider;
    QDoubleSpinBox *m_toleranceSpin;
    QLabel *m_adviceLabel;
    QLabel *m_seedLabel;
    QPushButton *m_applyButton;
    QPushButton *m_exportPngButton;
    QPushButton *m_exportCsvButton;
    QLabel *m_statusLabel;
};

} // namespace rune::views
