// SPDX-License-Identifier: GPL-3.0-or-later
// GPUs on a real agent pointed at a fake /proc tree (proc_root) and an nvidia-smi stand-in
// (nvidia_smi): what /v1/info lists, the deploys the node refuses because it lacks the GPUs
// (409 insufficient_resources, nothing stored), and the CUDA_VISIBLE_DEVICES a real python3
// function sees.

#include "../common/fakegpus.h"
#include "../common/functions.h"
#include "../common/testmain.h"

#include <QProcess>
#include <QTest>

using namespace rune::test;
using json = nlohmann::json;
using namespace Qt::StringLiterals;

namespace
{

const QString environmentSource = QStringLiteral("import json, os\n"
                                                 "def handle(event, context):\n"
                                                 "    names = ['CUDA_VISIBLE_DEVICES', 'CUDA_DEVICE_ORDER',\n"
                                                 "             'CUDA_MPS_ACTIVE_THREAD_PERCENTAGE']\n"
                                                 "    return json.dumps({n: os.environ.get(n) for n in names})\n");

const QList<FakeGpu> twoGpus {{QStringLiteral("Tesla T4"), 15360}, {QStringLiteral("NVIDIA A10"), 23028}};

json gpusOf(TestAgent &agent)
{
    const HttpReply reply = controlGet(agent, "/v1/info");
    const json info = jsonOf(reply);
    return reply.status == 200 && info.is_object() && info.contains("gpus") ? info["gpus"] : json("missing");
}

// nlohmann's json converts to too many types for QCOMPARE: compared here, shown as text on failure.
bool sameJson(const json &actual, const json &expected)
{
    if (actual == expected)
        return true;
    qWarning("got %s, expected %s", actual.dump().c_str(), expected.dump().c_str());
    return false;
}

json gpu(int index, const char *model, std::uint64_t memoryMiB)
{
    return {{"index", index}, {"model", model}, {"memory_bytes", memoryMiB << 20}};
}

} // namespace

class TestGpus final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void infoListsTheGpus();
    void noGpusIsAnEmptyList();
    void nvidiaSmiAloneIsEnough();
    void hungNvidiaSmiDoesNotStopTheAgent();
    void deployTheNodeCannotRunIsRefused_data();
    void deployTheNodeCannotRunIsRefused();
    void functionSeesItsGpus_data();
    void functionSeesItsGpus();

private:
    std::unique_ptr<FakeGpuHost> m_host;
    std::unique_ptr<TestAgent> m_agent;
    int m_deploys = 0;
};

void TestGpus::initTestCase()
{
    m_host = std::make_unique<FakeGpuHost>(twoGpus);
    m_agent = std::make_unique<TestAgent>(m_host->agentArgs(), QStringLiteral("gpus"));
    QVERIFY(m_agent->waitForPort());
}

void TestGpus::infoListsTheGpus()
{
    // Model and index from the /proc tree, memory from nvidia-smi.
    QVERIFY(sameJson(gpusOf(*m_agent), json::array({gpu(0, "Tesla T4", 15360), gpu(1, "NVIDIA A10", 23028)})));
}

void TestGpus::noGpusIsAnEmptyList()
{
    FakeGpuHost none({}, FakeGpuHost::Smi::Missing);
    TestAgent agent(none.agentArgs(), QStringLiteral("none"));
    QVERIFY(agent.waitForPort());
    QVERIFY(sameJson(gpusOf(agent), json::array()));
    // A function without GPUs deploys; one that asks for one is refused.
    QCOMPARE(deployPython(agent, QStringLiteral("plain"), environmentSource).status, 201);
    const HttpReply refused =
        deployPython(agent, QStringLiteral("wants-gpu"), environmentSource, {{u"gpu_count"_s, 1}});
    QCOMPARE(refused.status, 409);
    QCOMPARE(errorMessageOf(refused), QStringLiteral("gpu_count 1 but this node has 0 GPUs"));
}

void TestGpus::nvidiaSmiAloneIsEnough()
{
    FakeGpuHost smiOnly(twoGpus, FakeGpuHost::Smi::Answers, false);
    TestAgent agent(smiOnly.agentArgs(), QStringLiteral("smi"));
    QVERIFY(agent.waitForPort());
    QVERIFY(sameJson(gpusOf(agent), json::array({gpu(0, "Tesla T4", 15360), gpu(1, "NVIDIA A10", 23028)})));
}

void TestGpus::hungNvidiaSmiDoesNotStopTheAgent()
{
    FakeGpuHost stuck(twoGpus, FakeGpuHost::Smi::Hangs);
    TestAgent agent(stuck.agentArgs(), QStringLiteral("stuck"));
    // The agent gives nvidia-smi 5 s, then starts with what /proc says: GPUs of unknown memory.
    QVERIFY(agent.waitForPort(20000));
    QVERIFY(sameJson(gpusOf(agent), json::array({gpu(0, "Tesla T4", 0), gpu(1, "NVIDIA A10", 0)})));
    const HttpReply refused = deployPython(
        agent, QStringLiteral("big"), environmentSource, {{u"gpu_count"_s, 1}, {u"gpu_memory_mib"_s, 1024}});
    QCOMPARE(refused.status, 409);
    QCOMPARE(errorMessageOf(refused),
        QStringLiteral("gpu_memory_mib 1024 but this node cannot tell its GPUs' memory (nvidia-smi did not answer)"));
    // The stand-in was ended with its process group, not left behind.
    QProcess pgrep;
    pgrep.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), QStringLiteral("sleep 600")});
    QVERIFY(pgrep.waitForFinished(5000));
    QCOMPARE(pgrep.readAllStandardOutput().trimmed(), QByteArray());
}

void TestGpus::deployTheNodeCannotRunIsRefused_data()
{
    QTest::addColumn<QJsonObject>("config");
    QTest::addColumn<QString>("message");
    QTest::newRow("more GPUs than the node has")
        << QJsonObject {{u"gpu_count"_s, 3}} << QStringLiteral("gpu_count 3 but this node has 2 GPUs");
    QTest::newRow("more memory than the largest GPU") << QJsonObject {{u"gpu_count"_s, 1},
        {u"gpu_memory_mib"_s, 32768}} << QStringLiteral("gpu_memory_mib 32768 but the largest GPU has 23028 MiB");
    QTest::newRow("more GPUs with that memory than the node has")
        << QJsonObject {{u"gpu_count"_s, 2}, {u"gpu_memory_mib"_s, 16384}}
        << QStringLiteral("gpu_count 2 with gpu_memory_mib 16384 but this node has 1 GPU with that much");
}

void TestGpus::deployTheNodeCannotRunIsRefused()
{
    QFETCH(QJsonObject, config);
    QFETCH(QString, message);
    const QString name = QStringLiteral("refused-%1").arg(++m_deploys);
    const HttpReply reply = deployPython(*m_agent, name, environmentSource, config);
    QCOMPARE(reply.status, 409);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("insufficient_resources"));
    QCOMPARE(errorMessageOf(reply), message);
    QVERIFY(sameJson(jsonOf(reply)["error"]["problems"], json::array({message.toStdString()})));
    // Nothing was stored: the function does not exist.
    QCOMPARE(controlGet(*m_agent, "/v1/functions/" + name.toUtf8()).status, 404);
}

void TestGpus::functionSeesItsGpus_data()
{
    QTest::addColumn<QJsonObject>("config");
    QTest::addColumn<QJsonObject>("seen");
    const auto seen = [](const QJsonValue &visible, const QJsonValue &percent = QJsonValue::Null) {
        return QJsonObject {{u"CUDA_VISIBLE_DEVICES"_s, visible},
            {u"CUDA_DEVICE_ORDER"_s, u"PCI_BUS_ID"_s},
            {u"CUDA_MPS_ACTIVE_THREAD_PERCENTAGE"_s, percent}};
    };
    QTest::newRow("no GPU: none visible") << QJsonObject {} << seen(u""_s);
    QTest::newRow("no GPU, whatever its env says")
        << QJsonObject {{u"env"_s, QJsonObject {{u"CUDA_VISIBLE_DEVICES"_s, u"0,1"_s}}}} << seen(u""_s);
    QTest::newRow("one GPU: the first") << QJsonObject {{u"gpu_count"_s, 1}} << seen(u"0"_s);
    QTest::newRow("two GPUs") << QJsonObject {{u"gpu_count"_s, 2}} << seen(u"0,1"_s);
    QTest::newRow("one GPU with 16 GiB: the second")
        << QJsonObject {{u"gpu_count"_s, 1}, {u"gpu_memory_mib"_s, 16384}} << seen(u"1"_s);
    QTest::newRow("half a GPU") << QJsonObject {{u"gpu_count"_s, 1}, {u"gpu_percent"_s, 50}} << seen(u"0"_s, u"50"_s);
}

void TestGpus::functionSeesItsGpus()
{
    QFETCH(QJsonObject, config);
    QFETCH(QJsonObject, seen);
    const QString name = QStringLiteral("sees-%1").arg(++m_deploys);
    const HttpReply deployed = deployPython(*m_agent, name, environmentSource, config);
    QCOMPARE(deployed.status, 201);
    const HttpReply call = callFunction(m_agent->invokePort(), "POST", "/function/" + name.toUtf8());
    QCOMPARE(call.status, 200);
    QCOMPARE(QJsonDocument::fromJson(call.body).object(), seen);
    // The configuration the agent keeps says the same.
    const json stored = jsonOf(controlGet(*m_agent, "/v1/functions/" + name.toUtf8()))["config"];
    QCOMPARE(stored.value("gpu_count", -1), config.value(u"gpu_count"_s).toInt(0));
    QCOMPARE(stored.value("gpu_percent", -1), config.value(u"gpu_percent"_s).toInt(100));
}

RUNE_TEST_GUILESS_MAIN(TestGpus)
#include "tst_gpus.moc"
