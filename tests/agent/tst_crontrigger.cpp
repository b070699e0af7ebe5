// SPDX-License-Identifier: GPL-3.0-or-later
// A cron trigger on a real edge agent fires at the next minute of local time. Waits up to a
// minute by nature; it runs beside the other tests.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QTest>

using namespace rune::test;
using json = nlohmann::json;

class TestCronTrigger final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyMinuteFiresAtTheNextMinute();
};

void TestCronTrigger::everyMinuteFiresAtTheNextMinute()
{
    TestAgent edge({QStringLiteral("--role"), QStringLiteral("edge")});
    QVERIFY(edge.waitForPort());
    QCOMPARE(deployPython(edge,
                 QStringLiteral("ticker"),
                 QStringLiteral("import time\n"
                                "def handle(event, context):\n"
                                "    print('tick', event.get('trigger'), int(time.time()) % 60)\n"
                                "    return 'ticked'\n"),
                 {{QStringLiteral("triggers"),
                     QJsonArray {QJsonObject {{QStringLiteral("type"), QStringLiteral("cron")},
                         {QStringLiteral("value"), QStringLiteral("* * * * *")}}}}})
                 .status,
        201);
    const json status = jsonOf(controlGet(edge, "/v1/triggers"));
    QCOMPARE(status["cron"].size(), std::size_t(1));
    const qint64 nextRun = status["cron"][0]["next_run_ms"].get<qint64>();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(nextRun > now && nextRun <= now + 60'000);
    QVERIFY(nextRun % 60'000 == 0);
    // The log line appears within a few seconds of the minute starting.
    QTRY_VERIFY_WITH_TIMEOUT(
        QByteArray::fromStdString(jsonOf(controlGet(edge, "/v1/logs?function=ticker")).dump()).contains("tick cron"),
        int(nextRun - now) + 5000);
    const json logs = jsonOf(controlGet(edge, "/v1/logs?function=ticker"));
    const QString line = textOf(logs["lines"][0]["text"]);
    const int second = line.section(u' ', 2, 2).toInt();
    QVERIFY2(second < 5, qPrintable(line)); // at the start of the minute, not some time in it
}

RUNE_TEST_GUILESS_MAIN(TestCronTrigger)
#include "tst_crontrigger.moc"
