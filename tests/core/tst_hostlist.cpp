// SPDX-License-Identifier: GPL-3.0-or-later
// Adding many hosts at once: pasted lines, a CSV file, the hosts of ~/.ssh/config.
#include "../common/testmain.h"
#include "cluster/hostlist.h"

#include <QDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestHostList final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pastedLines_data();
    void pastedLines();
    void badLinesAreNamedAndTheRestKept();
    void csvWithAnyColumnOrder();
    void csvWithoutHostColumnIsRefused();
    void sshConfigHosts();
    void importedHostsReadBackAsLines();
};

void TestHostList::pastedLines_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<int>("role"); // -1: none given
    QTest::addColumn<QStringList>("labels");
    QTest::newRow("full") << u"ops@10.0.0.5:2222 edge rack1, gpu"_s << u"10.0.0.5"_s << 2222 << u"ops"_s
                          << int(NodeRole::Edge) << QStringList {u"rack1"_s, u"gpu"_s};
    QTest::newRow("host only") << u"db.example.org"_s << u"db.example.org"_s << 22 << QString() << -1 << QStringList();
    QTest::newRow("ipv6") << u"root@[2001:db8::7]:2200 controller"_s << u"2001:db8::7"_s << 2200 << u"root"_s
                          << int(NodeRole::Controller) << QStringList();
    QTest::newRow("role any case, comment") << u"  admin@web-1 Compute   # the first web node"_s << u"web-1"_s << 22
                                            << u"admin"_s << int(NodeRole::Compute) << QStringList();
}

void TestHostList::pastedLines()
{
    QFETCH(QString, line);
    const HostList list = parseHostLines(line);
    QVERIFY2(list.problems.isEmpty(), qPrintable(list.problems.join(u'\n')));
    QCOMPARE(list.hosts.size(), 1);
    const HostEntry &entry = list.hosts.first();
    QTEST(entry.ssh.host, "host");
    QTEST(int(entry.ssh.port), "port");
    QTEST(entry.ssh.user, "user");
    QTEST(entry.role ? int(*entry.role) : -1, "role");
    QTEST(entry.labels, "labels");
    QCOMPARE(entry.name, entry.ssh.host);
}

void TestHostList::badLinesAreNamedAndTheRestKept()
{
    const HostList list = parseHostLines(u"a@h1:22 compute\n\n# nothing\nb@h2:99999 edge\nc@h3 database\nd@h4\n"_s);
    QCOMPARE(list.hosts.size(), 2);
    QCOMPARE(list.hosts.at(0).ssh.host, u"h1"_s);
    QCOMPARE(list.hosts.at(1).ssh.host, u"h4"_s);
    QCOMPARE(list.hosts.at(1).line, 6);
    QCOMPARE(list.problems.size(), 2);
    QVERIFY2(list.problems.at(0).startsWith(u"Line 4: port 99999"_s), qPrintable(list.problems.at(0)));
    QVERIFY2(list.problems.at(1).contains(u"\"database\" is not a role"_s), qPrintable(list.problems.at(1)));
}

void TestHostList::csvWithAnyColumnOrder()
{
    const HostList list = parseHostCsv(u"role,host,user,port,labels,name,key\n"
                                       "edge,10.1.0.9,pi,2201,\"camera;north\",gate-cam,~/.ssh/pi\n"
                                       "compute,2001:db8::1,,,,,\n"
                                       "robot,h,,,,,\n"_s);
    QCOMPARE(list.hosts.size(), 2);
    const HostEntry &cam = list.hosts.at(0);
    QCOMPARE(cam.name, u"gate-cam"_s);
    QCOMPARE(cam.ssh, (SshEndpoint {u"10.1.0.9"_s, 2201, u"pi"_s, QDir::homePath() + u"/.ssh/pi"_s}));
    QCOMPARE(cam.role, std::optional(NodeRole::Edge));
    QCOMPARE(cam.labels, (QStringList {u"camera"_s, u"north"_s}));
    QCOMPARE(list.hosts.at(1).ssh.host, u"2001:db8::1"_s);
    QCOMPARE(list.hosts.at(1).ssh.port, 22);
    QCOMPARE(list.problems.size(), 1);
    QVERIFY(list.problems.first().startsWith(u"Line 4"_s));
}

void TestHostList::csvWithoutHostColumnIsRefused()
{
    const HostList list = parseHostCsv(u"address,role\n10.0.0.1,edge\n"_s);
    QVERIFY(list.hosts.isEmpty());
    QCOMPARE(list.problems.size(), 1);
    QVERIFY(list.problems.first().contains(u"\"host\""_s));
}

void TestHostList::sshConfigHosts()
{
    const HostList list = parseSshConfigHosts(u"Host *\n"
                                              "    ServerAliveInterval 30\n"
                                              "Host web1 web2\n"
                                              "    HostName 192.0.2.10\n"
                                              "    User deploy\n"
                                              "    Port=2022\n"
                                              "Host bastion-?\n"
                                              "    User nobody\n"
                                              "host db\n"
                                              "  identityfile ~/.ssh/db_key\n"
                                              "  IdentityFile ~/.ssh/other\n"
                                              "Match host x\n"
                                              "    User ignored\n"_s);
    QCOMPARE(list.hosts.size(), 3);
    QCOMPARE(list.hosts.at(0).name, u"web1"_s);
    // Addressed by alias: logging in goes through the entry (HostName, ProxyJump, ...).
    QCOMPARE(list.hosts.at(0).ssh.host, u"web1"_s);
    QCOMPARE(list.hosts.at(0).ssh.user, u"deploy"_s);
    QCOMPARE(list.hosts.at(0).ssh.port, 2022);
    QCOMPARE(list.hosts.at(1).name, u"web2"_s);
    QCOMPARE(list.hosts.at(1).ssh.port, 2022);
    QCOMPARE(list.hosts.at(2).name, u"db"_s);
    QCOMPARE(list.hosts.at(2).ssh.keyFile, QDir::homePath() + u"/.ssh/db_key"_s);
    QCOMPARE(list.hosts.at(2).ssh.user, QString());
    QVERIFY(!list.hosts.at(2).role);
}

void TestHostList::importedHostsReadBackAsLines()
{
    // The dialog shows imported hosts as editable lines; reading them back gives the same hosts.
    HostList imported = parseHostCsv(u"host,user,port,role,labels,name,key\n"
                                     "2001:db8::5,pi,2201,edge,cam;north,gate,/keys/pi\n"
                                     "10.0.0.1,,,,,,\n"_s);
    imported.hosts << parseSshConfigHosts(u"Host web\n  User deploy\n  IdentityFile /k/web\n"_s).hosts;
    QCOMPARE(imported.hosts.size(), 3);
    QStringList lines;
    for (const HostEntry &entry : std::as_const(imported.hosts))
        lines << formatHostLine(entry);
    QCOMPARE(lines.at(0), u"pi@[2001:db8::5]:2201 edge name=gate key=/keys/pi cam north"_s);
    const HostList again = parseHostLines(lines.join(u'\n'));
    QVERIFY(again.problems.isEmpty());
    QCOMPARE(again.hosts.size(), 3);
    for (int i = 0; i < 3; ++i) {
        HostEntry expected = imported.hosts.at(i);
        expected.line = i + 1;
        QCOMPARE(again.hosts.at(i), expected);
    }
}

RUNE_TEST_GUILESS_MAIN(TestHostList)
#include "tst_hostlist.moc"
