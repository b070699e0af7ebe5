// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "util/slicedwork.h"

#include <QElapsedTimer>
#include <QTest>

using namespace std::chrono_literals;

namespace
{

/** Keeps the thread busy for @p duration of wall time, as a costly item does. */
void busyFor(std::chrono::milliseconds duration)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < duration.count()) { }
}

} // namespace

class TestSlicedWork final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void slicesLetTheEventLoopRun();
    void everyTurnHandlesAtLeastOneItem();
    void itemsQueuedMeanwhileJoinTheSameDrain();
    void anItemMayQueueMoreItems();
    void nothingQueuedDrainsNothing();
};

void TestSlicedWork::slicesLetTheEventLoopRun()
{
    QList<int> handled;
    int drained = 0;
    qsizetype handledWhenOtherEventRan = -1;
    rune::SlicedWork<int> work(
        3ms,
        [&handled](const int &item) {
            busyFor(2ms);
            handled.append(item);
        },
        [&drained] {
            ++drained;
        });
    QList<int> items;
    for (int i = 0; i < 20; ++i)
        items.append(i);
    work.append(items);
    // Two items of 2 ms pass a budget of 3 ms: the first slice stops there (or sooner when slow).
    QVERIFY2(!handled.isEmpty() && handled.size() <= 2, qPrintable(QString::number(handled.size())));
    QCOMPARE(work.waiting(), 20 - handled.size());
    QCOMPARE(drained, 0);
    QTimer::singleShot(0, this, [&] {
        handledWhenOtherEventRan = handled.size();
    });
    QTRY_COMPARE(drained, 1);
    QCOMPARE(handled, items);
    QVERIFY2(handledWhenOtherEventRan >= 0 && handledWhenOtherEventRan < 20,
        "another event ran while the items were being handled");
    QCOMPARE(work.waiting(), 0);
}

void TestSlicedWork::everyTurnHandlesAtLeastOneItem()
{
    QList<int> handled;
    int drained = 0;
    rune::SlicedWork<int> work(
        0ms,
        [&handled](const int &item) {
            handled.append(item);
        },
        [&drained] {
            ++drained;
        });
    work.append({1, 2, 3});
    QCOMPARE(handled, QList<int>({1}));
    QTRY_COMPARE(drained, 1);
    QCOMPARE(handled, QList<int>({1, 2, 3}));
}

void TestSlicedWork::itemsQueuedMeanwhileJoinTheSameDrain()
{
    QList<int> handled;
    int drained = 0;
    rune::SlicedWork<int> work(
        0ms,
        [&handled](const int &item) {
            handled.append(item);
        },
        [&drained, &handled] {
            ++drained;
            QCOMPARE(handled.size(), 5);
        });
    work.append({1, 2, 3});
    work.append({4, 5});
    QCOMPARE(handled, QList<int>({1}));
    QTRY_COMPARE(drained, 1);
    QCOMPARE(handled, QList<int>({1, 2, 3, 4, 5}));
    QTest::qWait(20);
    QCOMPARE(drained, 1);
}

void TestSlicedWork::anItemMayQueueMoreItems()
{
    QList<int> handled;
    int drained = 0;
    std::function<void(int)> queueMore;
    rune::SlicedWork<int> work(
        50ms,
        [&handled, &queueMore](const int &item) {
            handled.append(item);
            queueMore(item);
        },
        [&drained] {
            ++drained;
        });
    queueMore = [&work](int item) {
        if (item < 3)
            work.append({item + 1});
    };
    work.append({0});
    QTRY_COMPARE(drained, 1);
    QCOMPARE(handled, QList<int>({0, 1, 2, 3}));
    QTest::qWait(20);
    QCOMPARE(drained, 1);
}

void TestSlicedWork::nothingQueuedDrainsNothing()
{
    int drained = 0;
    rune::SlicedWork<int> work(
        3ms,
        [](const int &) {},
        [&drained] {
            ++drained;
        });
    work.append({});
    QTest::qWait(20);
    QCOMPARE(drained, 0);
    QCOMPARE(work.waiting(), 0);
}

RUNE_TEST_GUILESS_MAIN(TestSlicedWork)
#include "tst_slicedwork.moc"
