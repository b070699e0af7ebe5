// SPDX-License-Identifier: GPL-3.0-or-later
// The Cost pane: the shipped price tables priced for a workload, the charts, the table and its
// exports, and editing the prices without touching the shipped files.
#include "../common/functionfixture.h"
#include "../common/testmain.h"
#include "cost/costcharts.h"
#include "cost/costpane.h"
#include "editortesthelpers.h"
#include "functionguihelpers.h"

#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace Qt::StringLiterals;
using namespace rune;
using namespace rune::views;

namespace
{

const QString shippedDir = QStringLiteral(RUNE_SOURCE_DIR "/resources/pricing");

const cost::CostEstimate *estimateOf(const QList<cost::CostEstimate> &estimates, const QString &prefix)
{
    for (const cost::CostEstimate &estimate : estimates) {
        if (estimate.option.startsWith(prefix))
            return &estimate;
    }
    return nullptr;
}

} // namespace

class TestCostPane final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void pricesTheFoundingComparison();
    void breakEvenNamesWhereTheClusterWins();
    void secondCurrencyAndCsv();
    void exportsTheChartAsPng();
    void badInputIsNamedAndKeepsTheCharts();
    void editedPricesAreSavedApartAndReset();
    void badPriceEditIsRefusedNamingTheEntry();
    void measuresANodeWithARealFunction();
    void requestLineMakesTheMeasuredCall();

private:
    void show(int tab, const QString &screenshot);

    std::unique_ptr<test::FunctionFixture> m_fx;
    FunctionServices m_services;
    std::unique_ptr<QTemporaryDir> m_edits;
    std::unique_ptr<CostPane> m_pane;
};

void TestCostPane::initTestCase()
{
    qRegisterMetaType<LoadSummary>();
    m_fx = std::make_unique<test::FunctionFixture>(1);
    QVERIFY(m_fx->load());
    m_services = test::servicesOf(*m_fx);
}

void TestCostPane::init()
{
    m_edits = std::make_unique<QTemporaryDir>();
    m_pane = std::make_unique<CostPane>(m_services, shippedDir, m_edits->filePath(u"pricing"_s));
    m_pane->resize(1280, 760);
    QSignalSpy loaded(m_pane.get(), &CostPane::loaded);
    QVERIFY(loaded.wait(10000));
}

void TestCostPane::cleanup()
{
    m_pane.reset();
    m_edits.reset();
}

void TestCostPane::show(int tab, const QString &screenshot)
{
    m_pane->findChild<QTabWidget *>(u"costTabs"_s)->setCurrentIndex(tab);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
    QTest::qWait(100);
    QVERIFY(m_pane->grab().save(test::screenshotPath(screenshot)));
}

void TestCostPane::pricesTheFoundingComparison()
{
    // The first preset: one billion calls of 512 MiB for 200 ms.
    const cost::Workload workload = m_pane->workload();
    QCOMPARE(workload.requestsPerMonth, 1'000'000'000);
    QCOMPARE(workload.memoryMiB, 512);
    const QList<cost::CostEstimate> estimates = m_pane->estimates();
    QCOMPARE(estimates.size(), 4); // the first price of each table
    const cost::CostEstimate *lambda = estimateOf(estimates, u"AWS Lambda x86_64"_s);
    QVERIFY(lambda);
    QCOMPARE(lambda->total.toText(), u"1,859.80"_s);
    const cost::CostEstimate *cluster = estimateOf(estimates, u"This cluster"_s);
    QVERIFY(cluster);
    QCOMPARE(cluster->machines, 5);
    QVERIFY(cluster->total < lambda->total);
    auto *bars = m_pane->findChild<CostBarsChart *>();
    QCOMPARE(bars->drawnValue(lambda->option, u"compute"_s), 1660.00332);
    QVERIFY(bars->components().contains(u"hardware"_s));
    auto *table = m_pane->findChild<QTableWidget *>(u"costTable"_s);
    QCOMPARE(table->rowCount(), 4);
    show(0, u"cost-bars.png"_s);
    show(2, u"cost-table.png"_s);
}

void TestCostPane::breakEvenNamesWhereTheClusterWins()
{
    const QList<cost::BreakEven> crossings = m_pane->crossings();
    QVERIFY(!crossings.isEmpty());
    bool againstLambda = false;
    for (const cost::BreakEven &crossing : crossings) {
        if (crossing.cheaperAbove.startsWith(u"This cluster"_s)
            && crossing.cheaperBelow.startsWith(u"AWS Lambda x86_64"_s))
            againstLambda = true;
    }
    QVERIFY(againstLambda);
    auto *label = m_pane->findChild<QLabel *>(u"crossingsLabel"_s);
    QVERIFY2(label->text().contains(
                 u"This cluster: owned 16-core server is cheaper than AWS Lambda x86_64, us-east-1 above"_s),
        qPrintable(label->text()));
    auto *chart = m_pane->findChild<BreakEvenChart *>();
    QCOMPARE(chart->lineCount(), 4);
    QCOMPARE(chart->markedCrossings(), int(crossings.size()));
    show(1, u"cost-break-even.png"_s);
}

void TestCostPane::secondCurrencyAndCsv()
{
    m_pane->findChild<QLineEdit *>(u"currencyEdit"_s)->setText(u"KRW"_s);
    m_pane->findChild<QLineEdit *>(u"rateEdit"_s)->setText(u"1140"_s);
    QTRY_COMPARE(m_pane->findChild<QTableWidget *>(u"costTable"_s)->horizontalHeaderItem(13)->text(), u"Total (KRW)"_s);
    const QString csv = m_pane->csv();
    const QStringList lines = csv.split(u"\r\n"_s, Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 5);
    QVERIFY(lines.at(0).startsWith(u"option,machines,requests,free requests,compute"_s));
    QVERIFY(lines.at(0).contains(u"total_usd,total_krw,basis"_s));
    // Lambda at $1,859.80332 is ₩2,120,175.7848 at 1,140 won a dollar: amounts are exact decimals.
    QString lambdaLine;
    for (const QString &line : lines) {
        if (line.startsWith(u"\"AWS Lambda x86_64"_s))
            lambdaLine = line;
    }
    QVERIFY2(lambdaLine.contains(u",1859.80332,2120175.7848,"_s), qPrintable(lambdaLine));
    QSignalSpy exported(m_pane.get(), &CostPane::exported);
    const QString path = m_edits->filePath(u"cost.csv"_s);
    m_pane->exportCsv(path);
    QVERIFY(exported.wait(5000));
    QCOMPARE(exported.at(0).at(1).toString(), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), csv);
    // A folder that does not exist is said, not crashed on.
    m_pane->exportCsv(m_edits->filePath(u"missing/cost.csv"_s));
    QVERIFY(exported.wait(5000));
    QVERIFY(!exported.at(1).at(1).toString().isEmpty());
}

void TestCostPane::exportsTheChartAsPng()
{
    show(0, u"cost-bars-export.png"_s);
    QSignalSpy exported(m_pane.get(), &CostPane::exported);
    const QString path = m_edits->filePath(u"bars.png"_s);
    m_pane->exportChartPng(path);
    QVERIFY(exported.wait(5000));
    QCOMPARE(exported.at(0).at(1).toString(), QString());
    const QImage image(path);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() > 200 && image.height() > 100);
}

void TestCostPane::badInputIsNamedAndKeepsTheCharts()
{
    const QList<cost::CostEstimate> before = m_pane->estimates();
    m_pane->findChild<QLineEdit *>(u"requestsEdit"_s)->setText(u"lots"_s);
    auto *problems = m_pane->findChild<QLabel *>(u"problemsLabel"_s);
    QTRY_VERIFY(problems->text().contains(u"Requests a month"_s));
    QCOMPARE(m_pane->estimates().size(), before.size());
    m_pane->findChild<QLineEdit *>(u"requestsEdit"_s)->setText(u"41 M"_s);
    m_pane->findChild<QLineEdit *>(u"measuredEdit"_s)->setText(u"-3"_s);
    QTRY_VERIFY(problems->text().contains(u"measured throughput"_s));
    m_pane->findChild<QLineEdit *>(u"measuredEdit"_s)->setText(u"250"_s);
    QTRY_VERIFY(problems->text().isEmpty());
    QCOMPARE(m_pane->workload().requestsPerMonth, 41'000'000);
    const cost::CostEstimate *cluster = estimateOf(m_pane->estimates(), u"This cluster"_s);
    QVERIFY(cluster && cluster->basis.contains(u"measured"_s));
}

void TestCostPane::editedPricesAreSavedApartAndReset()
{
    auto *combo = m_pane->findChild<QComboBox *>(u"priceTableCombo"_s);
    combo->setCurrentIndex(combo->findData(u"this-cluster.json"_s));
    auto *grid = m_pane->findChild<QTableWidget *>(u"priceGrid"_s);
    int purchase = -1;
    for (int column = 0; column < grid->columnCount(); ++column) {
        if (grid->horizontalHeaderItem(column)->text() == u"purchase")
            purchase = column;
    }
    QVERIFY(purchase >= 0);
    QCOMPARE(grid->item(0, purchase)->text(), u"3000"_s);
    grid->item(0, purchase)->setText(u"6000"_s);
    QSignalSpy loaded(m_pane.get(), &CostPane::loaded);
    m_pane->findChild<QPushButton *>(u"savePricesButton"_s)->click();
    QVERIFY(loaded.wait(5000));
    QVERIFY(QFile::exists(m_edits->filePath(u"pricing/this-cluster.json"_s)));
    QVERIFY(combo->currentText().contains(u"(edited)"_s));
    const cost::CostEstimate *cluster = estimateOf(m_pane->estimates(), u"This cluster"_s);
    QCOMPARE(cost::netOf(*cluster, u"hardware"_s).toText(), u"833.33"_s); // 5 nodes x $6000 / 36
    show(3, u"cost-prices.png"_s);
    m_pane->findChild<QPushButton *>(u"resetPricesButton"_s)->click();
    QVERIFY(loaded.wait(5000));
    QVERIFY(!QFile::exists(m_edits->filePath(u"pricing/this-cluster.json"_s)));
    cluster = estimateOf(m_pane->estimates(), u"This cluster"_s);
    QCOMPARE(cost::netOf(*cluster, u"hardware"_s).toText(), u"416.67"_s);
}

void TestCostPane::badPriceEditIsRefusedNamingTheEntry()
{
    auto *combo = m_pane->findChild<QComboBox *>(u"priceTableCombo"_s);
    combo->setCurrentIndex(combo->findData(u"aws-ec2.json"_s));
    auto *grid = m_pane->findChild<QTableWidget *>(u"priceGrid"_s);
    grid->item(2, 4)->setText(u"cheap"_s); // c5.large's hourly price
    m_pane->findChild<QPushButton *>(u"savePricesButton"_s)->click();
    auto *status = m_pane->findChild<QLabel *>(u"pricesStatus"_s);
    QVERIFY2(status->text().contains(u"entry 3 (\"c5.large, us-east-1\"): \"hourly\" must be a decimal amount"_s),
        qPrintable(status->text()));
    QVERIFY(!QFile::exists(m_edits->filePath(u"pricing/aws-ec2.json"_s)));
}

void TestCostPane::measuresANodeWithARealFunction()
{
    auto *button = m_pane->findChild<QPushButton *>(u"measureButton"_s);
    QVERIFY(!button->isEnabled()); // nothing deployed yet
    QVERIFY(m_pane->findChild<QLabel *>(u"measureLabel"_s)->text().contains(u"Deploy a function"_s));
    const QString id = m_fx->create(u"answer"_s);
    QVERIFY(m_fx->saveFile(id, u"handler.py"_s, u"def handle(event, context):\n    return 'ok'\n"_s));
    DeployJob *job = m_fx->wait(m_fx->releases->deploy(id, {u"node-1"_s}));
    QVERIFY(job && job->succeeded());
    QTRY_VERIFY(button->isEnabled());
    QCOMPARE(m_pane->findChild<QComboBox *>(u"measureNodeCombo"_s)->currentData().toString(), u"node-1"_s);
    QSignalSpy measured(m_pane.get(), &CostPane::measured);
    button->click();
    QVERIFY(m_pane->findChild<QPushButton *>(u"cancelMeasureButton"_s)->isEnabled());
    QVERIFY(measured.wait(30000));
    const auto summary = measured.at(0).at(0).value<LoadSummary>();
    QVERIFY2(summary.totals.succeeded > 0 && summary.totals.failed == 0, qPrintable(summary.sentence()));
    const double perSecond = m_pane->findChild<QLineEdit *>(u"measuredEdit"_s)->text().toDouble();
    QVERIFY(perSecond > 0);
    QTRY_VERIFY(estimateOf(m_pane->estimates(), u"This cluster"_s)->basis.contains(u"measured"_s));
    QVERIFY(m_pane->findChild<QLabel *>(u"measureLabel"_s)->text().startsWith(u"Measured: "_s));
    // "My function as measured" is offered as a preset and applied: its memory, its time a call.
    auto *presets = m_pane->findChild<QComboBox *>(u"presetCombo"_s);
    QVERIFY2(presets->currentText().startsWith(u"answer as measured (128 MiB, "_s), qPrintable(presets->currentText()));
    QCOMPARE(m_pane->workload().memoryMiB, 128);
    QVERIFY(std::abs(m_pane->workload().averageDurationMs - std::max(1.0, summary.meanMs)) < 1);
    presets->setCurrentIndex(0);
    Q_EMIT presets->activated(0);
    QCOMPARE(m_pane->workload().memoryMiB, 512);
    presets->setCurrentIndex(presets->count() - 1);
    Q_EMIT presets->activated(presets->count() - 1);
    QCOMPARE(m_pane->workload().memoryMiB, 128);
    show(0, u"cost-measured.png"_s);
    // Cancelled, nothing is taken from the run.
    m_pane->findChild<QLineEdit *>(u"measuredEdit"_s)->clear();
    button->click();
    QTest::qWait(300);
    m_pane->findChild<QPushButton *>(u"cancelMeasureButton"_s)->click();
    // The run may end inside the click, when no call was out at that moment.
    QTRY_COMPARE_WITH_TIMEOUT(measured.count(), 2, 10000);
    QVERIFY(measured.at(1).at(0).value<LoadSummary>().cancelled);
    QVERIFY(m_pane->findChild<QLineEdit *>(u"measuredEdit"_s)->text().isEmpty());
    QVERIFY(m_pane->findChild<QLabel *>(u"measureLabel"_s)->text().startsWith(u"Not measured: "_s));
}

void TestCostPane::requestLineMakesTheMeasuredCall()
{
    const LoadPlan plan = CostPane::measurementPlan(u" post /orders?x=1 "_s);
    QCOMPARE(plan.request.method, u"POST"_s);
    QCOMPARE(plan.request.path, u"/orders?x=1"_s);
    QVERIFY(plan.problems().isEmpty());
    QCOMPARE(CostPane::measurementPlan(QString()).request.method, u"GET"_s);
}

RUNE_TEST_MAIN(TestCostPane)
#include "tst_costpane.moc"
