// SPDX-License-Identifier: GPL-3.0-or-later
// A controller agent that runs HAProxy as its gateway (haproxy_binary, haproxy_listen): two real
// compute agents and a real HAProxy on loopback. Each PUT /v1/cluster becomes a checked
// haproxy.cfg applied by a reload while clients call, a killed HAProxy is started again, a
// configuration HAProxy refuses keeps the old one serving, a stopped or killed agent leaves no
// HAProxy behind, and bad settings stop the agent at start with a clear message.
//
// The controller's haproxy_binary is a two-line wrapper that runs the real /usr/sbin/haproxy
// with the same arguments (exec: same process), except that `haproxy -c` refuses a file routing
// the function "refuse-me": the only fault injected, as no list the writer accepts makes HAProxy
// refuse its configuration.

#include "../common/callingload.h"
#include "../common/functions.h"
#include "../common/testmain.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cerrno>
#include <csignal>

using namespace rune::test;
using json = nlohmann::json;

namespace
{

bool writeFile(const QString &path, const QByteArray &text, QFileDevice::Permissions permissions = {})
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text) != text.size())
        return false;
    return permissions == QFileDevice::Permissions() || file.setPermissions(permissions);
}

/** Whether any process is left in the process group HAProxy's master leads. */
bool groupAlive(pid_t group)
{
    return group > 1 && (::kill(-group, 0) == 0 || errno != ESRCH);
}

} // namespace

class TestHaproxySupervisor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void badSettingsStopTheAgent_data();
    void badSettingsStopTheAgent();
    void answersBeforeAnyNodeList();
    void callsReachBothComputes();
    void aChangedListUnderLoadLosesNoCall();
    void aRefusedConfigurationKeepsTheOldOne();
    void aKilledHaproxyIsStartedAgain();
    void aStoppedAgentLeavesNoHaproxy();
    void aKilledAgentLeavesNoHaproxy();

private:
    void startController();
    json haproxyStatus();
    /** PUTs the list and waits until HAProxy runs the configuration made from it. */
    void putCluster(const json &nodes);
    json nodesOf(std::initializer_list<int> computes, const QStringList &functions = {QStringLiteral("echo")}) const;
    QByteArray nodeOfOneCall();

    QTemporaryDir m_dir;
    QString m_configPath;
    quint16 m_haproxyPort = 0;
    std::vector<std::unique_ptr<TestAgent>> m_computes;
    std::unique_ptr<TestAgent> m_controller;
};

void TestHaproxySupervisor::initTestCase()
{
    if (!QFile::exists(haproxyBinary))
        QSKIP("HAProxy is not installed (/usr/sbin/haproxy); installers/setup.sh installs it");
    QVERIFY(m_dir.isValid());
    const QString wrapper = m_dir.filePath(QStringLiteral("haproxy"));
    QVERIFY(writeFile(wrapper,
        "#!/bin/sh\n"
        "if [ \"$1\" = -c ] && grep -q 'backend fn-refuse-me' \"$3\"; then\n"
        "    echo '[ALERT]    (1) : refused by the test'; exit 1\n"
        "fi\n"
        "exec "
            + haproxyBinary.toUtf8() + " \"$@\"\n",
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    m_haproxyPort = closedPort();
    m_configPath = m_dir.filePath(QStringLiteral("controller.conf"));
    QVERIFY(writeFile(m_configPath,
        "haproxy_binary = " + wrapper.toUtf8() + "\nhaproxy_listen = 127.0.0.1:" + QByteArray::number(m_haproxyPort)
            + "\n"));
    for (int index = 0; index < 2; ++index) {
        m_computes.push_back(std::make_unique<TestAgent>());
        QVERIFY(m_computes.back()->waitForPort());
        QCOMPARE(deployPython(*m_computes.back(), QStringLiteral("echo"), echoHandler).status, 201);
    }
    startController();
}

void TestHaproxySupervisor::startController()
{
    m_controller = std::make_unique<TestAgent>(
        QStringList {QStringLiteral("--role"), QStringLiteral("controller"), QStringLiteral("--config"), m_configPath});
    QVERIFY(m_controller->waitForPort());
}

json TestHaproxySupervisor::haproxyStatus()
{
    const auto reply = controlGet(*m_controller, "/v1/cluster");
    return reply.status == 200 ? jsonOf(reply).value("haproxy", json::object()) : json::object();
}

json TestHaproxySupervisor::nodesOf(std::initializer_list<int> computes, const QStringList &functions) const
{
    json nodes = json::array();
    for (const int index : computes) {
        json names = json::array();
        for (const QString &function : functions)
            names.push_back(function.toStdString());
        nodes.push_back({{"name", "compute-" + std::to_string(index + 1)},
            {"url", "http://127.0.0.1:" + std::to_string(m_computes[std::size_t(index)]->invokePort())},
            {"functions", names}});
    }
    return nodes;
}

void TestHaproxySupervisor::putCluster(const json &nodes)
{
    const auto before = haproxyStatus().value("generation", 0);
    const auto reply = httpRequest(m_controller->port(),
        "PUT",
        "/v1/cluster",
        m_controller->token(),
        QByteArray::fromStdString(json {{"nodes", nodes}}.dump()));
    QCOMPARE(reply.status, 200);
    QVERIFY(jsonOf(reply).contains("haproxy"));
    QTRY_VERIFY_WITH_TIMEOUT(haproxyStatus().value("generation", 0) == before + 1, 15000);
    QCOMPARE(haproxyStatus().value("last_error", std::string("?")), std::string());
}

QByteArray TestHaproxySupervisor::nodeOfOneCall()
{
    const auto reply = httpRequest(m_haproxyPort, "POST", "/function/echo", {}, "hello");
    return reply.status == 200 && reply.body == "hello" ? reply.header("x-rune-node") : QByteArray();
}

void TestHaproxySupervisor::badSettingsStopTheAgent_data()
{
    QTest::addColumn<QByteArray>("settings");
    QTest::addColumn<QString>("role");
    QTest::addColumn<QString>("message");
    const QByteArray listen = "haproxy_listen = 127.0.0.1:18088\n";
    QTest::newRow("relative path") << "haproxy_binary = haproxy\n" + listen << "controller"
                                   << "haproxy_binary must be the absolute path of the haproxy program";
    QTest::newRow("directory") << "haproxy_binary = /usr/sbin/\n" + listen << "controller"
                               << "haproxy_binary must be the absolute path";
    QTest::newRow("port 0") << QByteArray("haproxy_binary = /usr/sbin/haproxy\nhaproxy_listen = 127.0.0.1:0\n")
                            << "controller"
                            << "haproxy_listen must be IPV4:PORT or [IPV6]:PORT";
    QTest::newRow("port 70000") << QByteArray("haproxy_binary = /usr/sbin/haproxy\nhaproxy_listen = 127.0.0.1:70000\n")
                                << "controller"
                                << "with a port from 1 to 65535";
    QTest::newRow("garbage") << QByteArray("haproxy_binary = /usr/sbin/haproxy\nhaproxy_listen = \xff\xfe garbage\n")
                             << "controller"
                             << "haproxy_listen must be";
    QTest::newRow("bare ipv6") << QByteArray("haproxy_binary = /usr/sbin/haproxy\nhaproxy_listen = ::1:8088\n")
                               << "controller"
                               << "haproxy_listen must be";
    QTest::newRow("no listen") << QByteArray("haproxy_binary = /usr/sbin/haproxy\n") << "controller"
                               << "haproxy_binary needs haproxy_listen";
    QTest::newRow("not a controller") << "haproxy_binary = /usr/sbin/haproxy\n" + listen << "compute"
                                      << "haproxy_binary is for the controller role only";
    QTest::newRow("the invoke port") << QByteArray("haproxy_binary = /usr/sbin/haproxy\nhaproxy_listen = "
                                                   "0.0.0.0:18089\ninvoke_listen = 127.0.0.1:18089\n")
                                     << "controller"
                                     << "is the agent's own invoke_listen port";
}

void TestHaproxySupervisor::badSettingsStopTheAgent()
{
    QFETCH(QByteArray, settings);
    QFETCH(QString, role);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString config = dir.filePath(QStringLiteral("agent.conf"));
    QVERIFY(writeFile(config, settings));
    QProcess agent;
    agent.start(QStringLiteral(RUNE_AGENT_BINARY),
        {QStringLiteral("--config"),
            config,
            QStringLiteral("--role"),
            role,
            QStringLiteral("--state-dir"),
            dir.filePath(QStringLiteral("state")),
            QStringLiteral("--listen"),
            QStringLiteral("127.0.0.1:0")});
    QVERIFY(agent.waitForFinished(10000));
    QVERIFY(agent.exitCode() != 0);
    const QString said = QString::fromUtf8(agent.readAllStandardError() + agent.readAllStandardOutput());
    QVERIFY2(said.contains(message), qPrintable(said));
}

void TestHaproxySupervisor::answersBeforeAnyNodeList()
{
    QTRY_COMPARE_WITH_TIMEOUT(haproxyStatus().value("state", std::string()), std::string("running"), 15000);
    const json status = haproxyStatus();
    QCOMPARE(status["listen"].get<std::string>(), "127.0.0.1:" + std::to_string(m_haproxyPort));
    QVERIFY(status["pid"].is_number_integer());
    QCOMPARE(status["generation"].get<int>(), 1); // the empty list
    QCOMPARE(httpRequest(m_haproxyPort, "GET", "/healthz").status, 200);
    const auto unknown = callFunction(m_haproxyPort, "GET", "/function/echo");
    QCOMPARE(unknown.status, 404);
    QCOMPARE(errorCodeOf(unknown), QStringLiteral("not_found"));
    // The file HAProxy runs is in the state directory.
    QVERIFY(QFile::exists(m_controller->stateDir() + QStringLiteral("/haproxy/haproxy.cfg")));
}

void TestHaproxySupervisor::callsReachBothComputes()
{
    putCluster(nodesOf({0, 1}));
    // Health checks find both nodes up within a second or two (rise 1, every second).
    QTRY_VERIFY_WITH_TIMEOUT(nodeOfOneCall() == "compute-2", 10000);
    QMap<QByteArray, int> byNode;
    for (int call = 0; call < 40; ++call) {
        const auto reply = callFunction(m_haproxyPort, "POST", "/function/echo", "ping");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body, QByteArray("ping"));
        ++byNode[reply.header("x-rune-node")];
    }
    QCOMPARE(byNode.keys(), QList<QByteArray>({"compute-1", "compute-2"}));
}

void TestHaproxySupervisor::aChangedListUnderLoadLosesNoCall()
{
    CallingLoad load(m_haproxyPort, "/function/echo", "load");
    QTRY_VERIFY_WITH_TIMEOUT(load.answered() >= 30, 10000);
    const json before = haproxyStatus();
    putCluster(nodesOf({0})); // compute-2 leaves the list
    const json after = haproxyStatus();
    QCOMPARE(after["reloads"].get<int>(), before["reloads"].get<int>() + 1);
    QVERIFY(after["pid"] == before["pid"]); // reloaded, not restarted
    QTRY_VERIFY_WITH_TIMEOUT(
        [this] {
            for (int call = 0; call < 20; ++call) {
                if (nodeOfOneCall() != "compute-1")
                    return false;
            }
            return true;
        }(),
        15000);
    const int atReload = load.answered();
    QTRY_VERIFY_WITH_TIMEOUT(load.answered() >= atReload + 30, 10000);
    load.stop();
    QVERIFY2(load.failures().isEmpty(), load.failures().constData());
    // The same list again changes nothing: no reload.
    const auto again = httpRequest(m_controller->port(),
        "PUT",
        "/v1/cluster",
        {},
        QByteArray::fromStdString(json {{"nodes", nodesOf({0})}}.dump()));
    QCOMPARE(again.status, 200);
    QTest::qWait(500);
    QVERIFY(haproxyStatus()["reloads"] == after["reloads"]);
}

void TestHaproxySupervisor::aRefusedConfigurationKeepsTheOldOne()
{
    const json before = haproxyStatus();
    const auto reply = httpRequest(m_controller->port(),
        "PUT",
        "/v1/cluster",
        {},
        QByteArray::fromStdString(
            json {{"nodes", nodesOf({0, 1}, {QStringLiteral("echo"), QStringLiteral("refuse-me")})}}.dump()));
    QCOMPARE(reply.status, 200); // the writer takes it; HAProxy's own check comes after
    QTRY_VERIFY_WITH_TIMEOUT(!haproxyStatus().value("last_error", std::string()).empty(), 15000);
    const json status = haproxyStatus();
    const QString error = QString::fromStdString(status["last_error"].get<std::string>());
    QVERIFY2(error.contains(QStringLiteral("the previous one stays in force")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("refused by the test")), qPrintable(error));
    QVERIFY(status["generation"] == before["generation"]);
    QVERIFY(status["reloads"] == before["reloads"]);
    QCOMPARE(status["state"].get<std::string>(), std::string("running"));
    // The old list still serves: compute-1 only.
    for (int call = 0; call < 10; ++call)
        QCOMPARE(nodeOfOneCall(), QByteArray("compute-1"));
    QFile config(m_controller->stateDir() + QStringLiteral("/haproxy/haproxy.cfg"));
    QVERIFY(config.open(QIODevice::ReadOnly));
    QVERIFY(!config.readAll().contains("refuse-me"));

    // A list HAProxy's names cannot hold is refused at the door, for the gateway too.
    const auto hostile = httpRequest(m_controller->port(),
        "PUT",
        "/v1/cluster",
        {},
        R"({"nodes":[{"name":"bad name\n","url":"http://127.0.0.1:1","functions":["echo"]}]})");
    QCOMPARE(hostile.status, 400);
    QCOMPARE(errorCodeOf(hostile), QStringLiteral("invalid_cluster"));
    QVERIFY2(
        errorMessageOf(hostile).contains(QStringLiteral("HAProxy cannot route")), qPrintable(errorMessageOf(hostile)));
    // The built-in gateway took the refused list (it has no say in HAProxy's check); not this one.
    QCOMPARE(jsonOf(controlGet(*m_controller, "/v1/cluster"))["nodes"].size(), std::size_t(2));

    // The next good list is taken and clears the error.
    putCluster(nodesOf({0, 1}));
}

void TestHaproxySupervisor::aKilledHaproxyIsStartedAgain()
{
    const json before = haproxyStatus();
    const pid_t pid = before["pid"].get<pid_t>();
    QVERIFY(::kill(pid, SIGKILL) == 0);
    QTRY_VERIFY_WITH_TIMEOUT(
        QString::fromStdString(haproxyStatus().value("last_error", std::string())).contains(QStringLiteral("signal 9")),
        10000);
    QTRY_VERIFY_WITH_TIMEOUT(haproxyStatus().value("state", std::string()) == "running"
            && haproxyStatus()["pid"].is_number_integer() && haproxyStatus()["pid"].get<pid_t>() != pid,
        15000);
    QCOMPARE(haproxyStatus()["restarts"].get<int>(), before["restarts"].get<int>() + 1);
    QTRY_VERIFY_WITH_TIMEOUT(!groupAlive(pid), 10000); // the old master's workers went with it
    QTRY_VERIFY_WITH_TIMEOUT(nodeOfOneCall() == "compute-2", 10000);
}

void TestHaproxySupervisor::aStoppedAgentLeavesNoHaproxy()
{
    const pid_t pid = haproxyStatus()["pid"].get<pid_t>();
    QVERIFY(groupAlive(pid));
    QVERIFY(m_controller->stop());
    QTRY_VERIFY_WITH_TIMEOUT(!groupAlive(pid), 5000);
    QVERIFY(httpRequest(m_haproxyPort, "GET", "/healthz").status == 0);
}

void TestHaproxySupervisor::aKilledAgentLeavesNoHaproxy()
{
    startController();
    QTRY_COMPARE_WITH_TIMEOUT(haproxyStatus().value("state", std::string()), std::string("running"), 15000);
    const pid_t pid = haproxyStatus()["pid"].get<pid_t>();
    m_controller->killHard();
    QTRY_VERIFY_WITH_TIMEOUT(!groupAlive(pid), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(httpRequest(m_haproxyPort, "GET", "/healthz").status, 0, 10000);
}

RUNE_TEST_GUILESS_MAIN(TestHaproxySupervisor)
#include "tst_haproxysupervisor.moc"
