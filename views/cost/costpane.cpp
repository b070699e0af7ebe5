// SPDX-License-Identifier: GPL-3.0-or-later
#include "cost/costpane.h"

#include "cluster/nodelist.h"
#include "cost/costcharts.h"
#include "cost/pricetableseditor.h"
#include "functions/functioncatalog.h"
#include "functions/functioninvoker.h"
#include "util/background.h"
#include "util/csv.h"
#include "widgets/chartstyle.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

/** A starting point for the form: a workload people compare prices for. */
struct Preset {
    const char *title;
    const char *requests;
    double durationMs;
    int memoryMiB;
    double peakToAverage;
};

// The first is the product's founding comparison: one billion calls a month, which its notes
// priced at $1,860.13 on Lambda (512 MiB for 200 ms gives that figure; see README "Cost").
constexpr Preset presets[] = {
    {QT_TRANSLATE_NOOP("rune::views::CostPane", "One billion calls a month (512 MiB, 200 ms)"), "1 B", 200, 512, 1},
    {QT_TRANSLATE_NOOP("rune::views::CostPane", "A busy API (100 M calls, 128 MiB, 50 ms, peaks ×4)"),
        "100 M",
        50,
        128,
        4},
    {QT_TRANSLATE_NOOP("rune::views::CostPane", "A nightly batch (100 k calls, 2 GiB, 30 s)"), "100 k", 30000, 2048, 1},
};

/** The breakdown's columns in the table and the CSV. */
const QStringList lineColumns = {u"requests"_s,
    u"free requests"_s,
    u"compute"_s,
    u"free compute"_s,
    u"instances"_s,
    u"hardware"_s,
    u"rent"_s,
    u"power"_s,
    u"bandwidth"_s,
    u"admin"_s};

cost::Money lineAmount(const cost::CostEstimate &estimate, const QString &component)
{
    cost::Money amount;
    for (const cost::CostLine &line : estimate.breakdown) {
        if (line.component == component)
            amount += line.amount;
    }
    return amount;
}

bool isClusterOption(const cost::CostOption &option)
{
    return option.name.startsWith(u"This cluster"_s);
}

} // namespace

CostPane::CostPane(const FunctionServices &functions, QString shippedDir, QString editsDir, QWidget *parent)
    : QWidget(parent)
    , m_functions(functions)
    , m_shippedDir(std::move(shippedDir))
    , m_editsDir(std::move(editsDir))
    , m_recalculate(new QTimer(this))
    , m_statusLabel(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_bars(new CostBarsChart(this))
    , m_breakEven(new BreakEvenChart(this))
    , m_crossingsLabel(new QLabel(this))
    , m_table(new QTableWidget(this))
    , m_prices(new PriceTablesEditor(m_editsDir, this))
{
    setObjectName(u"costPane"_s);
    m_recalculate->setSingleShot(true);
    m_recalculate->setInterval(0); // one recalculation for a burst of edits
    connect(m_recalculate, &QTimer::timeout, this, &CostPane::recalculate);

    auto *form = new QWidget(this);
    buildForm(form);
    auto *formScroll = new QScrollArea(this);
    formScroll->setWidget(form);
    formScroll->setWidgetResizable(true);
    formScroll->setFrameShape(QFrame::NoFrame);
    formScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    formScroll->setMinimumWidth(360);

    m_statusLabel->setObjectName(u"costStatus"_s);
    m_statusLabel->setWordWrap(true);
    m_crossingsLabel->setObjectName(u"crossingsLabel"_s);
    m_crossingsLabel->setWordWrap(true);
    m_crossingsLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table->setObjectName(u"costTable"_s);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_tabs->setObjectName(u"costTabs"_s);

    auto *breakEvenPage = new QWidget(this);
    auto *breakEvenLayout = new QVBoxLayout(breakEvenPage);
    breakEvenLayout->setContentsMargins(0, 0, 0, 0);
    breakEvenLayout->addWidget(m_breakEven, 1);
    breakEvenLayout->addWidget(m_crossingsLabel);
    m_tabs->addTab(m_bars, tr("Monthly cost"));
    m_tabs->addTab(breakEvenPage, tr("Break-even"));
    m_tabs->addTab(m_table, tr("Table"));
    m_tabs->addTab(m_prices, tr("Prices"));

    auto *exportPng = new QPushButton(tr("Export chart as PNG…"), this);
    exportPng->setObjectName(u"exportPngButton"_s);
    auto *exportCsvButton = new QPushButton(tr("Export table as CSV…"), this);
    exportCsvButton->setObjectName(u"exportCsvButton"_s);
    connect(exportPng, &QPushButton::clicked, this, [this] {
        chooseExportFile(true);
    });
    connect(exportCsvButton, &QPushButton::clicked, this, [this] {
        chooseExportFile(false);
    });
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_statusLabel, 1);
    buttons->addWidget(exportPng);
    buttons->addWidget(exportCsvButton);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_tabs, 1);
    rightLayout->addLayout(buttons);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(formScroll);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({380, 900});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_prices, &PriceTablesEditor::tablesChanged, this, &CostPane::reload);
    applyPreset(0);
    reload();
}

void CostPane::buildForm(QWidget *form)
{
    auto *workload = new QGroupBox(tr("Workload"), form);
    auto *fields = new QFormLayout(workload);
    m_presetCombo = new QComboBox(workload);
    m_presetCombo->setObjectName(u"presetCombo"_s);
    for (const Preset &preset : presets)
        m_presetCombo->addItem(tr(preset.title));
    m_presetCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_presetCombo->setMinimumContentsLength(16);
    m_requestsEdit = new QLineEdit(workload);
    m_requestsEdit->setObjectName(u"requestsEdit"_s);
    m_requestsEdit->setToolTip(tr("Calls a month: 1000000000, 1e9, 1 B, 41 M or 950 k"));
    m_durationSpin = new QDoubleSpinBox(workload);
    m_durationSpin->setObjectName(u"durationSpin"_s);
    m_durationSpin->setRange(0.1, cost::Workload::maxDurationMs);
    m_durationSpin->setDecimals(1);
    m_durationSpin->setSuffix(tr(" ms"));
    m_memorySpin = new QSpinBox(workload);
    m_memorySpin->setObjectName(u"memorySpin"_s);
    m_memorySpin->setRange(1, cost::Workload::maxMemoryMiB);
    m_memorySpin->setSuffix(tr(" MiB"));
    m_peakSpin = new QDoubleSpinBox(workload);
    m_peakSpin->setObjectName(u"peakSpin"_s);
    m_peakSpin->setRange(1, cost::Workload::maxPeakToAverage);
    m_peakSpin->setPrefix(tr("× "));
    m_peakSpin->setToolTip(tr("The busiest second's rate over the month's average: machines are counted for the peak"));
    m_measuredEdit = new QLineEdit(workload);
    m_measuredEdit->setObjectName(u"measuredEdit"_s);
    m_measuredEdit->setPlaceholderText(tr("one call per core"));
    m_measuredEdit->setToolTip(tr("Calls a second one node of this cluster served in a load run of the function; "
                                  "empty: each core serves one call at a time"));
    fields->addRow(tr("Preset"), m_presetCombo);
    fields->addRow(tr("Requests a month"), m_requestsEdit);
    fields->addRow(tr("Average duration"), m_durationSpin);
    fields->addRow(tr("Memory per call"), m_memorySpin);
    fields->addRow(tr("Peak to average"), m_peakSpin);
    fields->addRow(tr("Measured calls/s per node"), m_measuredEdit);

    auto *options = new QGroupBox(tr("Compare"), form);
    auto *optionsLayout = new QVBoxLayout(options);
    m_optionsList = new QListWidget(options);
    m_optionsList->setObjectName(u"optionsList"_s);
    m_optionsList->setMinimumHeight(160);
    optionsLayout->addWidget(m_optionsList);

    auto *currency = new QGroupBox(tr("Second currency"), form);
    auto *currencyFields = new QFormLayout(currency);
    m_currencyEdit = new QLineEdit(currency);
    m_currencyEdit->setObjectName(u"currencyEdit"_s);
    m_currencyEdit->setPlaceholderText(tr("e.g. KRW"));
    m_currencyEdit->setMaxLength(8);
    m_rateEdit = new QLineEdit(currency);
    m_rateEdit->setObjectName(u"rateEdit"_s);
    m_rateEdit->setPlaceholderText(tr("per US dollar, e.g. 1140"));
    currencyFields->addRow(tr("Code"), m_currencyEdit);
    currencyFields->addRow(tr("Rate"), m_rateEdit);

    m_problemsLabel = new QLabel(form);
    m_problemsLabel->setObjectName(u"problemsLabel"_s);
    m_problemsLabel->setWordWrap(true);
    m_problemsLabel->setStyleSheet(u"color: #d14343;"_s);

    auto *layout = new QVBoxLayout(form);
    layout->addWidget(workload);
    layout->addWidget(buildMeasureBox(form));
    layout->addWidget(options, 1);
    layout->addWidget(currency);
    layout->addWidget(m_problemsLabel);

    connect(m_presetCombo, &QComboBox::activated, this, &CostPane::applyPreset);
    for (QLineEdit *edit : {m_requestsEdit, m_measuredEdit, m_currencyEdit, m_rateEdit})
        connect(edit, &QLineEdit::textChanged, m_recalculate, qOverload<>(&QTimer::start));
    for (QDoubleSpinBox *spin : {m_durationSpin, m_peakSpin})
        connect(spin, &QDoubleSpinBox::valueChanged, m_recalculate, qOverload<>(&QTimer::start));
    connect(m_memorySpin, &QSpinBox::valueChanged, m_recalculate, qOverload<>(&QTimer::start));
    connect(m_optionsList, &QListWidget::itemChanged, m_recalculate, qOverload<>(&QTimer::start));
}

QWidget *CostPane::buildMeasureBox(QWidget *form)
{
    auto *box = new QGroupBox(tr("Measure a node's throughput"), form);
    auto *fields = new QFormLayout(box);
    m_measureFunctionCombo = new QComboBox(box);
    m_measureFunctionCombo->setObjectName(u"measureFunctionCombo"_s);
    m_measureFunctionCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_measureNodeCombo = new QComboBox(box);
    m_measureNodeCombo->setObjectName(u"measureNodeCombo"_s);
    m_measureNodeCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_measureRequestEdit = new QLineEdit(u"GET /"_s, box);
    m_measureRequestEdit->setObjectName(u"measureRequestEdit"_s);
    m_measureRequestEdit->setToolTip(tr("The call to repeat: a method and a path, e.g. \"GET /?name=Ada\""));
    m_measureButton = new QPushButton(tr("Measure"), box);
    m_measureButton->setObjectName(u"measureButton"_s);
    m_measureButton->setToolTip(tr("Calls the function on the node, 32 calls at once for ten seconds, and uses "
                                   "the calls a second it answered"));
    m_cancelMeasureButton = new QPushButton(tr("Cancel"), box);
    m_cancelMeasureButton->setObjectName(u"cancelMeasureButton"_s);
    m_cancelMeasureButton->setEnabled(false);
    m_measureProgress = new QProgressBar(box);
    m_measureProgress->setObjectName(u"measureProgress"_s);
    m_measureProgress->setVisible(false);
    m_measureLabel = new QLabel(box);
    m_measureLabel->setObjectName(u"measureLabel"_s);
    m_measureLabel->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_measureButton);
    buttons->addWidget(m_cancelMeasureButton);
    fields->addRow(tr("Function"), m_measureFunctionCombo);
    fields->addRow(tr("Node"), m_measureNodeCombo);
    fields->addRow(tr("Call"), m_measureRequestEdit);
    fields->addRow(buttons);
    fields->addRow(m_measureProgress);
    fields->addRow(m_measureLabel);
    connect(m_measureButton, &QPushButton::clicked, this, &CostPane::measure);
    connect(m_cancelMeasureButton, &QPushButton::clicked, this, &CostPane::cancelMeasurement);
    connect(m_measureFunctionCombo, &QComboBox::currentIndexChanged, this, &CostPane::fillMeasurableNodes);
    for (auto signal :
        {&FunctionCatalog::versionsChanged, &FunctionCatalog::functionRemoved, &FunctionCatalog::functionAdded})
        connect(m_functions.catalog, signal, this, &CostPane::fillMeasurableFunctions);
    connect(m_functions.catalog, &FunctionCatalog::loaded, this, &CostPane::fillMeasurableFunctions);
    fillMeasurableFunctions();
    return box;
}

void CostPane::fillMeasurableFunctions()
{
    const QString chosen = m_measureFunctionCombo->currentData().toString();
    const QSignalBlocker blocker(m_measureFunctionCombo);
    m_measureFunctionCombo->clear();
    for (const Function &function : m_functions.catalog->functions()) {
        if (!m_functions.invoker->nodesFor(function.id).isEmpty())
            m_measureFunctionCombo->addItem(function.project + u'/' + function.name, function.id);
    }
    m_measureFunctionCombo->setCurrentIndex(std::max(0, m_measureFunctionCombo->findData(chosen)));
    fillMeasurableNodes();
}

void CostPane::fillMeasurableNodes()
{
    const QString chosen = m_measureNodeCombo->currentData().toString();
    m_measureNodeCombo->clear();
    const QString function = m_measureFunctionCombo->currentData().toString();
    for (const QString &nodeId : m_functions.invoker->nodesFor(function)) {
        const Node *node = m_functions.nodes->find(nodeId);
        m_measureNodeCombo->addItem(node ? node->name : nodeId, nodeId);
    }
    m_measureNodeCombo->setCurrentIndex(std::max(0, m_measureNodeCombo->findData(chosen)));
    const bool idle = !m_measurement;
    m_measureButton->setEnabled(idle && m_measureNodeCombo->count() > 0);
    if (idle && m_measureFunctionCombo->count() == 0)
        m_measureLabel->setText(tr("Deploy a function to measure what one node serves."));
}

LoadPlan CostPane::measurementPlan(const QString &requestLine)
{
    LoadPlan plan;
    plan.callsPerSecond = LoadPlan::maxCallsPerSecond; // as many as the calls at once allow
    plan.seconds = 10;
    plan.inFlight = 32;
    const QStringList parts = requestLine.trimmed().split(u' ', Qt::SkipEmptyParts);
    plan.request.method = parts.value(0, u"GET"_s).toUpper();
    plan.request.path = parts.value(1, u"/"_s);
    return plan;
}

void CostPane::measure()
{
    const QString functionId = m_measureFunctionCombo->currentData().toString();
    const QString nodeId = m_measureNodeCombo->currentData().toString();
    if (m_measurement || functionId.isEmpty() || nodeId.isEmpty())
        return;
    m_measurement =
        new LoadRun(m_functions.invoker, functionId, nodeId, measurementPlan(m_measureRequestEdit->text()), this);
    connect(m_measurement, &LoadRun::progress, this, [this](const LoadProgress &progress) {
        m_measureProgress->setValue(
            int(std::min<qint64>(100, progress.elapsedMs * 100 / std::max<qint64>(1, progress.plannedMs))));
        m_measureLabel->setText(tr("%1 calls answered, %2 failed…").arg(progress.succeeded).arg(progress.failed));
    });
    connect(m_measurement, &LoadRun::finished, this, &CostPane::measurementEnded);
    m_measureProgress->setRange(0, 100);
    m_measureProgress->setValue(0);
    m_measureProgress->setVisible(true);
    m_measureButton->setEnabled(false);
    m_cancelMeasureButton->setEnabled(true);
    m_measurement->start();
}

void CostPane::cancelMeasurement()
{
    if (m_measurement)
        m_measurement->cancel();
}

void CostPane::measurementEnded(const LoadSummary &summary)
{
    m_measurement->deleteLater();
    m_measurement = nullptr;
    m_measureProgress->setVisible(false);
    m_cancelMeasureButton->setEnabled(false);
    m_measureButton->setEnabled(m_measureNodeCombo->count() > 0);
    if (!summary.cancelled && summary.totals.succeeded > 0) {
        m_measuredEdit->setText(QString::number(summary.succeededPerSecond, 'f', 1));
        m_measureLabel->setText(tr("Measured: %1").arg(summary.sentence()));
        offerMeasuredPreset(m_measureFunctionCombo->currentData().toString(), summary);
    } else {
        QStringList causes;
        for (auto it = summary.failures.begin(); it != summary.failures.end(); ++it)
            causes << u"%1 × %2"_s.arg(it.value()).arg(it.key());
        m_measureLabel->setText(
            tr("Not measured: %1%2")
                .arg(summary.sentence(), causes.isEmpty() ? QString() : u" ("_s + causes.join(u", "_s) + u')'));
    }
    Q_EMIT measured(summary);
}

void CostPane::offerMeasuredPreset(const QString &functionId, const LoadSummary &summary)
{
    const Function *function = m_functions.catalog->find(functionId);
    if (!function || summary.meanMs <= 0)
        return;
    m_measuredPreset = MeasuredPreset {function->config.memoryMiB, std::max(1.0, summary.meanMs)};
    const QString title = tr("%1 as measured (%2 MiB, %3 ms a call)")
                              .arg(function->name)
                              .arg(function->config.memoryMiB)
                              .arg(QLocale(QLocale::English).toString(m_measuredPreset->durationMs, 'f', 0));
    const int index = int(std::size(presets));
    if (m_presetCombo->count() > index)
        m_presetCombo->setItemText(index, title);
    else
        m_presetCombo->addItem(title);
    m_presetCombo->setCurrentIndex(index);
    applyPreset(index);
}

void CostPane::applyPreset(int index)
{
    if (index == int(std::size(presets)) && m_measuredPreset) {
        // The requests and the peak stay as typed: the measurement says what one call takes.
        m_durationSpin->setValue(m_measuredPreset->durationMs);
        m_memorySpin->setValue(m_measuredPreset->memoryMiB);
        return;
    }
    if (index < 0 || index >= int(std::size(presets)))
        return;
    const Preset &preset = presets[index];
    m_requestsEdit->setText(QString::fromLatin1(preset.requests));
    m_durationSpin->setValue(preset.durationMs);
    m_memorySpin->setValue(preset.memoryMiB);
    m_peakSpin->setValue(preset.peakToAverage);
}

void CostPane::reload()
{
    m_statusLabel->setText(tr("Reading the price tables…"));
    runInBackground(
        this,
        [shipped = m_shippedDir, edits = m_editsDir] {
            return cost::loadPriceBook(shipped, edits);
        },
        [this](const Result<cost::PriceBook> &book) {
            if (!book) {
                m_statusLabel->setText(book.error().message);
                return;
            }
            setPriceBook(*book);
            Q_EMIT loaded();
        });
}

void CostPane::setPriceBook(const cost::PriceBook &book)
{
    QStringList checked;
    for (int row = 0; row < m_optionsList->count(); ++row) {
        if (m_optionsList->item(row)->checkState() == Qt::Checked)
            checked.append(m_optionsList->item(row)->text());
    }
    const bool first = m_optionsList->count() == 0;
    m_book = book;
    m_allOptions = cost::costOptions(m_book.tables);
    const QSignalBlocker blocker(m_optionsList);
    m_optionsList->clear();
    QStringList seenProviders;
    for (const cost::PriceTable &table : m_book.tables) {
        const QList<cost::CostOption> ofTable = cost::costOptions({table});
        for (int index = 0; index < ofTable.size(); ++index) {
            auto *item = new QListWidgetItem(ofTable.at(index).name, m_optionsList);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            // At first, the first price of each table; later, what the user had chosen.
            const bool on = first ? index == 0 : checked.contains(ofTable.at(index).name);
            item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
        }
    }
    m_prices->setPriceBook(m_book);
    QStringList status;
    if (!m_book.edited.isEmpty())
        status << tr("Your edited prices are used for %1.").arg(m_book.edited.join(u", "_s));
    status << m_book.problems;
    m_statusLabel->setText(status.join(u' '));
    recalculate();
}

cost::Workload CostPane::workload() const
{
    cost::Workload workload;
    workload.requestsPerMonth = cost::parseRequestCount(m_requestsEdit->text()).value_or(-1);
    workload.averageDurationMs = m_durationSpin->value();
    workload.memoryMiB = m_memorySpin->value();
    workload.peakToAverage = m_peakSpin->value();
    if (!m_measuredEdit->text().trimmed().isEmpty()) {
        bool ok = false;
        const double measured = m_measuredEdit->text().trimmed().toDouble(&ok);
        workload.measuredCallsPerSecondPerNode = ok ? measured : -1;
    }
    return workload;
}

QList<cost::CostOption> CostPane::chosenOptions() const
{
    QList<cost::CostOption> chosen;
    for (int row = 0; row < m_optionsList->count() && row < m_allOptions.size(); ++row) {
        if (m_optionsList->item(row)->checkState() == Qt::Checked)
            chosen.append(m_allOptions.at(row));
    }
    return chosen;
}

void CostPane::recalculate()
{
    const cost::Workload shape = workload();
    QStringList problems = shape.problems();
    if (shape.requestsPerMonth < 0)
        problems.replace(0, tr("Requests a month: write a count such as 1000000000, 1e9, 1 B, 41 M or 950 k."));
    if (!m_rateEdit->text().trimmed().isEmpty() && !cost::UnitPrice::parse(m_rateEdit->text()))
        problems << tr("The exchange rate must be a decimal number such as 1140.");
    m_problemsLabel->setText(problems.join(u'\n'));
    m_problemsLabel->setVisible(!problems.isEmpty());
    if (!problems.isEmpty())
        return; // the charts keep showing the last workload that could be priced
    const QList<cost::CostOption> options = chosenOptions();
    m_estimates.clear();
    for (const cost::CostOption &option : options)
        m_estimates.append(option.estimate(shape));
    m_crossings.clear();
    const bool anyCluster = std::any_of(options.begin(), options.end(), isClusterOption);
    for (qsizetype a = 0; a < options.size(); ++a) {
        for (qsizetype b = a + 1; b < options.size(); ++b) {
            // With this cluster in the comparison, what matters is where it wins or loses.
            if (anyCluster && isClusterOption(options.at(a)) == isClusterOption(options.at(b)))
                continue;
            m_crossings.append(cost::breakEvens(
                options.at(a), options.at(b), shape, BreakEvenChart::fromRequests, BreakEvenChart::toRequests));
        }
    }
    m_bars->setEstimates(m_estimates);
    m_breakEven->setOptions(options, shape, m_crossings);
    QStringList sentences;
    for (const cost::BreakEven &crossing : std::as_const(m_crossings))
        sentences << u"• "_s + crossing.sentence();
    m_crossingsLabel->setText(sentences.isEmpty()
            ? tr("No crossing between %1 and %2 requests a month: the cheapest option stays the cheapest.")
                  .arg(cost::requestsText(BreakEvenChart::fromRequests), cost::requestsText(BreakEvenChart::toRequests))
            : sentences.join(u'\n'));
    fillTable();
}

void CostPane::setSecondCurrency(const QString &code, const QString &rate)
{
    m_currencyEdit->setText(code);
    m_rateEdit->setText(rate);
}

QString CostPane::secondCurrencyText(cost::Money dollars) const
{
    const auto rate = cost::UnitPrice::parse(m_rateEdit->text());
    const QString code = m_currencyEdit->text().trimmed();
    if (!rate || code.isEmpty() || dollars.isTooLarge())
        return QString();
    return code + u' ' + rate->times(dollars.micros(), 1'000'000).toText(0);
}

void CostPane::fillTable()
{
    QStringList headers = {tr("Option"), tr("Machines")};
    for (const QString &column : lineColumns)
        headers << column;
    headers << tr("Total (USD)");
    const bool second = !secondCurrencyText(cost::Money()).isEmpty();
    if (second)
        headers << tr("Total (%1)").arg(m_currencyEdit->text().trimmed());
    headers << tr("How it was counted");
    m_table->clear();
    m_table->setColumnCount(int(headers.size()));
    m_table->setHorizontalHeaderLabels(headers);
    m_table->setRowCount(int(m_estimates.size()));
    for (int row = 0; row < m_estimates.size(); ++row) {
        const cost::CostEstimate &estimate = m_estimates.at(row);
        QStringList cells = {estimate.option, estimate.machines > 0 ? QString::number(estimate.machines) : QString()};
        for (const QString &column : lineColumns) {
            const cost::Money amount = lineAmount(estimate, column);
            cells << (amount.micros() > 0 ? (column.startsWith(u"free"_s) ? u"−"_s : QString()) + amount.toText()
                                          : QString());
        }
        cells << (estimate.unavailable.isEmpty() ? estimate.total.toText() : tr("cannot run"));
        if (second)
            cells << secondCurrencyText(estimate.total);
        cells << (estimate.unavailable.isEmpty() ? estimate.basis : estimate.unavailable);
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            if (column > 0 && column < cells.size() - 1)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(row, column, item);
        }
    }
    m_table->resizeColumnsToContents();
}

QList<cost::CostEstimate> CostPane::estimates() const
{
    return m_estimates;
}

QList<cost::BreakEven> CostPane::crossings() const
{
    return m_crossings;
}

QString CostPane::csv() const
{
    const QString code = m_currencyEdit->text().trimmed();
    const bool second = !secondCurrencyText(cost::Money()).isEmpty();
    QStringList header = {u"option"_s, u"machines"_s};
    header << lineColumns << u"total_usd"_s;
    if (second)
        header << u"total_"_s + code.toLower();
    header << u"basis"_s;
    QString text = csvLine(header);
    const auto rate = cost::UnitPrice::parse(m_rateEdit->text());
    for (const cost::CostEstimate &estimate : m_estimates) {
        QStringList cells = {estimate.option, QString::number(estimate.machines)};
        for (const QString &column : lineColumns)
            cells << lineAmount(estimate, column).toDecimal();
        cells << (estimate.unavailable.isEmpty() ? estimate.total.toDecimal() : QString());
        if (second)
            cells << (estimate.unavailable.isEmpty() ? rate->times(estimate.total.micros(), 1'000'000).toDecimal()
                                                     : QString());
        cells << (estimate.unavailable.isEmpty() ? estimate.basis : estimate.unavailable);
        text += csvLine(cells);
    }
    return text;
}

void CostPane::exportChartPng(const QString &path)
{
    QWidget *chart = m_tabs->currentIndex() == 1 ? static_cast<QWidget *>(m_breakEven) : m_bars;
    exportWidgetPng(chart, path, [this, path](const QString &error) {
        m_statusLabel->setText(exportMessage(path, error));
        Q_EMIT exported(path, error);
    });
}

void CostPane::exportCsv(const QString &path)
{
    exportText(this, path, csv(), [this, path](const QString &error) {
        m_statusLabel->setText(exportMessage(path, error));
        Q_EMIT exported(path, error);
    });
}

void CostPane::chooseExportFile(bool chart)
{
    askSavePath(this,
        chart ? tr("Export chart") : tr("Export table"),
        chart ? u"rune-cost.png"_s : u"rune-cost.csv"_s,
        chart ? tr("PNG images (*.png)") : tr("CSV files (*.csv)"),
        [this, chart](const QString &path) {
            chart ? exportChartPng(path) : exportCsv(path);
        });
}

} // namespace rune::views
