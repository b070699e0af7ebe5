// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/memorytunerdialog.h"

#include "agent/functionagents.h"
#include "functions/deployjob.h"
#include "functions/functioncatalog.h"
#include "functions/functioninvoker.h"
#include "functions/functionreleases.h"
#include "functions/functionworkspace.h"
#include "functions/memorytunerchart.h"
#include "util/background.h"
#include "util/csv.h"
#include "widgets/chartstyle.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

enum Strategy { CostStrategy, SpeedStrategy, BalancedStrategy, ToleranceRule };

QString msText(double ms)
{
    return QLocale(QLocale::English).toString(ms, 'f', 1);
}

QSpinBox *memorySpin(int value)
{
    auto *spin = new QSpinBox;
    spin->setRange(FunctionConfig::memoryStepMiB, 10240);
    spin->setSingleStep(FunctionConfig::memoryStepMiB);
    spin->setSuffix(u" MiB"_s);
    spin->setValue(value);
    return spin;
}

} // namespace

MemoryTunerDialog::MemoryTunerDialog(const FunctionServices &services, QString functionId, QWidget *parent)
    : QDialog(parent)
    , m_services(services)
    , m_functionId(std::move(functionId))
    , m_nodeCombo(new QComboBox(this))
    , m_eventCombo(new QComboBox(this))
    , m_priceCombo(new QComboBox(this))
    , m_minSpin(memorySpin(128))
    , m_maxSpin(memorySpin(1024))
    , m_callsSpin(new QSpinBox(this))
    , m_startButton(new QPushButton(tr("&Start"), this))
    , m_cancelButton(new QPushButton(tr("Cancel run"), this))
    , m_progress(new QProgressBar(this))
    , m_stepLabel(new QLabel(this))
    , m_chart(new MemoryTunerChart(this))
    , m_table(new QTableWidget(0, 7, this))
    , m_strategyCombo(new QComboBox(this))
    , m_weightSlider(new QSlider(Qt::Horizontal, this))
    , m_toleranceSpin(new QDoubleSpinBox(this))
    , m_adviceLabel(new QLabel(this))
    , m_seedLabel(new QLabel(this))
    , m_applyButton(new QPushButton(tr("&Apply"), this))
    , m_exportPngButton(new QPushButton(tr("Export chart…"), this))
    , m_exportCsvButton(new QPushButton(tr("Export table…"), this))
    , m_statusLabel(new QLabel(this))
{
    setObjectName(u"memoryTunerDialog"_s);
    const Function *function = m_services.catalog->find(m_functionId);
    setWindowTitle(tr("Tune memory: %1").arg(function ? function->name : m_functionId));
    resize(980, 760);
    buildForm();
    for (const QString &nodeId : m_services.invoker->nodesFor(m_functionId))
        m_nodeCombo->addItem(m_services.agents->nodeName(nodeId), nodeId);
    if (function) {
        // Around the size it has: from 128 MiB to twice it, at least 1 GiB.
        const int largest = std::clamp((std::max(1024, 2 * function->config.memoryMiB) / 64) * 64, 128, 10240);
        m_maxSpin->setValue(std::min(largest, 128 + 63 * 64));
    }
    loadEvents();
    loadPrices();
    updateButtons();
    if (m_nodeCombo->count() == 0)
        setStatus(tr("%1 runs on no node yet: deploy it, then tune it on a node that runs it.")
                      .arg(function ? function->name : m_functionId),
            true);
}

MemoryTunerDialog::~MemoryTunerDialog()
{
    // The tuner removes its trial as it goes; the serving version was never changed.
    delete m_tuner;
}

void MemoryTunerDialog::buildForm()
{
    m_nodeCombo->setObjectName(u"tunerNode"_s);
    m_eventCombo->setObjectName(u"tunerEvent"_s);
    m_priceCombo->setObjectName(u"tunerPrice"_s);
    m_minSpin->setObjectName(u"tunerMin"_s);
    m_maxSpin->setObjectName(u"tunerMax"_s);
    m_callsSpin->setObjectName(u"tunerCalls"_s);
    m_callsSpin->setRange(1, TuningPlan::maxCallsPerSize);
    m_callsSpin->setValue(5);
    m_callsSpin->setToolTip(tr("The first call of each size starts its replica and is reported apart, as cold"));
    m_startButton->setObjectName(u"tunerStart"_s);
    m_cancelButton->setObjectName(u"tunerCancel"_s);
    m_applyButton->setObjectName(u"tunerApply"_s);
    m_progress->setObjectName(u"tunerProgress"_s);
    m_statusLabel->setObjectName(u"tunerStatus"_s);
    m_statusLabel->setWordWrap(true);
    m_stepLabel->setObjectName(u"tunerStep"_s);
    m_adviceLabel->setObjectName(u"tunerAdvice"_s);
    m_adviceLabel->setWordWrap(true);
    m_seedLabel->setObjectName(u"tunerSeedRule"_s);
    m_seedLabel->setWordWrap(true);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);

    auto *form = new QFormLayout;
    form->addRow(tr("&Node:"), m_nodeCombo);
    form->addRow(tr("Sample &event:"), m_eventCombo);
    auto *range = new QHBoxLayout;
    range->addWidget(m_minSpin);
    range->addWidget(new QLabel(tr("to"), this));
    range->addWidget(m_maxSpin);
    range->addWidget(new QLabel(tr("in steps of 64 MiB, calls per size:"), this));
    range->addWidget(m_callsSpin);
    range->addStretch(1);
    form->addRow(tr("Memory:"), range);
    form->addRow(tr("&Price:"), m_priceCombo);
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_startButton);
    runRow->addWidget(m_cancelButton);
    runRow->addWidget(m_progress, 1);
    auto *setup = new QGroupBox(tr("Run"), this);
    auto *setupLayout = new QVBoxLayout(setup);
    setupLayout->addLayout(form);
    setupLayout->addLayout(runRow);
    setupLayout->addWidget(m_stepLabel);

    const QStringList headers {
        tr("Memory"), tr("Calls"), tr("Cold ms"), tr("Mean ms"), tr("p95 ms"), tr("$ per million"), tr("Result")};
    m_table->setObjectName(u"tunerTable"_s);
    m_table->setHorizontalHeaderLabels(headers);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setStretchLastSection(true);

    m_strategyCombo->setObjectName(u"tunerStrategy"_s);
    m_strategyCombo->addItems({tr("Cost: the cheapest per call"),
        tr("Speed: the fastest"),
        tr("Balanced: time and cost, weighted"),
        tr("Smallest within a tolerance of the fastest")});
    m_strategyCombo->setCurrentIndex(ToleranceRule);
    m_weightSlider->setObjectName(u"tunerWeight"_s);
    m_weightSlider->setRange(0, 100);
    m_weightSlider->setValue(50);
    m_weightSlider->setToolTip(tr("Balanced: how much speed counts against cost"));
    m_toleranceSpin->setObjectName(u"tunerTolerance"_s);
    m_toleranceSpin->setRange(0, 100);
    m_toleranceSpin->setDecimals(1);
    m_toleranceSpin->setValue(5);
    m_toleranceSpin->setSuffix(u" %"_s);
    auto *adviceForm = new QFormLayout;
    adviceForm->addRow(tr("S&trategy:"), m_strategyCombo);
    auto *weights = new QHBoxLayout;
    weights->addWidget(new QLabel(tr("cost"), this));
    weights->addWidget(m_weightSlider, 1);
    weights->addWidget(new QLabel(tr("speed"), this));
    adviceForm->addRow(tr("Balance:"), weights);
    adviceForm->addRow(tr("T&olerance:"), m_toleranceSpin);
    auto *advice = new QGroupBox(tr("Recommendation"), this);
    auto *adviceLayout = new QVBoxLayout(advice);
    adviceLayout->addLayout(adviceForm);
    adviceLayout->addWidget(m_adviceLabel);
    adviceLayout->addWidget(m_seedLabel);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_applyButton);
    buttons->addStretch(1);
    buttons->addWidget(m_exportPngButton);
    buttons->addWidget(m_exportCsvButton);
    adviceLayout->addLayout(buttons);

    auto *results = new QSplitter(Qt::Vertical, this);
    results->addWidget(m_chart);
    results->addWidget(m_table);
    results->setStretchFactor(0, 3);
    results->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(setup);
    layout->addWidget(results, 1);
    layout->addWidget(advice);
    layout->addWidget(m_statusLabel);

    connect(m_startButton, &QPushButton::clicked, this, &MemoryTunerDialog::start);
    connect(m_cancelButton, &QPushButton::clicked, this, &MemoryTunerDialog::cancel);
    connect(m_applyButton, &QPushButton::clicked, this, &MemoryTunerDialog::apply);
    connect(m_strategyCombo, &QComboBox::currentIndexChanged, this, &MemoryTunerDialog::showAdvice);
    connect(m_weightSlider, &QSlider::valueChanged, this, &MemoryTunerDialog::showAdvice);
    connect(m_toleranceSpin, &QDoubleSpinBox::valueChanged, this, &MemoryTunerDialog::showAdvice);
    connect(m_priceCombo, &QComboBox::currentIndexChanged, this, [this] {
        // Prices change the cost column and the advice, not what was measured.
        if (const auto price = chosenPrice()) {
            for (SizeOutcome &size : m_outcomes) {
                if (size.calls() > 0)
                    size.costPerMillion = costPerMillionCalls(*price, size.memoryMiB, size.meanMs());
            }
        }
        showOutcomes();
    });
    connect(m_exportPngButton, &QPushButton::clicked, this, [this] {
        askSavePath(this, tr("Export chart"), u"rune-memory-tuning.png"_s, tr("PNG images (*.png)"), [this](auto path) {
            exportChartPng(path);
        });
    });
    connect(m_exportCsvButton, &QPushButton::clicked, this, [this] {
        askSavePath(this, tr("Export table"), u"rune-memory-tuning.csv"_s, tr("CSV files (*.csv)"), [this](auto path) {
            exportCsv(path);
        });
    });
    for (QSpinBox *spin : {m_minSpin, m_maxSpin, m_callsSpin})
        connect(spin, &QSpinBox::valueChanged, this, &MemoryTunerDialog::updateButtons);
    connect(m_nodeCombo, &QComboBox::currentIndexChanged, this, &MemoryTunerDialog::updateButtons);
    auto *startShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    connect(startShortcut, &QShortcut::activated, this, &MemoryTunerDialog::start);
}

void MemoryTunerDialog::loadEvents()
{
    m_eventCombo->addItem(tr("(an empty body)"));
    m_services.workspace->loadEvents(m_functionId, this, [this](Result<QList<SampleEvent>> events) {
        if (!events)
            return setStatus(events.error().message, true);
        m_events = *events;
        for (const SampleEvent &event : std::as_const(m_events))
            m_eventCombo->addItem(event.name);
        if (!m_events.isEmpty())
            m_eventCombo->setCurrentIndex(1);
    });
}

void MemoryTunerDialog::loadPrices()
{
    m_priceCombo->addItem(tr("Reading the price tables…"));
    m_priceCombo->setEnabled(false);
    runInBackground(
        this,
        [shipped = m_services.pricingDir, edits = m_services.pricingEditsDir] {
            return cost::loadPriceBook(shipped, edits);
        },
        [this](const Result<cost::PriceBook> &book) {
            m_priceCombo->clear();
            if (!book) {
                m_priceCombo->addItem(tr("No prices: time only"));
                setStatus(book.error().message, true);
                return;
            }
            m_book = *book;
            for (const cost::PriceTable &table : std::as_const(m_book.tables)) {
                for (qsizetype i = 0; i < table.lambda.size(); ++i) {
                    const cost::LambdaPrice &price = table.lambda.at(i);
                    m_priceCombo->addItem(
                        u"%1 %2"_s.arg(table.provider, price.name), QStringList {table.file, QString::number(i)});
                }
            }
            if (m_priceCombo->count() == 0)
                m_priceCombo->addItem(tr("No Lambda prices in the tables: time only"));
            m_priceCombo->setEnabled(true);
            Q_EMIT pricesLoaded();
        });
}

std::optional<cost::LambdaPrice> MemoryTunerDialog::chosenPrice() const
{
    const QStringList where = m_priceCombo->currentData().toStringList();
    if (where.size() != 2)
        return std::nullopt;
    const cost::PriceTable *table = m_book.table(where.first());
    const int index = where.last().toInt();
    if (!table || index < 0 || index >= table->lambda.size())
        return std::nullopt;
    return table->lambda.at(index);
}

TuningPlan MemoryTunerDialog::plan() const
{
    TuningPlan plan;
    plan.functionId = m_functionId;
    plan.nodeId = m_nodeCombo->currentData().toString();
    plan.minMiB = m_minSpin->value();
    plan.maxMiB = m_maxSpin->value();
    plan.callsPerSize = m_callsSpin->value();
    const int event = m_eventCombo->currentIndex() - 1;
    if (event >= 0 && event < m_events.size()) {
        plan.request.headers = m_events.at(event).headers;
        plan.request.body = m_events.at(event).body.toUtf8();
    }
    return plan;
}

void MemoryTunerDialog::setRange(int minMiB, int maxMiB, int callsPerSize)
{
    m_minSpin->setValue(minMiB);
    m_maxSpin->setValue(maxMiB);
    m_callsSpin->setValue(callsPerSize);
}

void MemoryTunerDialog::setNode(const QString &nodeId)
{
    m_nodeCombo->setCurrentIndex(m_nodeCombo->findData(nodeId));
}

void MemoryTunerDialog::start()
{
    if (isRunning() || m_applying)
        return;
    if (const QStringList problems = plan().problems(); !problems.isEmpty())
        return setStatus(problems.join(u' '), true);
    m_outcomes.clear();
    showOutcomes();
    m_tuner = new MemoryTuner(m_services.catalog, m_services.agents, plan(), chosenPrice(), this);
    connect(m_tuner, &MemoryTuner::progress, this, [this](const TuningProgress &progress) {
        m_progress->setRange(0, std::max(1, progress.callsPlanned));
        m_progress->setValue(progress.callsDone);
        m_stepLabel->setText(progress.step);
    });
    connect(m_tuner, &MemoryTuner::sizeMeasured, this, [this](const SizeOutcome &size) {
        m_outcomes.append(size);
        showOutcomes();
    });
    connect(m_tuner, &MemoryTuner::finished, this, [this](const TuningSummary &summary) {
        m_tuner->deleteLater();
        m_tuner.clear();
        if (!summary.error.isEmpty())
            setStatus(summary.error, true);
        else if (summary.cancelled)
            setStatus(tr("Cancelled: the sizes measured so far are shown. The serving version was not changed."));
        else
            setStatus(summary.stoppedBecause.isEmpty() ? tr("Every size answered; the serving version was not changed.")
                                                       : summary.stoppedBecause);
        updateButtons();
        Q_EMIT tuningFinished(summary);
    });
    setStatus(tr("Tuning on %1; the serving version keeps serving.").arg(m_nodeCombo->currentText()));
    m_tuner->start();
    updateButtons();
}

void MemoryTunerDialog::cancel()
{
    if (m_tuner)
        m_tuner->cancel();
}

bool MemoryTunerDialog::isRunning() const
{
    return m_tuner && m_tuner->isRunning();
}

void MemoryTunerDialog::showOutcomes()
{
    m_table->setRowCount(int(m_outcomes.size()));
    for (int row = 0; row < m_outcomes.size(); ++row) {
        const SizeOutcome &size = m_outcomes.at(row);
        const QStringList cells {QString::number(size.memoryMiB),
            QString::number(size.calls()),
            size.coldMs.isEmpty() ? QString() : msText(size.coldMeanMs()),
            size.calls() > 0 ? msText(size.meanMs()) : QString(),
            size.calls() > 0 ? msText(size.p95Ms()) : QString(),
            size.costPerMillion ? size.costPerMillion->toText(4) : QString(),
            size.failed() ? tr("failed: %1").arg(size.failure) : tr("ok")};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            if (column < cells.size() - 1)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (size.failed())
                item->setForeground(QColor(0xd1, 0x3a, 0x3a));
            m_table->setItem(row, column, item);
        }
    }
    m_table->resizeColumnsToContents();
    showAdvice();
}

TuningAdvice MemoryTunerDialog::advice() const
{
    const double tolerance = m_toleranceSpin->value() / 100.0;
    switch (m_strategyCombo->currentIndex()) {
    case CostStrategy:
        return recommendByStrategy(m_outcomes, TuningStrategy::Cost);
    case SpeedStrategy:
        return recommendByStrategy(m_outcomes, TuningStrategy::Speed);
    case BalancedStrategy:
        return recommendByStrategy(m_outcomes, TuningStrategy::Balanced, m_weightSlider->value() / 100.0);
    default:
        return smallestWithinTolerance(m_outcomes, tolerance);
    }
}

void MemoryTunerDialog::showAdvice()
{
    m_weightSlider->setEnabled(m_strategyCombo->currentIndex() == BalancedStrategy);
    m_toleranceSpin->setEnabled(m_strategyCombo->currentIndex() == ToleranceRule);
    const TuningAdvice chosen = advice();
    const TuningAdvice rule = smallestWithinTolerance(m_outcomes, m_toleranceSpin->value() / 100.0);
    m_adviceLabel->setText(m_outcomes.isEmpty() ? tr("Start a run to measure the sizes.") : chosen.reason);
    m_seedLabel->setText(m_outcomes.isEmpty() || m_strategyCombo->currentIndex() == ToleranceRule
            ? QString()
            : tr("The smallest-within-tolerance rule says: %1").arg(rule.reason));
    m_chart->setOutcomes(m_outcomes, chosen.memoryMiB);
    updateButtons();
}

int MemoryTunerDialog::recommendedMiB() const
{
    return advice().memoryMiB;
}

void MemoryTunerDialog::setStrategy(int index)
{
    m_strategyCombo->setCurrentIndex(index);
}

void MemoryTunerDialog::updateButtons()
{
    const bool running = isRunning();
    const int recommended = recommendedMiB();
    const Function *function = m_services.catalog->find(m_functionId);
    m_startButton->setEnabled(!running && !m_applying && m_nodeCombo->count() > 0);
    m_cancelButton->setEnabled(running);
    for (QWidget *input :
        std::initializer_list<QWidget *> {m_nodeCombo, m_eventCombo, m_minSpin, m_maxSpin, m_callsSpin})
        input->setEnabled(!running);
    m_applyButton->setEnabled(!running && !m_applying && recommended > 0 && function);
    m_applyButton->setText(recommended > 0 ? tr("&Apply %1 MiB").arg(recommended) : tr("&Apply"));
    m_applyButton->setToolTip(function && recommended > 0
            ? tr("Set %1's memory from %2 to %3 MiB and deploy it as a new version to the nodes that run it")
                  .arg(function->name)
                  .arg(function->config.memoryMiB)
                  .arg(recommended)
            : QString());
    m_exportPngButton->setEnabled(!m_outcomes.isEmpty());
    m_exportCsvButton->setEnabled(!m_outcomes.isEmpty());
}

void MemoryTunerDialog::apply()
{
    const Function *function = m_services.catalog->find(m_functionId);
    const int memory = recommendedMiB();
    if (!function || memory <= 0 || isRunning() || m_applying)
        return;
    if (m_services.releases->isDeploying(m_functionId))
        return setStatus(tr("%1 is being deployed; apply once that deploy is done.").arg(function->name), true);
    FunctionConfig config = function->config;
    config.memoryMiB = memory;
    m_applying = true;
    updateButtons();
    setStatus(tr("Saving %1 MiB in the configuration…").arg(memory));
    m_services.workspace->saveConfig(m_functionId, config, this, [this, memory](Result<void> saved) {
        if (!saved) {
            m_applying = false;
            updateButtons();
            setStatus(saved.error().message, true);
            Q_EMIT applied(false, saved.error().message);
            return;
        }
        const QStringList targets = m_services.releases->defaultTargets(m_functionId);
        DeployJob *job = m_services.releases->deploy(m_functionId, targets, tr("Memory tuned to %1 MiB").arg(memory));
        if (!job) {
            m_applying = false;
            updateButtons();
            const QString message = tr("Saved %1 MiB; the next deploy sends it.").arg(memory);
            setStatus(message);
            Q_EMIT applied(true, message);
            return;
        }
        setStatus(tr("Deploying with %1 MiB…").arg(memory));
        connect(job, &DeployJob::finished, this, [this](bool succeeded, const QString &summary) {
            m_applying = false;
            updateButtons();
            setStatus(summary, !succeeded);
            Q_EMIT applied(succeeded, summary);
        });
    });
}

QString MemoryTunerDialog::csv() const
{
    QString text = csvLine({u"memory_mib"_s,
        u"calls"_s,
        u"cold_ms"_s,
        u"mean_ms"_s,
        u"p95_ms"_s,
        u"usd_per_million_calls"_s,
        u"failure"_s});
    for (const SizeOutcome &size : m_outcomes) {
        text += csvLine({QString::number(size.memoryMiB),
            QString::number(size.calls()),
            size.coldMs.isEmpty() ? QString() : QString::number(size.coldMeanMs(), 'f', 3),
            size.calls() > 0 ? QString::number(size.meanMs(), 'f', 3) : QString(),
            size.calls() > 0 ? QString::number(size.p95Ms(), 'f', 3) : QString(),
            size.costPerMillion ? size.costPerMillion->toDecimal() : QString(),
            size.failure});
    }
    return text;
}

void MemoryTunerDialog::exportChartPng(const QString &path)
{
    exportWidgetPng(m_chart, path, [this, path](const QString &error) {
        setStatus(exportMessage(path, error), !error.isEmpty());
        Q_EMIT exported(path, error);
    });
}

void MemoryTunerDialog::exportCsv(const QString &path)
{
    exportText(this, path, csv(), [this, path](const QString &error) {
        setStatus(exportMessage(path, error), !error.isEmpty());
        Q_EMIT exported(path, error);
    });
}

MemoryTunerChart *MemoryTunerDialog::chart() const
{
    return m_chart;
}

QString MemoryTunerDialog::status() const
{
    return m_statusLabel->text();
}

void MemoryTunerDialog::setStatus(const QString &text, bool error)
{
    m_statusLabel->setStyleSheet(error ? u"color: #d13a3a"_s : QString());
    m_statusLabel->setText(text);
}

void MemoryTunerDialog::closeEvent(QCloseEvent *event)
{
    cancel();
    QDialog::closeEvent(event);
}

} // namespace rune::views
