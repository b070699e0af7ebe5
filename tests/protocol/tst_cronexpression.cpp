// SPDX-License-Identifier: GPL-3.0-or-later
// Cron schedules as admins write them: fields, lists, ranges, steps, names, the day-of-month /
// day-of-week rule, and the next run in local time.

#include "../common/testmain.h"
#include "cronexpression.h"

#include <QTest>
#include <cstdlib>

using namespace rune::protocol;

class TestCronExpression final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matches_data();
    void matches();
    void refusalsNameTheField_data();
    void refusalsNameTheField();
    void nextRun_data();
    void nextRun();
    void neverFiringScheduleEnds();
};

namespace
{

// A local time, built with mktime so it also fills in the weekday.
std::tm at(int year, int month, int day, int hour, int minute)
{
    std::tm time {};
    time.tm_year = year - 1900;
    time.tm_mon = month - 1;
    time.tm_mday = day;
    time.tm_hour = hour;
    time.tm_min = minute;
    time.tm_isdst = -1;
    std::mktime(&time);
    return time;
}

} // namespace

void TestCronExpression::initTestCase()
{
    // Fixed, so the expectations below do not depend on the machine's zone.
    setenv("TZ", "UTC", 1);
    tzset();
}

void TestCronExpression::matches_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<bool>("fires");
    // 2026-11-23 is a Monday.
    const auto t = [](int day, int hour, int minute) {
        return QDateTime(QDate(2026, 11, day), QTime(hour, minute));
    };
    QTest::newRow("every minute") << "* * * * *" << t(23, 10, 7) << true;
    QTest::newRow("minute list hit") << "0,15,30,45 * * * *" << t(23, 10, 30) << true;
    QTest::newRow("minute list miss") << "0,15,30,45 * * * *" << t(23, 10, 31) << false;
    QTest::newRow("step") << "*/20 * * * *" << t(23, 10, 40) << true;
    QTest::newRow("step miss") << "*/20 * * * *" << t(23, 10, 50) << false;
    QTest::newRow("range with step") << "10-30/10 * * * *" << t(23, 1, 20) << true;
    QTest::newRow("start with step") << "5/15 * * * *" << t(23, 1, 50) << true;
    QTest::newRow("hour range") << "0 9-17 * * *" << t(23, 18, 0) << false;
    QTest::newRow("weekday name") << "0 9 * * mon-fri" << t(23, 9, 0) << true;
    QTest::newRow("weekend") << "0 9 * * sat,sun" << t(23, 9, 0) << false;
    QTest::newRow("sunday as 7") << "0 9 * * 7" << t(22, 9, 0) << true;
    QTest::newRow("month name") << "0 0 1 dec *" << QDateTime(QDate(2026, 12, 1), QTime(0, 0)) << true;
    // Both day fields restricted: either one is enough (the 13th, or any Friday).
    QTest::newRow("day or weekday: day") << "0 0 13 * fri" << QDateTime(QDate(2026, 11, 13), QTime(0, 0)) << true;
    QTest::newRow("day or weekday: weekday") << "0 0 13 * mon" << t(23, 0, 0) << true;
    QTest::newRow("day or weekday: neither") << "0 0 13 * fri" << t(23, 0, 0) << false;
    // Only one restricted: it alone decides.
    QTest::newRow("day only") << "0 0 13 * *" << t(23, 0, 0) << false;
}

void TestCronExpression::matches()
{
    QFETCH(QString, schedule);
    QFETCH(QDateTime, time);
    QFETCH(bool, fires);
    const auto cron = CronExpression::parse(schedule.toStdString());
    QVERIFY2(cron, cron ? "" : cron.error().c_str());
    const std::tm local =
        at(time.date().year(), time.date().month(), time.date().day(), time.time().hour(), time.time().minute());
    QCOMPARE(cron->matches(local), fires);
}

void TestCronExpression::refusalsNameTheField_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QString>("reason");
    QTest::newRow("four fields") << "* * * *"
                                 << "five fields";
    QTest::newRow("six fields") << "* * * * * *"
                                << "has 6";
    QTest::newRow("minute 60") << "60 * * * *"
                               << "minute field '60'";
    QTest::newRow("hour 24") << "0 24 * * *"
                             << "hour field";
    QTest::newRow("day 0") << "0 0 0 * *"
                           << "day of month field";
    QTest::newRow("month 13") << "0 0 1 13 *"
                              << "month field";
    QTest::newRow("weekday 8") << "0 0 * * 8"
                               << "day of week field";
    QTest::newRow("zero step") << "*/0 * * * *"
                               << "minute field";
    QTest::newRow("backwards range") << "30-10 * * * *"
                                     << "minute field";
    QTest::newRow("word") << "often * * * *"
                          << "minute field";
}

void TestCronExpression::refusalsNameTheField()
{
    QFETCH(QString, schedule);
    QFETCH(QString, reason);
    const auto cron = CronExpression::parse(schedule.toStdString());
    QVERIFY(!cron);
    QVERIFY2(QString::fromStdString(cron.error()).contains(reason), cron.error().c_str());
}

void TestCronExpression::nextRun_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QDateTime>("after");
    QTest::addColumn<QDateTime>("next");
    const auto utc = [](int year, int month, int day, int hour, int minute) {
        return QDateTime(QDate(year, month, day), QTime(hour, minute), Qt::UTC);
    };
    QTest::newRow("next minute") << "* * * * *" << utc(2026, 11, 23, 10, 7) << utc(2026, 11, 23, 10, 8);
    QTest::newRow("later today") << "30 14 * * *" << utc(2026, 11, 23, 10, 7) << utc(2026, 11, 23, 14, 30);
    QTest::newRow("tomorrow") << "30 9 * * *" << utc(2026, 11, 23, 10, 7) << utc(2026, 11, 24, 9, 30);
    QTest::newRow("next month") << "0 0 1 * *" << utc(2026, 11, 23, 10, 7) << utc(2026, 12, 1, 0, 0);
    QTest::newRow("leap day") << "0 12 29 2 *" << utc(2026, 11, 23, 10, 7) << utc(2028, 2, 29, 12, 0);
    QTest::newRow("next friday") << "0 8 * * fri" << utc(2026, 11, 23, 10, 7) << utc(2026, 11, 27, 8, 0);
}

void TestCronExpression::nextRun()
{
    QFETCH(QString, schedule);
    QFETCH(QDateTime, after);
    QFETCH(QDateTime, next);
    const auto cron = CronExpression::parse(schedule.toStdString());
    QVERIFY(cron);
    const auto found = cron->next(std::time_t(after.toSecsSinceEpoch()));
    QVERIFY(found);
    QCOMPARE(QDateTime::fromSecsSinceEpoch(*found, Qt::UTC), next);
}

void TestCronExpression::neverFiringScheduleEnds()
{
    const auto cron = CronExpression::parse("0 0 31 2 *"); // 31 February
    QVERIFY(cron);
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!cron->next(std::time(nullptr)));
    QVERIFY(timer.elapsed() < 2000);
}

RUNE_TEST_GUILESS_MAIN(TestCronExpression)
#include "tst_cronexpression.moc"
