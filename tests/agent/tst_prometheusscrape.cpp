// SPDX-License-Identifier: GPL-3.0-or-later
// A real Prometheus (Debian's package) scrapes a real agent, with the agent's bearer token, and
// the numbers come back out of Prometheus' own query API.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QStandardPaths>
#include <QTest>

using namespace rune::test;
using json = nlohmann::json;

class TestPrometheusScrape final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void prometheusScrapesTheAgent();
};

namespace
{

// Prometheus on a free loopback port with its own data directory, stopped with the object.
class PrometheusServer
{
public:
    PrometheusServer(const QString &binary, quint16 agentPort, const QString &tokenFile)
        : m_port(closedPort())
    {
        const QString config = m_dir.filePath(QStringLiteral("prometheus.yml"));
        QFile file(config);
        if (file.open(QIODevice::WriteOnly)) {
            file.write(QStringLiteral("global:\n"
                                      "  scrape_interval: 1s\n"
                                      "scrape_configs:\n"
                                      "  - job_name: rune-agent\n"
                                      "    authorization:\n"
                                      "      type: Bearer\n"
                                      "      credentials_file: %1\n"
                                      "    static_configs:\n"
                                      "      - targets: ['127.0.0.1:%2']\n")
                           .arg(tokenFile)
                           .arg(agentPort)
                           .toUtf8());
        }
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(binary,
            {QStringLiteral("--config.file=") + config,
                QStringLiteral("--storage.tsdb.path=") + m_dir.filePath(QStringLiteral("data")),
                QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_port)});
    }

    ~PrometheusServer()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished(1000);
    }

    quint16 port() const
    {
        return m_port;
    }

    QByteArray output()
    {
        return m_process.readAll();
    }

    /** The value of an instant query's first sample, or -1. */
    double query(const QByteArray &promql)
    {
        const auto reply = httpRequest(m_port, "GET", "/api/v1/query?query=" + promql.toPercentEncoding());
        const json body = jsonOf(reply);
        if (reply.status != 200 || !body.is_object() || !body.contains(json::json_pointer("/data/result/0/value/1")))
            return -1;
        return std::stod(body.at(json::json_pointer("/data/result/0/value/1")).get<std::string>());
    }

    /** The health of the scrape target as Prometheus reports it ("up", "down", "unknown"), and its error. */
    QString targetHealth()
    {
        const json body = jsonOf(httpRequest(m_port, "GET", "/api/v1/targets"));
        const json::json_pointer first("/data/activeTargets/0");
        if (!body.is_object() || !body.contains(first) || !body.at(first).is_object())
            return {};
        const json &target = body.at(first);
        return QString::fromStdString(
            target.value("health", std::string()) + " " + target.value("lastError", std::string()));
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port;
};

} // namespace

void TestPrometheusScrape::prometheusScrapesTheAgent()
{
    const QString binary = QStandardPaths::findExecutable(QStringLiteral("prometheus"));
    if (binary.isEmpty())
        QSKIP("prometheus is not installed (installers/setup.sh installs it)");
    TestAgent agent({}, QStringLiteral("scrape-token"));
    QVERIFY(agent.waitForPort());
    QCOMPARE(
        deployPython(agent, QStringLiteral("scraped"), QStringLiteral("def handle(e, c):\n    return 'x'\n")).status,
        201);
    for (int call = 0; call < 7; ++call)
        QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/scraped").status, 200);

    PrometheusServer prometheus(binary, agent.port(), agent.tokenFilePath());
    QTRY_VERIFY2_WITH_TIMEOUT(prometheus.targetHealth().startsWith(QStringLiteral("up")),
        qPrintable(prometheus.targetHealth() + QString::fromUtf8(prometheus.output())),
        30000);
    QTRY_COMPARE_WITH_TIMEOUT(
        prometheus.query("sum(rune_function_invocations_total{function=\"scraped\",code=\"2xx\"})"), 7.0, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(
        prometheus.query("rune_function_duration_seconds_count{function=\"scraped\"}"), 6.0, 20000);
    QVERIFY(prometheus.query("rune_node_memory_total_bytes") > 0);
    QVERIFY(
        prometheus.query("histogram_quantile(0.5, rune_function_duration_seconds_bucket{function=\"scraped\"})") > 0);
}

RUNE_TEST_GUILESS_MAIN(TestPrometheusScrape)
#include "tst_prometheusscrape.moc"
