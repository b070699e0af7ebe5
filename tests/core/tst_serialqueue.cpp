// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "util/background.h"

#include <QMutex>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <atomic>

using namespace rune;

/** The background idioms of util/background.h: order, thread of delivery, lifetime. */
class TestSerialQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runsJobsOneAtATimeInOrder()
    {
        QList<int> seen;
        std::atomic<int> running {0};
        std::atomic<int> overlaps {0};
        {
            SerialQueue queue;
            for (int index = 0; index < 50; ++index)
                queue.post([&, index] {
                    if (running.fetch_add(1) != 0)
                        ++overlaps;
                    QThread::usleep(200);
                    seen.append(index);
                    running.fetch_sub(1);
                });
        } // the destructor waits for every job
        QCOMPARE(seen.size(), 50);
        for (int index = 0; index < 50; ++index)
            QCOMPARE(seen.at(index), index);
        QCOMPARE(overlaps.load(), 0);
    }

    void runHandsTheResultBackOnTheContextThread()
    {
        SerialQueue queue;
        QObject context;
        Qt::HANDLE workThread = nullptr;
        Qt::HANDLE doneThread = nullptr;
        int result = 0;
        queue.run(
            &context,
            [&workThread] {
                workThread = QThread::currentThreadId();
                return 42;
            },
            [&](int value) {
                doneThread = QThread::currentThreadId();
                result = value;
            });
        QTRY_COMPARE(result, 42);
        QVERIFY(workThread != QThread::currentThreadId());
        QCOMPARE(doneThread, QThread::currentThreadId());
    }

    void aResultForADestroyedContextIsDropped()
    {
        SerialQueue queue;
        bool delivered = false;
        std::atomic<bool> release {false};
        {
            QObject context;
            queue.run(
                &context,
                [&release] {
                    while (!release.load())
                        QThread::msleep(1);
                    return 1;
                },
                [&delivered](int) {
                    delivered = true;
                });
        }
        release = true;
        queue.waitForDone();
        QCoreApplication::processEvents();
        QTest::qWait(20);
        QVERIFY(!delivered);
    }

    void oneShotJobsRunOffTheCallingThread()
    {
        QObject context;
        Qt::HANDLE workThread = nullptr;
        bool done = false;
        runInBackground(
            &context,
            [&workThread] {
                workThread = QThread::currentThreadId();
                return QStringLiteral("done");
            },
            [&done](const QString &text) {
                done = text == QStringLiteral("done");
            });
        QTRY_VERIFY(done);
        QVERIFY(workThread != QThread::currentThreadId());
    }
};

RUNE_TEST_GUILESS_MAIN(TestSerialQueue)
#include "tst_serialqueue.moc"
