// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/deploydialog.h"

#include "benchmarks/benchmarkresults.h"
#include "cluster/nodelist.h"
#include "functions/deployjob.h"
#include "functions/functioncatalog.h"
#include "functions/functionreleases.h"
#include "functions/functionworkspace.h"
#include "functions/packagetablemodel.h"
#include "metrics/fleetmetrics.h"
#include "placement/placementinputs.h"
#include "util/background.h"
#include "widgets/format.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

constexpr char newFunction[] = "";

QString colored(const QString &text, const QColor &color)
{
    return u"<span style='color:%1'>%2</span>"_s.arg(color.name(), text.toHtmlEscaped());
}

} // namespace

DeployDialog::DeployDialog(const FunctionServices &services, QWidget *parent)
    : QDialog(parent)
    , m_services(services)
    , m_packageModel(new PackageTableModel(this))
    , m_titleLabel(new QLabel(this))
    , m_packageSummary(new QLabel(this))
    , m_packageView(new QTableView(this))
    , m_targetCombo(new QComboBox(this))
    , m_newFields(new QWidget(this))
    , m_projectEdit(new QLineEdit(this))
    , m_nameEdit(new QLineEdit(this))
    , m_runtimeCombo(new QComboBox(this))
    , m_handlerEdit(new QLineEdit(this))
    , m_noteEdit(new QLineEdit(this))
    , m_nodesGrid(new QGridLayout)
    , m_statusLabel(new QLabel(this))
    , m_deployButton(new QPushButton(tr("Deploy"), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
{
    setObjectName(u"deployDialog"_s);
    setAttribute(Qt::WA_DeleteOnClose);
    resize(760, 640);
}

DeployDialog::DeployDialog(const FunctionServices &services, const QString &functionId, QWidget *parent)
    : DeployDialog(services, parent)
{
    m_functionId = functionId;
    const Function *function = services.catalog->find(functionId);
    setWindowTitle(tr("Deploy %1").arg(function ? function->name : functionId));
    build();
    m_titleLabel->setText(tr("<b>Deploy %1/%2</b><br>Its working files, as saved, with its configuration.")
                              .arg(function ? function->project.toHtmlEscaped() : QString(),
                                  function ? function->name.toHtmlEscaped() : QString()));
    listWorkingFiles();
}

DeployDialog::DeployDialog(const FunctionServices &services, const QStringList &droppedPaths, QWidget *parent)
    : DeployDialog(services, parent)
{
    m_droppedPaths = droppedPaths;
    setWindowTitle(tr("Deploy dropped files"));
    build();
    m_titleLabel->setText(
        tr("<b>Deploy what was dropped</b><br>Looking at %n path(s)…", nullptr, int(droppedPaths.size())));
    scanDrop(droppedPaths);
}

void DeployDialog::build()
{
    m_titleLabel->setObjectName(u"deployTitleLabel"_s);
    m_titleLabel->setWordWrap(true);
    m_packageSummary->setObjectName(u"packageSummaryLabel"_s);
    m_packageView->setObjectName(u"packageTable"_s);
    m_packageView->setModel(m_packageModel);
    m_packageView->verticalHeader()->hide();
    m_packageView->horizontalHeader()->setStretchLastSection(true);
    m_packageView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_packageView->setSelectionMode(QAbstractItemView::NoSelection);
    m_noteEdit->setObjectName(u"deployNoteEdit"_s);
    m_noteEdit->setPlaceholderText(tr("what changed (optional)"));
    m_statusLabel->setObjectName(u"deployStatusLabel"_s);
    m_statusLabel->setWordWrap(true);
    m_deployButton->setObjectName(u"deployButton"_s);
    m_deployButton->setEnabled(false);
    m_buttons->addButton(m_deployButton, QDialogButtonBox::AcceptRole);

    auto *package = new QGroupBox(tr("Packaged"), this);
    auto *packageLayout = new QVBoxLayout(package);
    packageLayout->addWidget(m_packageView, 1);
    packageLayout->addWidget(m_packageSummary);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_titleLabel);
    layout->addWidget(package, 1);
    if (m_functionId.isEmpty()) {
        layout->addWidget(buildTarget());
    } else {
        // The target is fixed: the fields for choosing one stay out of sight.
        for (QWidget *unused : {static_cast<QWidget *>(m_targetCombo),
                 m_newFields,
                 static_cast<QWidget *>(m_projectEdit),
                 static_cast<QWidget *>(m_nameEdit),
                 static_cast<QWidget *>(m_runtimeCombo),
                 static_cast<QWidget *>(m_handlerEdit)})
            unused->hide();
    }
    layout->addWidget(buildNodes());
    layout->addWidget(buildPlacement());
    auto *note = new QFormLayout;
    note->addRow(tr("Note"), m_noteEdit);
    layout->addLayout(note);
    layout->addWidget(m_statusLabel);
    layout->addWidget(m_buttons);

    connect(m_deployButton, &QPushButton::clicked, this, &DeployDialog::startDeploy);
    connect(m_buttons, &QDialogButtonBox::rejected, this, [this] {
        if (m_job && !m_job->isFinished())
            m_job->cancel();
        else
            reject();
    });
}

QWidget *DeployDialog::buildTarget()
{
    auto *box = new QGroupBox(tr("To function"), this);
    m_targetCombo->setObjectName(u"targetFunctionCombo"_s);
    m_targetCombo->addItem(tr("A new function…"), QLatin1StringView(newFunction));
    for (const Function &function : m_services.catalog->functions())
        m_targetCombo->addItem(function.project + u'/' + function.name, function.id);
    m_projectEdit->setObjectName(u"newProjectEdit"_s);
    m_projectEdit->setText(m_services.catalog->projects().value(0, u"demo"_s));
    m_nameEdit->setObjectName(u"newNameEdit"_s);
    m_runtimeCombo->setObjectName(u"newRuntimeCombo"_s);
    for (auto runtime : {FunctionRuntime::Python3, FunctionRuntime::Node, FunctionRuntime::Exec})
        m_runtimeCombo->addItem(functionRuntimeName(runtime), int(runtime));
    m_handlerEdit->setObjectName(u"newHandlerEdit"_s);
    auto *fields = new QFormLayout(m_newFields);
    fields->setContentsMargins(0, 0, 0, 0);
    fields->addRow(tr("Project"), m_projectEdit);
    fields->addRow(tr("Name"), m_nameEdit);
    fields->addRow(tr("Runtime"), m_runtimeCombo);
    fields->addRow(tr("Handler"), m_handlerEdit);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(m_targetCombo);
    layout->addWidget(m_newFields);
    connect(m_targetCombo, &QComboBox::currentIndexChanged, this, &DeployDialog::updateTargetFields);
    updateTargetFields();
    return box;
}

QWidget *DeployDialog::buildNodes()
{
    auto *box = new QGroupBox(tr("To nodes"), this);
    box->setLayout(m_nodesGrid);
    const QString preset = m_functionId;
    const QStringList chosen = m_services.releases->defaultTargets(preset);
    int row = 0;
    for (const Node &node : m_services.nodes->nodes()) {
        NodeRow line;
        line.check =
            new QCheckBox(tr("%1 (%2, %3)").arg(node.name, nodeRoleName(node.role), nodeStateName(node.state)), box);
        line.check->setObjectName(u"nodeCheck-"_s + node.id);
        line.check->setChecked(chosen.contains(node.id));
        line.progress = new QProgressBar(box);
        line.progress->setObjectName(u"nodeProgress-"_s + node.id);
        line.progress->setRange(0, 1);
        line.progress->setValue(0);
        line.progress->setTextVisible(false);
        line.progress->setMaximumHeight(10);
        line.result = new QLabel(box);
        line.result->setObjectName(u"nodeResult-"_s + node.id);
        line.result->setTextFormat(Qt::RichText);
        m_nodesGrid->addWidget(line.check, row, 0);
        m_nodesGrid->addWidget(line.progress, row, 1);
        m_nodesGrid->addWidget(line.result, row, 2);
        m_nodeRows.insert(node.id, line);
        ++row;
    }
    if (row == 0)
        m_nodesGrid->addWidget(new QLabel(tr("There are no nodes yet: add one under Nodes."), box), 0, 0);
    m_nodesGrid->setColumnStretch(1, 1);
    m_nodesGrid->setColumnStretch(2, 2);
    return box;
}

QWidget *DeployDialog::buildPlacement()
{
    auto *box = new QGroupBox(tr("Choose the nodes by measurement"), this);
    m_bestCountSpin = new QSpinBox(box);
    m_bestCountSpin->setObjectName(u"bestCountSpin"_s);
    m_bestCountSpin->setRange(1, std::max<int>(1, int(m_services.nodes->nodes().size())));
    m_bestCountSpin->setValue(std::min<int>(2, m_bestCountSpin->maximum()));
    m_pickBestButton = new QPushButton(tr("Check the best"), box);
    m_pickBestButton->setObjectName(u"pickBestButton"_s);
    m_pickBestButton->setToolTip(tr("Ranks the nodes that can run the function by their latest benchmark figures "
                                    "(Benchmarks pane) and their round trip to the chosen node"));
    m_performanceWeightSpin = new QDoubleSpinBox(box);
    m_performanceWeightSpin->setObjectName(u"performanceWeightSpin"_s);
    m_performanceWeightSpin->setRange(0, 10);
    m_performanceWeightSpin->setSingleStep(0.5);
    m_performanceWeightSpin->setValue(1);
    m_latencyWeightSpin = new QDoubleSpinBox(box);
    m_latencyWeightSpin->setObjectName(u"latencyWeightSpin"_s);
    m_latencyWeightSpin->setRange(0, 10);
    m_latencyWeightSpin->setSingleStep(0.5);
    m_latencyWeightSpin->setValue(0);
    m_priceWeightSpin = new QDoubleSpinBox(box);
    m_priceWeightSpin->setObjectName(u"priceWeightSpin"_s);
    m_priceWeightSpin->setRange(0, 10);
    m_priceWeightSpin->setSingleStep(0.5);
    m_priceWeightSpin->setValue(0);
    m_priceWeightSpin->setToolTip(tr("How much a lower hourly price counts (Nodes pane: a node's context menu, "
                                     "Hourly price…)"));
    m_referenceCombo = new QComboBox(box);
    m_referenceCombo->setObjectName(u"referenceCombo"_s);
    for (const Node &node : m_services.nodes->nodes()) {
        m_referenceCombo->addItem(u"%1 (%2)"_s.arg(node.name, nodeRoleName(node.role)), node.id);
        if (node.role == NodeRole::Controller && m_referenceCombo->count() > 0)
            m_referenceCombo->setCurrentIndex(m_referenceCombo->count() - 1);
    }
    m_placementLabel = new QLabel(box);
    m_placementLabel->setObjectName(u"placementLabel"_s);
    m_placementLabel->setWordWrap(true);
    auto *row = new QHBoxLayout;
    row->addWidget(m_pickBestButton);
    row->addWidget(m_bestCountSpin);
    row->addWidget(new QLabel(tr("weighing performance"), box));
    row->addWidget(m_performanceWeightSpin);
    row->addWidget(new QLabel(tr("and the round trip to"), box));
    row->addWidget(m_referenceCombo, 1);
    row->addWidget(m_latencyWeightSpin);
    row->addWidget(new QLabel(tr("and the price"), box));
    row->addWidget(m_priceWeightSpin);
    auto *layout = new QVBoxLayout(box);
    layout->addLayout(row);
    layout->addWidget(m_placementLabel);
    connect(m_pickBestButton, &QPushButton::clicked, this, [this] {
        pickBestNodes(m_bestCountSpin->value());
    });
    box->setEnabled(!m_services.nodes->nodes().isEmpty());
    return box;
}

FunctionConfig DeployDialog::placementConfig() const
{
    if (const Function *function = m_services.catalog->find(targetFunctionId()))
        return function->config;
    FunctionConfig config;
    if (m_runtimeCombo->currentIndex() >= 0)
        config.runtime = FunctionRuntime(m_runtimeCombo->currentData().toInt());
    return config;
}

void DeployDialog::pickBestNodes(int count)
{
    m_pickBestButton->setEnabled(false);
    m_placementLabel->setText(tr("Reading the nodes' figures…"));
    m_services.benchmarks->latest(QString(), this, [this, count](Result<QList<BenchmarkRecord>> records) {
        m_pickBestButton->setEnabled(true);
        if (!records) {
            m_placementLabel->setText(records.error().message);
            return;
        }
        applyRanking(*records, count);
        Q_EMIT placed();
    });
}

void DeployDialog::applyRanking(const QList<BenchmarkRecord> &records, int count)
{
    const QString reference = m_referenceCombo->currentData().toString();
    std::vector<placement::Candidate> candidates;
    for (const Node &node : m_services.nodes->nodes())
        candidates.push_back(placementCandidate(node, m_services.metrics->latest(node.id), records, reference));
    placement::Weights weights;
    weights.performance = m_performanceWeightSpin->value();
    weights.latency = m_latencyWeightSpin->value();
    weights.price = m_priceWeightSpin->value();
    const auto ranking = placement::rankNodes(placementRequirements(placementConfig()), candidates, weights);
    if (!ranking) {
        m_placementLabel->setText(QString::fromStdString(ranking.error()));
        return;
    }
    QStringList chosen;
    for (const placement::Ranked &ranked : ranking->topN(size_t(count)))
        chosen << QString::fromStdString(ranked.name);
    setCheckedNodes(chosen);
    int place = 0;
    for (const placement::Ranked &ranked : ranking->ranked) {
        const auto row = m_nodeRows.constFind(QString::fromStdString(ranked.name));
        if (row == m_nodeRows.cend())
            continue;
        const QString line = tr("#%1, score %2: %3")
                                 .arg(++place)
                                 .arg(ranked.score, 0, 'f', 2)
                                 .arg(QString::fromStdString(ranked.reason));
        row->result->setText(line.toHtmlEscaped());
        row->result->setToolTip(line);
    }
    for (const placement::Excluded &excluded : ranking->excluded) {
        const auto row = m_nodeRows.constFind(QString::fromStdString(excluded.name));
        if (row == m_nodeRows.cend())
            continue;
        const QString line = tr("left out: %1").arg(QString::fromStdString(excluded.reason));
        row->result->setText(colored(line, palette().color(QPalette::PlaceholderText)));
        row->result->setToolTip(line);
    }
    m_placementLabel->setText(ranking->noneFits.empty()
            ? tr("Checked the best %n node(s) of %1 that can run it.", nullptr, int(chosen.size()))
                  .arg(ranking->ranked.size())
            : tr("No node can run it: %1").arg(QString::fromStdString(ranking->noneFits)));
}

QString DeployDialog::placementText() const
{
    return m_placementLabel->text();
}

void DeployDialog::updateTargetFields()
{
    m_newFields->setVisible(m_targetCombo->currentData().toString().isEmpty());
}

void DeployDialog::scanDrop(const QStringList &paths)
{
    runInBackground(
        this,
        [paths] {
            return FunctionPackage::scan(paths);
        },
        [this](Result<FunctionPackage> package) {
            if (!package) {
                m_titleLabel->setText(tr("<b>Nothing to deploy</b>"));
                fail(package.error().message);
                m_ready = true;
                Q_EMIT ready();
                return;
            }
            onPackage(*package);
        });
}

void DeployDialog::listWorkingFiles()
{
    m_services.workspace->readWorkingFiles(m_functionId, this, [this](Result<QList<CodeFile>> files) {
        if (!files) {
            fail(files.error().message);
            m_ready = true;
            Q_EMIT ready();
            return;
        }
        FunctionPackage package;
        for (const CodeFile &file : *files)
            package.entries.append(PackageEntry {file.path, file.path, file.data.size(), file.executable, {}});
        onPackage(package);
    });
}

void DeployDialog::onPackage(const FunctionPackage &package)
{
    m_package = package;
    m_packageModel->setEntries(package.entries);
    const int excluded = int(package.entries.size()) - package.includedCount();
    QString summary = tr("%n file(s), %1", nullptr, package.includedCount()).arg(formatBytes(package.includedBytes()));
    if (excluded > 0)
        summary += u"; "_s + tr("%n left out by .runeignore or as links", nullptr, excluded);
    m_packageSummary->setText(summary);
    if (m_functionId.isEmpty()) {
        m_titleLabel->setText(tr("<b>Deploy %1</b><br>Files marked excluded stay behind. The files replace the working "
                                 "files of the function they go to.")
                                  .arg(package.root.toHtmlEscaped()));
        m_nameEdit->setText(package.suggestedName);
        m_runtimeCombo->setCurrentIndex(m_runtimeCombo->findData(int(package.suggestedRuntime)));
        m_handlerEdit->setText(package.suggestedHandler);
        // A folder named like an existing function goes there unless the user says otherwise.
        for (int i = 1; i < m_targetCombo->count(); ++i) {
            if (m_targetCombo->itemText(i).endsWith(u'/' + package.suggestedName))
                m_targetCombo->setCurrentIndex(i);
        }
    }
    m_deployButton->setEnabled(package.includedCount() > 0);
    m_ready = true;
    Q_EMIT ready();
}

void DeployDialog::startDeploy()
{
    if (!m_deployButton->isEnabled())
        return;
    if (checkedNodes().isEmpty())
        return fail(tr("Choose at least one node."));
    setBusy(true);
    if (!m_functionId.isEmpty())
        return deployTo(m_functionId);
    m_statusLabel->setText(tr("Reading the files…"));
    const FunctionPackage package = m_package;
    runInBackground(
        this,
        [package] {
            return package.readFiles();
        },
        [this](Result<QList<CodeFile>> files) {
            if (!files)
                return fail(files.error().message);
            const QString target = targetFunctionId();
            if (!target.isEmpty()) {
                m_services.workspace->replaceFiles(target, *files, this, [this, target](Result<void> replaced) {
                    if (!replaced)
                        return fail(replaced.error().message);
                    deployTo(target);
                });
                return;
            }
            FunctionConfig config;
            config.runtime = FunctionRuntime(m_runtimeCombo->currentData().toInt());
            config.handler = m_handlerEdit->text().trimmed();
            config.auth = FunctionAuth::Public;
            m_services.workspace->createFunction(m_projectEdit->text().trimmed(),
                m_nameEdit->text().trimmed(),
                config,
                *files,
                this,
                [this](Result<Function> made) {
                    if (!made)
                        return fail(made.error().message);
                    deployTo(made->id);
                });
        });
}

void DeployDialog::deployTo(const QString &functionId)
{
    m_deployedId = functionId;
    for (NodeRow &row : m_nodeRows) {
        row.progress->setRange(0, 1);
        row.progress->setValue(0);
        row.result->clear();
    }
    m_statusLabel->setText(tr("Packaging…"));
    watch(m_services.releases->deploy(functionId, checkedNodes(), m_noteEdit->text().trimmed()));
}

void DeployDialog::watch(DeployJob *job)
{
    m_job = job;
    connect(job, &DeployJob::packaged, this, [this](int version, bool created, qint64 bytes) {
        m_statusLabel->setText(created ? tr("Uploading v%1 (%2)…").arg(version).arg(formatBytes(bytes))
                                       : tr("Nothing changed since v%1; sending it where it is missing…").arg(version));
    });
    connect(job, &DeployJob::nodeProgress, this, [this](const QString &nodeId, qint64 sent, qint64 total) {
        const NodeRow row = m_nodeRows.value(nodeId);
        if (!row.progress || total <= 0)
            return;
        row.progress->setRange(0, 1000);
        row.progress->setValue(int(sent * 1000 / total));
    });
    connect(job, &DeployJob::nodeFinished, this, [this](const NodeDeployResult &result) {
        const NodeRow row = m_nodeRows.value(result.nodeId);
        if (!row.progress)
            return;
        row.progress->setRange(0, 1);
        row.progress->setValue(result.ok ? 1 : 0);
        row.result->setText(result.ok ? colored(u"✓ "_s + result.message, QColor(0x2e, 0xa0, 0x43))
                                      : colored(u"✗ "_s + result.message, QColor(0xd1, 0x3a, 0x3a)));
        row.result->setToolTip(result.message);
    });
    connect(job, &DeployJob::finished, this, [this, job](bool succeeded, const QString &summary) {
        const QList<NodeDeployResult> results = job->results();
        const bool partly = std::any_of(results.cbegin(), results.cend(), [](const NodeDeployResult &r) {
            return !r.ok;
        });
        // Green when every node took it, amber when some did, red when none did.
        const QColor color = !succeeded ? QColor(0xd1, 0x3a, 0x3a)
            : partly                    ? QColor(0xc0, 0x7a, 0x00)
                                        : QColor(0x2e, 0xa0, 0x43);
        m_statusLabel->setText(colored(summary, color));
        setBusy(false);
        m_deployButton->setText(tr("Deploy again"));
        m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("Close"));
        Q_EMIT finished(m_deployedId, succeeded);
    });
}

void DeployDialog::setBusy(bool busy)
{
    m_deployButton->setEnabled(!busy);
    m_targetCombo->setEnabled(!busy);
    m_newFields->setEnabled(!busy);
    for (const NodeRow &row : std::as_const(m_nodeRows))
        row.check->setEnabled(!busy);
}

void DeployDialog::fail(const QString &message)
{
    setBusy(false);
    m_deployButton->setEnabled(m_package.includedCount() > 0);
    m_statusLabel->setText(colored(message, QColor(0xd1, 0x3a, 0x3a)));
}

PackageTableModel *DeployDialog::packageModel() const
{
    return m_packageModel;
}

bool DeployDialog::isReady() const
{
    return m_ready;
}

QString DeployDialog::targetFunctionId() const
{
    return m_functionId.isEmpty() ? m_targetCombo->currentData().toString() : m_functionId;
}

void DeployDialog::setTargetFunction(const QString &functionId)
{
    m_targetCombo->setCurrentIndex(std::max(0, m_targetCombo->findData(functionId)));
}

void DeployDialog::setNewFunction(const QString &project, const QString &name)
{
    m_targetCombo->setCurrentIndex(0);
    m_projectEdit->setText(project);
    m_nameEdit->setText(name);
}

QStringList DeployDialog::checkedNodes() const
{
    QStringList nodes;
    for (const Node &node : m_services.nodes->nodes()) {
        const NodeRow row = m_nodeRows.value(node.id);
        if (row.check && row.check->isChecked())
            nodes << node.id;
    }
    return nodes;
}

void DeployDialog::setCheckedNodes(const QStringList &nodeIds)
{
    for (auto it = m_nodeRows.cbegin(); it != m_nodeRows.cend(); ++it)
        it->check->setChecked(nodeIds.contains(it.key()));
}

QString DeployDialog::statusText() const
{
    return m_statusLabel->text();
}

QString DeployDialog::nodeResult(const QString &nodeId) const
{
    const NodeRow row = m_nodeRows.value(nodeId);
    return row.result ? row.result->text() : QString();
}

DeployJob *DeployDialog::job() const
{
    return m_job;
}

} // namespace rune::views
