// SPDX-License-Identifier: GPL-3.0-or-later
// HAProxy as the controller's gateway, for real: two compute agents on loopback, the generated
// haproxy.cfg run by HAProxy in master-worker mode, calls spread over both nodes through it, and a
// node list change checked with `haproxy -c` and applied by a reload (SIGUSR2 to the master) while
// clients keep calling: no call fails.

#include "../common/callingload.h"
#include "../common/functions.h"
#include "../common/testmain.h"
#include "haproxyconfig.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace rune::test;
using json = nlohmann::json;

namespace
{

/** HAProxy's master process; stopped (workers with it) when the test ends, however it ends. */
class HaproxyMaster
{
public:
    ~HaproxyMaster()
    {
        stop();
    }

    void start(const QString &configPath)
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(haproxyBinary, {QStringLiteral("-W"), QStringLiteral("-db"), QStringLiteral("-f"), configPath});
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate(); // SIGTERM: the master stops its workers and exits
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    bool reload() const
    {
        return m_process.state() == QProcess::Running && ::kill(pid_t(m_process.processId()), SIGUSR2) == 0;
    }

    bool running() const
    {
        return m_process.state() == QProcess::Running;
    }

    QString output()
    {
        return QString::fromLocal8Bit(m_process.readAll());
    }

private:
    QProcess m_process;
};

/** `haproxy -c -f` on @p path: empty when valid, else what HAProxy said. */
QString checkProblems(const QString &path)
{
    QProcess check;
    check.setProcessChannelMode(QProcess::MergedChannels);
    check.start(haproxyBinary, {QStringLiteral("-c"), QStringLiteral("-f"), path});
    if (!check.waitForFinished(30000))
        return QStringLiteral("haproxy -c did not finish");
    const QString output = QString::fromLocal8Bit(check.readAll());
    return check.exitCode() == 0 ? QString() : output.isEmpty() ? QStringLiteral("haproxy -c failed") : output;
}

bool writeFile(const QString &path, const std::string &text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text.data(), qint64(text.size())) == qint64(text.size());
}

} // namespace

class TestHaproxyGateway final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void callsSpreadOverTheNodes();
    void unknownFunctionsAreA404InTheAgentsShape();
    void aReloadUnderLoadLosesNoCall();
    void cleanupTestCase();

private:
    /** Writes the configuration for @p nodes to a new file, checks it with `haproxy -c`, then swaps it in. */
    void installConfig(const std::vector<rune::protocol::HaproxyNode> &nodes);
    std::vector<rune::protocol::HaproxyNode> nodes(std::size_t count) const;
    QByteArray nodeOfOneCall();

    QTemporaryDir m_dir;
    QString m_configPath;
    rune::protocol::HaproxySettings m_settings;
    std::vector<std::unique_ptr<TestAgent>> m_computes;
    HaproxyMaster m_haproxy;
};

void TestHaproxyGateway::initTestCase()
{
    if (!QFile::exists(haproxyBinary))
        QSKIP("HAProxy is not installed (/usr/sbin/haproxy); installers/setup.sh installs it");
    QVERIFY(m_dir.isValid());
    for (int index = 0; index < 2; ++index) {
        m_computes.push_back(std::make_unique<TestAgent>());
        QVERIFY(m_computes.back()->waitForPort());
        QCOMPARE(deployPython(*m_computes.back(), QStringLiteral("echo"), echoHandler).status, 201);
    }
    m_configPath = m_dir.filePath(QStringLiteral("haproxy.cfg"));
    m_settings.bindHost = "127.0.0.1";
    m_settings.bindPort = closedPort();
    m_settings.statsSocket = m_dir.filePath(QStringLiteral("admin.sock")).toStdString();
    installConfig(nodes(2));
    if (QTest::currentTestFailed())
        return;
    m_haproxy.start(m_configPath);
    // Up once its own /healthz answers on the public port.
    QTRY_VERIFY2_WITH_TIMEOUT(
        httpRequest(m_settings.bindPort, "GET", "/healthz").status == 200, qPrintable(m_haproxy.output()), 10000);
    // And once its health checks found both nodes up (rise 1, every second).
    QTRY_VERIFY_WITH_TIMEOUT(nodeOfOneCall() == "compute-2", 10000);
}

std::vector<rune::protocol::HaproxyNode> TestHaproxyGateway::nodes(std::size_t count) const
{
    std::vector<rune::protocol::HaproxyNode> list;
    for (std::size_t index = 0; index < count; ++index)
        list.push_back({"compute-" + std::to_string(index + 1),
            "http://127.0.0.1:" + std::to_string(m_computes[index]->invokePort()),
            {"echo"}});
    return list;
}

void TestHaproxyGateway::installConfig(const std::vector<rune::protocol::HaproxyNode> &nodes)
{
    const auto config = rune::protocol::haproxyConfig(nodes, m_settings);
    QVERIFY(config);
    const QString next = m_configPath + QStringLiteral(".new");
    QVERIFY(writeFile(next, *config));
    const QString problems = checkProblems(next);
    QVERIFY2(problems.isEmpty(), qPrintable(problems));
    QFile::remove(m_configPath);
    QVERIFY(QFile::rename(next, m_configPath));
}

QByteArray TestHaproxyGateway::nodeOfOneCall()
{
    const auto reply = httpRequest(m_settings.bindPort, "POST", "/function/echo", {}, "hello");
    return reply.status == 200 && reply.body == "hello" ? reply.header("x-rune-node") : QByteArray();
}

void TestHaproxyGateway::callsSpreadOverTheNodes()
{
    QMap<QByteArray, int> byNode;
    for (int call = 0; call < 40; ++call) {
        const auto reply = callFunction(m_settings.bindPort, "POST", "/function/echo", "ping");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body, QByteArray("ping"));
        ++byNode[reply.header("x-rune-node")];
    }
    QCOMPARE(byNode.keys(), QList<QByteArray>({"compute-1", "compute-2"}));
    // A path and a version after the name reach the function too.
    QCOMPARE(callFunction(m_settings.bindPort, "GET", "/function/echo/sub/path").status, 200);
    QCOMPARE(callFunction(m_settings.bindPort, "GET", "/function/echo@v1").status, 200);
}

void TestHaproxyGateway::unknownFunctionsAreA404InTheAgentsShape()
{
    for (const QByteArray path : {"/function/missing", "/function/echoes", "/elsewhere"}) {
        const auto reply = callFunction(m_settings.bindPort, "GET", path);
        QCOMPARE(reply.status, 404);
        QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
        const json body = jsonOf(reply);
        QCOMPARE(body["error"]["code"].get<std::string>(), std::string("not_found"));
    }
}

void TestHaproxyGateway::aReloadUnderLoadLosesNoCall()
{
    CallingLoad load(m_settings.bindPort, "/function/echo", "load");
    QTRY_VERIFY_WITH_TIMEOUT(load.answered() >= 30, 10000);

    installConfig(nodes(1)); // compute-2 leaves the list
    QVERIFY(m_haproxy.reload());
    // The new worker routes only to compute-1; the old one finishes what it holds and leaves.
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
    QVERIFY2(m_haproxy.running(), qPrintable(m_haproxy.output()));

    load.stop();
    QVERIFY2(load.failures().isEmpty(), load.failures().constData());
}

void TestHaproxyGateway::cleanupTestCase()
{
    m_haproxy.stop();
}

RUNE_TEST_GUILESS_MAIN(TestHaproxyGateway)
#include "tst_haproxygateway.moc"
