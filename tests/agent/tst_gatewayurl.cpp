// SPDX-License-Identifier: GPL-3.0-or-later
// The gateway's node URLs: http://HOST:PORT with a host name, an IPv4 address or a bracketed
// IPv6 address, and hostile URLs refused with a clear reason. Then the built-in gateway forwarding
// to a real compute agent that listens on the IPv6 loopback only.

#include "../common/functions.h"
#include "../common/testmain.h"
#include "gateway/upstream.h"

#include <QTcpServer>
#include <QTest>

using namespace rune::test;
using rune::agent::parseNodeUrl;
using json = nlohmann::json;

class TestGatewayUrl final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goodUrls_data();
    void goodUrls();
    void hostileUrls_data();
    void hostileUrls();
    void authorityBracketsIpv6();
    void forwardsToANodeOnIpv6Loopback();
};

void TestGatewayUrl::goodUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::newRow("ipv4") << "http://127.0.0.1:8081"
                          << "127.0.0.1" << 8081;
    QTest::newRow("name") << "http://compute-1.example:80"
                          << "compute-1.example" << 80;
    QTest::newRow("with a path") << "http://10.0.0.1:65535/ignored"
                                 << "10.0.0.1" << 65535;
    QTest::newRow("ipv6 loopback") << "http://[::1]:8081"
                                   << "::1" << 8081;
    QTest::newRow("ipv6 with a path") << "http://[fd00::2]:1/x"
                                      << "fd00::2" << 1;
    QTest::newRow("ipv6 long form") << "http://[2001:DB8:0:0:0:0:0:1]:443"
                                    << "2001:db8::1" << 443;
    QTest::newRow("ipv4-mapped") << "http://[::ffff:10.1.2.3]:8080"
                                 << "::ffff:10.1.2.3" << 8080;
}

void TestGatewayUrl::goodUrls()
{
    QFETCH(QString, url);
    QFETCH(QString, host);
    QFETCH(int, port);
    const auto address = parseNodeUrl(url.toStdString());
    QVERIFY2(address, address ? "" : address.error().c_str());
    QCOMPARE(QString::fromStdString(address->host), host);
    QCOMPARE(int(address->port), port);
}

void TestGatewayUrl::hostileUrls_data()
{
    QTest::addColumn<QByteArray>("url");
    QTest::addColumn<QString>("reason");
    QTest::newRow("ftp") << QByteArray("ftp://host:1") << "must start with http://";
    QTest::newRow("https") << QByteArray("https://host:1") << "must start with http://";
    QTest::newRow("no port") << QByteArray("http://host") << "needs a port";
    QTest::newRow("empty port") << QByteArray("http://host:") << "is not valid";
    QTest::newRow("port 0") << QByteArray("http://host:0") << "is not valid";
    QTest::newRow("port 70000") << QByteArray("http://host:70000") << "is not valid";
    QTest::newRow("signed port") << QByteArray("http://host:+80") << "is not valid";
    QTest::newRow("bare ipv6") << QByteArray("http://::1:8081") << "needs a host name";
    QTest::newRow("unclosed bracket") << QByteArray("http://[::1:8081") << "[IPV6]:PORT";
    QTest::newRow("no port after bracket") << QByteArray("http://[::1]") << "[IPV6]:PORT";
    QTest::newRow("junk after bracket") << QByteArray("http://[::1]x:80") << "[IPV6]:PORT";
    QTest::newRow("empty brackets") << QByteArray("http://[]:80") << "no valid IPv6 address";
    QTest::newRow("ipv4 in brackets") << QByteArray("http://[127.0.0.1]:80") << "no valid IPv6 address";
    QTest::newRow("name in brackets") << QByteArray("http://[localhost]:80") << "no valid IPv6 address";
    QTest::newRow("zone id") << QByteArray("http://[fe80::1%eth0]:80") << "no valid IPv6 address";
    QTest::newRow("nested brackets") << QByteArray("http://[[::1]]:80") << "[IPV6]:PORT";
    QTest::newRow("user info") << QByteArray("http://user@host:80") << "needs a host name";
    QTest::newRow("space") << QByteArray("http://ho st:80") << "needs a host name";
    QTest::newRow("line break") << QByteArray("http://host\r\nX: y:80") << "needs a host name";
    QTest::newRow("zero byte") << QByteArray("http://host\0x:80", 16) << "needs a host name";
    QTest::newRow("invalid utf-8") << QByteArray("http://h\xff\xfe:80") << "needs a host name";
    QTest::newRow("huge") << "http://" + QByteArray(100000, 'a') + ":80"
                          << "needs a host name";
}

void TestGatewayUrl::hostileUrls()
{
    QFETCH(QByteArray, url);
    QFETCH(QString, reason);
    const auto address = parseNodeUrl(std::string_view(url.constData(), std::size_t(url.size())));
    QVERIFY(!address);
    const QString error = QString::fromStdString(address.error());
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY2(error.size() < 300, qPrintable(error)); // the url is quoted as an excerpt
}

void TestGatewayUrl::authorityBracketsIpv6()
{
    QCOMPARE(rune::agent::authorityOf("::1", 8081), std::string("[::1]:8081"));
    QCOMPARE(rune::agent::authorityOf("127.0.0.1", 80), std::string("127.0.0.1:80"));
    QCOMPARE(rune::agent::authorityOf("node-1", 80), std::string("node-1:80"));
}

void TestGatewayUrl::forwardsToANodeOnIpv6Loopback()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHostIPv6, 0))
        QSKIP("this machine has no IPv6 loopback (::1)");
    const quint16 invokePort = probe.serverPort();
    probe.close();
    TestAgent compute({QStringLiteral("--invoke-listen"), QStringLiteral("::1:%1").arg(invokePort)});
    QVERIFY(compute.waitForPort());
    QCOMPARE(deployPython(
                 compute, QStringLiteral("where"), QStringLiteral("def handle(event, context):\n    return 'on six'\n"))
                 .status,
        201);
    TestAgent controller({QStringLiteral("--role"), QStringLiteral("controller")});
    QVERIFY(controller.waitForPort());
    const std::string url = "http://[::1]:" + std::to_string(invokePort);
    const json cluster = {{"nodes", json::array({{{"name", "six"}, {"url", url}, {"functions", {"where"}}}})}};
    const auto put =
        httpRequest(controller.port(), "PUT", "/v1/cluster", {}, QByteArray::fromStdString(cluster.dump()));
    QCOMPARE(put.status, 200);
    QCOMPARE(jsonOf(put)["nodes"][0]["url"].get<std::string>(), url); // shown as it was given
    const auto reply = callFunction(controller.invokePort(), "GET", "/function/where");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("on six"));
    QCOMPARE(reply.header("x-rune-node"), QByteArray("six"));
    // And the health checks reach it there: it stays up.
    QTest::qWait(2500);
    const json status = jsonOf(httpRequest(controller.port(), "GET", "/v1/cluster"));
    QCOMPARE(status["nodes"][0]["healthy"].get<bool>(), true);
}

RUNE_TEST_GUILESS_MAIN(TestGatewayUrl)
#include "tst_gatewayurl.moc"
