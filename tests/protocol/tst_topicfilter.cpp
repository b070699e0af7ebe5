// SPDX-License-Identifier: GPL-3.0-or-later
// MQTT topic filters as brokers apply them: + one level, # the rest, $-topics left alone.

#include "../common/testmain.h"
#include "topicfilter.h"

#include <QTest>

using namespace rune::protocol;

class TestTopicFilter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matching_data();
    void matching();
    void validity_data();
    void validity();
};

void TestTopicFilter::matching_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("topic");
    QTest::addColumn<bool>("matches");
    QTest::newRow("exact") << "cars/42/crash"
                           << "cars/42/crash" << true;
    QTest::newRow("exact miss") << "cars/42/crash"
                                << "cars/43/crash" << false;
    QTest::newRow("plus") << "cars/+/crash"
                          << "cars/42/crash" << true;
    QTest::newRow("plus is one level") << "cars/+/crash"
                                       << "cars/42/x/crash" << false;
    QTest::newRow("plus matches empty level") << "cars/+/crash"
                                              << "cars//crash" << true;
    QTest::newRow("hash") << "cars/#"
                          << "cars/42/crash" << true;
    QTest::newRow("hash matches parent") << "cars/#"
                                         << "cars" << true;
    QTest::newRow("hash alone") << "#"
                                << "anything/at/all" << true;
    QTest::newRow("shorter topic") << "cars/+/crash"
                                   << "cars/42" << false;
    QTest::newRow("longer topic") << "cars/+"
                                  << "cars/42/crash" << false;
    QTest::newRow("dollar topic and hash") << "#"
                                           << "$SYS/broker/uptime" << false;
    QTest::newRow("dollar topic and plus") << "+/broker/uptime"
                                           << "$SYS/broker/uptime" << false;
    QTest::newRow("dollar topic exact") << "$SYS/#"
                                        << "$SYS/broker/uptime" << true;
    QTest::newRow("case matters") << "Cars/#"
                                  << "cars/1" << false;
}

void TestTopicFilter::matching()
{
    QFETCH(QString, filter);
    QFETCH(QString, topic);
    QFETCH(bool, matches);
    QCOMPARE(topicMatches(filter.toStdString(), topic.toStdString()), matches);
}

void TestTopicFilter::validity_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("problem");
    QTest::newRow("plain") << "a/b" << QString();
    QTest::newRow("wildcards") << "+/b/#" << QString();
    QTest::newRow("empty") << ""
                           << "must not be empty";
    QTest::newRow("hash not last") << "a/#/b"
                                   << "whole last level";
    QTest::newRow("hash in a word") << "a/b#"
                                    << "whole last level";
    QTest::newRow("plus in a word") << "a/b+/c"
                                    << "+ must be a whole level";
}

void TestTopicFilter::validity()
{
    QFETCH(QString, filter);
    QFETCH(QString, problem);
    const auto found = topicFilterProblem(filter.toStdString());
    if (problem.isEmpty()) {
        QVERIFY2(!found, found ? found->c_str() : "");
        return;
    }
    QVERIFY(found);
    QVERIFY2(QString::fromStdString(*found).contains(problem), found->c_str());
}

RUNE_TEST_GUILESS_MAIN(TestTopicFilter)
#include "tst_topicfilter.moc"
