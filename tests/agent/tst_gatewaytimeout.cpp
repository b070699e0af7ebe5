// SPDX-License-Identifier: GPL-3.0-or-later
// The gateway giving up on a node that took a call and never answers: the caller gets a 504, the
// call is not sent again, and the connection is closed, not kept for the next call. The gateway
// runs in the test's process with a 1 s call timeout (the agent's is 910 s) against the Python
// node of tst_gatewayconformance; only the agent's HTTP server, which would hand the answer to
// the caller, is replaced by a recorder.

#include "../common/testmain.h"
#include "gateway/gateway.h"
#include "logs/eventlog.h"

#include <QProcess>
#include <QTest>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

using namespace rune::agent;
using namespace std::chrono_literals;

namespace
{

/** The caller's side of an exchange: keeps the answer the gateway gives. */
class RecordingChannel final : public ResponseChannel
{
public:
    void sendResponse(Response response) override
    {
        const std::lock_guard lock(m_mutex);
        m_response = std::move(response);
        m_answered.notify_all();
    }
    void sendStreamHeader(http::response_header<>) override
    {
    }
    void sendStreamChunk(std::string, std::function<void(bool delivered)> done) override
    {
        if (done)
            done(false);
    }
    void finishStream() override
    {
    }

    std::optional<Response> wait(std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(m_mutex);
        m_answered.wait_for(lock, timeout, [this] {
            return m_response.has_value();
        });
        return m_response;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_answered;
    std::optional<Response> m_response;
};

} // namespace

class TestGatewayTimeout final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void aSilentNodeCostsA504AndItsConnection();
    void cleanupTestCase();

private:
    std::optional<Response> forward(http::verb method, const std::string &target);
    nlohmann::json nodeStats();

    QProcess m_node;
    quint16 m_nodePort = 0;
    EventLog m_events; // outlives the io_context and what its queue still holds
    boost::asio::io_context m_io;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> m_work;
    std::thread m_ioThread;
    std::shared_ptr<Gateway> m_gateway;
};

void TestGatewayTimeout::initTestCase()
{
    m_node.start(QStringLiteral("python3"),
        {QStringLiteral("-u"), QStringLiteral(RUNE_SOURCE_DIR "/tests/agent/gatewaynode.py")});
    QVERIFY2(m_node.waitForStarted(), "python3 is needed for the test's node");
    while (!m_node.canReadLine() && m_node.waitForReadyRead(10000)) { }
    const QByteArray line = m_node.readLine().trimmed();
    QVERIFY2(line.startsWith("port "), line.constData());
    m_nodePort = quint16(line.mid(5).toUInt());

    m_work.emplace(m_io.get_executor());
    m_ioThread = std::thread([this] {
        m_io.run();
    });
    m_gateway = std::make_shared<Gateway>(m_io, m_events, GatewayTimeouts {.connect = 1s, .call = 1s});
    // Two names for one node: a call replayed on "another" node would reach it twice.
    const std::string url = "http://127.0.0.1:" + std::to_string(m_nodePort);
    const auto set = m_gateway->setNodes({{"nodes",
        {{{"name", "raw-1"}, {"url", url}, {"functions", {"conf"}}},
            {{"name", "raw-2"}, {"url", url}, {"functions", {"conf"}}}}}});
    QVERIFY2(set.has_value(), set ? "" : set.error().c_str());
}

std::optional<Response> TestGatewayTimeout::forward(http::verb method, const std::string &target)
{
    auto channel = std::make_shared<RecordingChannel>();
    Request request(method, target, 11);
    request.set(http::field::host, "gateway");
    m_gateway->forward(Exchange(std::move(request), {}, channel), "conf");
    return channel->wait(10s);
}

nlohmann::json TestGatewayTimeout::nodeStats()
{
    const auto answer = forward(http::verb::get, "/function/conf/stats");
    return answer ? nlohmann::json::parse(answer->body(), nullptr, false) : nlohmann::json();
}

void TestGatewayTimeout::aSilentNodeCostsA504AndItsConnection()
{
    const auto answer = forward(http::verb::post, "/function/conf/silent");
    QVERIFY(answer.has_value());
    QCOMPARE(answer->result(), http::status::gateway_timeout);
    const auto error = nlohmann::json::parse(answer->body(), nullptr, false);
    QCOMPARE(error["error"].value("code", ""), std::string("upstream_timeout"));
    const std::string message = error["error"].value("message", "");
    QVERIFY2(message.find("did not answer within 1 s") != std::string::npos, message.c_str());
    QVERIFY2(message.find("may have run it") != std::string::npos, message.c_str());
    QTRY_COMPARE_WITH_TIMEOUT(nodeStats()["silent_closed"].get<int>(), 1, 5000);
    QCOMPARE(nodeStats()["requests"]["silent"].get<int>(), 1);
}

void TestGatewayTimeout::cleanupTestCase()
{
    m_work.reset();
    m_io.stop();
    if (m_ioThread.joinable())
        m_ioThread.join();
    m_gateway.reset();
    m_node.kill();
    m_node.waitForFinished(5000);
}

RUNE_TEST_GUILESS_MAIN(TestGatewayTimeout)
#include "tst_gatewaytimeout.moc"
