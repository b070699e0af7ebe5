// SPDX-License-Identifier: GPL-3.0-or-later
// The memory tuner's window, opened from the Functions pane against a real agent: a run over a
// range with a function whose time depends on its memory, the chart and table it fills, the
// recommendation by strategy, Apply as a new version, exports, and Cancel leaving the serving
// version as it was.
#include "../common/functionfixture.h"
#include "../common/functions.h"
#include "../common/sorterfunction.h"
#include "../common/testmain.h"
#include "editortesthelpers.h"
#include "functionguihelpers.h"
#include "functions/functionspane.h"
#include "functions/memorytunerchart.h"
#include "functions/memorytunerdialog.h"

#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using namespace rune::views;
using rune::test::FunctionFixture;

namespace
{

const QString sorterSource = rune::test::sorterSource(384);

} // namespace

class TestMemoryTunerDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tunesAppliesAndExports();
    void cancelKeepsTheServingVersion();

private:
    QString deploySorter(FunctionFixture &fx);
};

void TestMemoryTunerDialog::initTestCase()
{
    qRegisterMetaType<TuningSummary>();
}

QString TestMemoryTunerDialog::deploySorter(FunctionFixture &fx)
{
    const QString id = fx.create(u"sorter"_s);
    if (id.isEmpty() || !fx.saveFile(id, u"handler.py"_s, sorterSource))
        return {};
    DeployJob *job = fx.wait(fx.releases->deploy(id, {u"node-1"_s}));
    return job && job->succeeded() ? id : QString();
}

void TestMemoryTunerDialog::tunesAppliesAndExports()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = deploySorter(fx);
    QVERIFY(!id.isEmpty());
    QCOMPARE(fx.catalog.find(id)->config.memoryMiB, 128);
    rune::test::PaneWindow window(fx);
    window.pane->selectFunction(id);
    auto *tuneButton = window.pane->findChild<QPushButton *>(u"tuneMemoryButton"_s);
    QVERIFY(tuneButton && tuneButton->isEnabled());
    QTest::mouseClick(tuneButton, Qt::LeftButton);
    auto *dialog = window.pane->findChild<MemoryTunerDialog *>();
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    auto *prices = dialog->findChild<QComboBox *>(u"tunerPrice"_s);
    QTRY_VERIFY_WITH_TIMEOUT(prices->isEnabled() && prices->currentText().contains(u"AWS Lambda"_s), 10000);
    QCOMPARE(dialog->findChild<QComboBox *>(u"tunerNode"_s)->currentData().toString(), u"node-1"_s);

    dialog->setRange(64, 512, 3);
    QSignalSpy finished(dialog, &MemoryTunerDialog::tuningFinished);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"tunerStart"_s), Qt::LeftButton);
    QVERIFY(dialog->isRunning());
    QVERIFY(dialog->findChild<QPushButton *>(u"tunerCancel"_s)->isEnabled());
    QVERIFY(!dialog->findChild<QPushButton *>(u"tunerStart"_s)->isEnabled());
    QVERIFY(finished.wait(180000));
    const auto summary = finished.at(0).at(0).value<TuningSummary>();
    QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));
    QCOMPARE(summary.outcomes.size(), 8);

    // The table has a row per size, 64 MiB marked as failed; the chart a point per size that answered.
    auto *table = dialog->findChild<QTableWidget *>(u"tunerTable"_s);
    QCOMPARE(table->rowCount(), 8);
    QCOMPARE(table->item(0, 0)->text(), u"512"_s);
    QVERIFY(table->item(7, 6)->text().startsWith(u"failed"_s));
    QCOMPARE(table->item(3, 6)->text(), u"ok"_s);
    QVERIFY(!table->item(3, 5)->text().isEmpty()); // $ per million
    const QMap<QString, int> points = dialog->chart()->seriesPoints();
    QCOMPARE(points.value(u"mean (warm)"_s), 7);
    QCOMPARE(points.value(u"p95 (warm)"_s), 7);
    QCOMPARE(points.value(u"$ per million calls"_s), 7);
    QCOMPARE(points.value(u"failed"_s), 1);
    QCOMPARE(points.value(u"cold start"_s), 7);

    // The default rule: the smallest size within 5 % of the fastest, the only one that sorts in one pass.
    const int recommended = dialog->recommendedMiB();
    QCOMPARE(recommended, 512);
    QVERIFY(points.contains(u"recommended: %1 MiB"_s.arg(recommended)));
    auto *apply = dialog->findChild<QPushButton *>(u"tunerApply"_s);
    QCOMPARE(apply->text(), u"&Apply %1 MiB"_s.arg(recommended));
    // Speed agrees; cost never takes the 12-pass size.
    dialog->setStrategy(1);
    QCOMPARE(dialog->recommendedMiB(), 512);
    dialog->setStrategy(0);
    QVERIFY(dialog->recommendedMiB() >= 192);
    dialog->setStrategy(3);
    QCOMPARE(dialog->recommendedMiB(), recommended);
    dialog->resize(1100, 820);
    QTest::qWait(200);
    QVERIFY(dialog->grab().save(rune::test::screenshotPath(u"memory-tuner.png"_s)));

    // Exports: the chart as a PNG, the table as CSV.
    QTemporaryDir out;
    QSignalSpy exported(dialog, &MemoryTunerDialog::exported);
    dialog->exportChartPng(out.filePath(u"tuning.png"_s));
    QVERIFY(exported.wait(10000));
    QVERIFY(exported.last().at(1).toString().isEmpty());
    QVERIFY(!QImage(out.filePath(u"tuning.png"_s)).isNull());
    dialog->exportCsv(out.filePath(u"tuning.csv"_s));
    QVERIFY(exported.wait(10000));
    QFile csv(out.filePath(u"tuning.csv"_s));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 9);
    QVERIFY(lines.first().startsWith("memory_mib,calls,cold_ms,mean_ms,p95_ms,usd_per_million_calls,failure"));
    QVERIFY(lines.at(1).startsWith("512,3,"));

    // Apply: the memory in the configuration and a new version on the node.
    const int before = fx.catalog.find(id)->currentVersion;
    QSignalSpy applied(dialog, &MemoryTunerDialog::applied);
    QTest::mouseClick(apply, Qt::LeftButton);
    QVERIFY(applied.wait(60000));
    QVERIFY2(applied.at(0).at(0).toBool(), qPrintable(applied.at(0).at(1).toString()));
    QCOMPARE(fx.catalog.find(id)->config.memoryMiB, recommended);
    QCOMPARE(fx.catalog.find(id)->currentVersion, before + 1);
    const auto served = rune::test::jsonOf(rune::test::controlGet(fx.agent(0), "/v1/functions/sorter"));
    QCOMPARE(served["config"]["memory_mib"].get<int>(), recommended);
}

void TestMemoryTunerDialog::cancelKeepsTheServingVersion()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = deploySorter(fx);
    QVERIFY(!id.isEmpty());
    rune::test::PaneWindow window(fx);
    window.pane->selectFunction(id);
    MemoryTunerDialog *dialog = window.pane->tuneMemory();
    QVERIFY(dialog);
    dialog->setRange(128, 2048, 20);
    QSignalSpy finished(dialog, &MemoryTunerDialog::tuningFinished);
    dialog->start();
    QTRY_VERIFY_WITH_TIMEOUT(
        rune::test::jsonOf(rune::test::controlGet(fx.agent(0), "/v1/functions/sorter/trials"))["trials"].size() == 1,
        20000);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"tunerCancel"_s), Qt::LeftButton);
    QCOMPARE(finished.count(), 1);
    QVERIFY(finished.at(0).at(0).value<TuningSummary>().cancelled);
    QVERIFY(dialog->status().contains(u"Cancelled"_s));
    QVERIFY(dialog->findChild<QPushButton *>(u"tunerStart"_s)->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(
        rune::test::jsonOf(rune::test::controlGet(fx.agent(0), "/v1/functions/sorter/trials"))["trials"].empty(), 5000);
    QCOMPARE(fx.catalog.find(id)->config.memoryMiB, 128);
    const auto served = rune::test::jsonOf(rune::test::controlGet(fx.agent(0), "/v1/functions/sorter"));
    QCOMPARE(served["version"].get<int>(), 1);
    QCOMPARE(served["config"]["memory_mib"].get<int>(), 128);
    // Closing the window mid-run ends the run the same way.
    dialog->start();
    QTRY_VERIFY_WITH_TIMEOUT(
        rune::test::jsonOf(rune::test::controlGet(fx.agent(0), "/v1/functions/sorter/trials"))["trials"].size() == 1,
        20000);
    dialog->close();
    QTRY_VERIFY_WITH_TIMEOUT(
        rune::test::jsonOf(rune::test::controlGet(fx.agent(0), "/v1/functions/sorter/trials"))["trials"].empty(), 5000);
}

RUNE_TEST_MAIN(TestMemoryTunerDialog)
#include "tst_memorytunerdialog.moc"
