// SPDX-License-Identifier: GPL-3.0-or-later
// The record of a demo cluster kept by `rune demo up`: what the window (Console) makes of it.
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "demo/demorecord.h"
#include "settings/settings.h"
#include "shell/console.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestDemoRecord final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void aLiveRecordBringsItsNodesIntoTheConsole();
    void aRecordOfAnotherProgramIsStale();
    void aDamagedRecordIsIgnored();

private:
    static DemoRecord recordOf(qint64 pid, const QString &program);
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Settings> m_settings;
};

void TestDemoRecord::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings = std::make_unique<Settings>(m_dir->filePath(u"rune.ini"_s));
    QVERIFY(m_settings->setValue(Settings::Key::DataDir, m_dir->filePath(u"data"_s)));
}

DemoRecord TestDemoRecord::recordOf(qint64 pid, const QString &program)
{
    Node node;
    node.id = u"local-controller"_s;
    node.name = u"controller"_s;
    node.role = NodeRole::Controller;
    node.agent = AgentEndpoint {41234, u"secret-token"_s, true, 41235};
    node.state = NodeState::Running;
    return DemoRecord {pid, program, true, {node}, {}};
}

void TestDemoRecord::aLiveRecordBringsItsNodesIntoTheConsole()
{
    // This test's own process stands for the one that runs the agents.
    const DemoRecord written = recordOf(QCoreApplication::applicationPid(), QCoreApplication::applicationFilePath());
    QVERIFY(writeDemoRecord(m_settings->dataDir(), written));
    QCOMPARE(QFile::permissions(demoRecordPath(m_settings->dataDir())),
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser);

    const auto read = readLiveDemoRecord(m_settings->dataDir());
    QVERIFY(read);
    QCOMPARE(read->nodes.size(), 1);
    QCOMPARE(read->nodes.first().agent, written.nodes.first().agent);
    QCOMPARE(read->nodes.first().state, NodeState::Running);

    auto console = Console::open(m_settings.get(), ConsoleEdges {});
    QVERIFY(console);
    QVERIFY((*console)->hasDetachedDemo());
    const Node *node = (*console)->services().fleet.nodes->find(u"local-controller"_s);
    QVERIFY(node);
    QVERIFY(node->agent.local);
    QCOMPARE(node->agent.controlPort, quint16(41234));
    QCOMPARE(node->agent.token, u"secret-token"_s);
    QCOMPARE(node->role, NodeRole::Controller);
}

void TestDemoRecord::aRecordOfAnotherProgramIsStale()
{
    // A pid that now belongs to another program is not the cluster's (a recycled pid).
    QVERIFY(writeDemoRecord(m_settings->dataDir(), recordOf(QCoreApplication::applicationPid(), u"/bin/sh"_s)));
    QVERIFY(!readLiveDemoRecord(m_settings->dataDir()));
    auto console = Console::open(m_settings.get(), ConsoleEdges {});
    QVERIFY(console);
    QVERIFY(!(*console)->hasDetachedDemo());
    QCOMPARE((*console)->services().fleet.nodes->count(), 0);
}

void TestDemoRecord::aDamagedRecordIsIgnored()
{
    QVERIFY(writeDemoRecord(m_settings->dataDir(), {}));
    QFile file(demoRecordPath(m_settings->dataDir()));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("{\"pid\": \"\xff\xfe\", \"nodes\": [1]");
    file.close();
    QVERIFY(!readLiveDemoRecord(m_settings->dataDir()));

    // A live record keeps only the nodes it describes whole: a port past 65535, no id, no role.
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QJsonDocument(
        QJsonObject {{u"pid"_s, QCoreApplication::applicationPid()},
            {u"program"_s, QCoreApplication::applicationFilePath()},
            {u"nodes"_s,
                QJsonArray {1,
                    QJsonObject {{u"id"_s, u"a"_s}, {u"role"_s, u"compute"_s}, {u"control_port"_s, 99999}},
                    QJsonObject {{u"role"_s, u"compute"_s}, {u"control_port"_s, 80}},
                    QJsonObject {{u"id"_s, u"c"_s}, {u"role"_s, u"boss"_s}, {u"control_port"_s, 80}}}}})
                   .toJson());
    file.close();
    const auto read = readLiveDemoRecord(m_settings->dataDir());
    QVERIFY(read);
    QVERIFY(read->nodes.isEmpty());
}

RUNE_TEST_GUILESS_MAIN(TestDemoRecord)
#include "tst_demorecord.moc"
