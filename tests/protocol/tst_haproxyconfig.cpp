// SPDX-License-Identifier: GPL-3.0-or-later
// The haproxy.cfg generated from the cluster's node list: its routes, its refusal of any name,
// address or path that could add a line or directive, and HAProxy's own `haproxy -c` on it.

#include "../common/testmain.h"
#include "haproxyconfig.h"
#include "hostname.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <nlohmann/json.hpp>

using namespace rune::protocol;

class TestHaproxyConfig final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void routesEachFunctionToItsNodes();
    void answersAreInTheAgentsErrorShape();
    void hostileInputIsRefused_data();
    void hostileInputIsRefused();
    void everyProblemIsListed();
    void haproxyAcceptsTheConfig_data();
    void haproxyAcceptsTheConfig();
    void listenSettingIsChecked_data();
    void listenSettingIsChecked();
    void binarySettingIsChecked();
    void plainHostNamesAreTheSameForGatewayAndHaproxy();
};

namespace
{

const QString haproxyBinary = QStringLiteral("/usr/sbin/haproxy");

std::vector<HaproxyNode> twoNodes()
{
    return {{"compute-1", "http://10.0.0.11:8080", {"resize", "echo"}},
        {"compute-2", "http://10.0.0.12:8080/", {"resize"}}};
}

HaproxySettings settingsIn(const QTemporaryDir &dir)
{
    HaproxySettings settings;
    settings.bindHost = "127.0.0.1";
    settings.bindPort = 18080;
    settings.statsSocket = dir.filePath(QStringLiteral("admin.sock")).toStdString();
    return settings;
}

/** The lines of @p text from the one starting with @p header up to the next blank line. */
QStringList section(const std::string &text, const QString &header)
{
    const QStringList lines = QString::fromStdString(text).split(u'\n');
    const auto start = lines.indexOf(header);
    if (start < 0)
        return {};
    QStringList result;
    for (auto i = start + 1; i < lines.size() && !lines[i].isEmpty(); ++i)
        result << lines[i].trimmed();
    return result;
}

/** `haproxy -c -f` on @p text: its exit code and what it said. */
std::pair<int, QString> haproxyCheck(const std::string &text, const QTemporaryDir &dir)
{
    QFile file(dir.filePath(QStringLiteral("haproxy.cfg")));
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), qint64(text.size())) != qint64(text.size()))
        return {-1, QStringLiteral("could not write the configuration")};
    file.close();
    QProcess haproxy;
    haproxy.setProcessChannelMode(QProcess::MergedChannels);
    haproxy.start(haproxyBinary, {QStringLiteral("-c"), QStringLiteral("-f"), file.fileName()});
    if (!haproxy.waitForFinished(30000))
        return {-1, QStringLiteral("haproxy -c did not finish")};
    return {haproxy.exitCode(), QString::fromLocal8Bit(haproxy.readAll())};
}

} // namespace

void TestHaproxyConfig::routesEachFunctionToItsNodes()
{
    QTemporaryDir dir;
    const auto config = haproxyConfig(twoNodes(), settingsIn(dir));
    QVERIFY(config);
    const QStringList global = section(*config, QStringLiteral("global"));
    QVERIFY(global.contains(QStringLiteral("master-worker")));
    QVERIFY(global.contains(QStringLiteral("stats socket %1 mode 600 level admin expose-fd listeners")
                                .arg(dir.filePath(QStringLiteral("admin.sock")))));

    const QStringList frontend = section(*config, QStringLiteral("frontend rune-invoke"));
    QVERIFY(frontend.contains(QStringLiteral("bind 127.0.0.1:18080")));
    QVERIFY(frontend.contains(QStringLiteral("acl fn-echo path /function/echo")));
    QVERIFY(frontend.contains(QStringLiteral("acl fn-echo path_beg /function/echo/ /function/echo@")));
    QVERIFY(frontend.contains(QStringLiteral("acl fn-echo path /async-function/echo")));
    QVERIFY(frontend.contains(QStringLiteral("use_backend fn-resize if fn-resize")));
    QVERIFY(frontend.contains(QStringLiteral("default_backend rune-not-found")));

    const QStringList resize = section(*config, QStringLiteral("backend fn-resize"));
    QVERIFY(resize.contains(QStringLiteral("balance leastconn")));
    QVERIFY(resize.contains(QStringLiteral("option httpchk GET /healthz")));
    QVERIFY(resize.contains(QStringLiteral("server compute-1 10.0.0.11:8080 check")));
    QVERIFY(resize.contains(QStringLiteral("server compute-2 10.0.0.12:8080 check")));
    const QStringList echo = section(*config, QStringLiteral("backend fn-echo"));
    QVERIFY(echo.contains(QStringLiteral("server compute-1 10.0.0.11:8080 check")));
    QVERIFY(!echo.join(u'\n').contains(QStringLiteral("compute-2")));
}

void TestHaproxyConfig::answersAreInTheAgentsErrorShape()
{
    QTemporaryDir dir;
    const auto config = haproxyConfig({}, settingsIn(dir));
    QVERIFY(config);
    // Every fixed answer (404, 502, 503, 504) is JSON with {"error": {"code", "message"}}.
    int answers = 0;
    for (const QString &line : QString::fromStdString(*config).split(u'\n')) {
        if (!line.contains(QStringLiteral("string '{\"error\"")))
            continue;
        const auto body = line.section(u'\'', 1, 1).toStdString();
        const auto json = nlohmann::json::parse(body, nullptr, false);
        QVERIFY2(!json.is_discarded(), qPrintable(line));
        QVERIFY(json["error"]["code"].is_string());
        QVERIFY(json["error"]["message"].is_string());
        ++answers;
    }
    QCOMPARE(answers, 4);
    QVERIFY(config->find("status 404 content-type application/json string '{\"error\":{\"code\":\"not_found\"")
        != std::string::npos);
}

void TestHaproxyConfig::hostileInputIsRefused_data()
{
    QTest::addColumn<QString>("function");
    QTest::addColumn<QString>("node");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("socket");
    QTest::addColumn<QString>("bindHost");
    const QString ok = QStringLiteral("ok");
    QTest::newRow("line break in a function") << "echo\nbackend x" << ok << ""
                                              << ""
                                              << "";
    QTest::newRow("space in a function") << "echo if TRUE" << ok << ""
                                         << ""
                                         << "";
    QTest::newRow("capitals in a function") << "Echo" << ok << ""
                                            << ""
                                            << "";
    QTest::newRow("quote in a function") << "e'cho" << ok << ""
                                         << ""
                                         << "";
    QTest::newRow("empty function") << "" << ok << ""
                                    << ""
                                    << "";
    QTest::newRow("line break in a node") << ok << "n1\n    server evil 6.6.6.6:80"
                                          << ""
                                          << ""
                                          << "";
    QTest::newRow("space in a node") << ok << "n1 backup"
                                     << ""
                                     << ""
                                     << "";
    QTest::newRow("hash in a node") << ok << "n1#x"
                                    << ""
                                    << ""
                                    << "";
    QTest::newRow("empty node") << ok << ""
                                << ""
                                << ""
                                << "";
    QTest::newRow("long node") << ok << QString(64, u'n') << ""
                               << ""
                               << "";
    QTest::newRow("url with a line break") << ok << ok << "http://10.0.0.1:80\nglobal"
                                           << ""
                                           << "";
    QTest::newRow("url with a space") << ok << ok << "http://10.0.0.1:80 backup"
                                      << ""
                                      << "";
    QTest::newRow("url with env") << ok << ok << "http://${HOME}:80"
                                  << ""
                                  << "";
    QTest::newRow("url without port") << ok << ok << "http://10.0.0.1"
                                      << ""
                                      << "";
    QTest::newRow("url port 0") << ok << ok << "http://10.0.0.1:0"
                                << ""
                                << "";
    QTest::newRow("url port too big") << ok << ok << "http://10.0.0.1:65536"
                                      << ""
                                      << "";
    QTest::newRow("https url") << ok << ok << "https://10.0.0.1:443"
                               << ""
                               << "";
    QTest::newRow("url with a path") << ok << ok << "http://10.0.0.1:80/x"
                                     << ""
                                     << "";
    QTest::newRow("url with a user") << ok << ok << "http://u@10.0.0.1:80"
                                     << ""
                                     << "";
    QTest::newRow("bad ipv6") << ok << ok << "http://[::1 x]:80"
                              << ""
                              << "";
    QTest::newRow("socket with a space") << ok << ok << ""
                                         << "/run/a b.sock"
                                         << "";
    QTest::newRow("relative socket") << ok << ok << ""
                                     << "admin.sock"
                                     << "";
    QTest::newRow("socket with a line break") << ok << ok << ""
                                              << "/run/a\nglobal"
                                              << "";
    QTest::newRow("bind host with a space") << ok << ok << ""
                                            << ""
                                            << "0.0.0.0 ssl";
}

void TestHaproxyConfig::hostileInputIsRefused()
{
    QFETCH(QString, function);
    QFETCH(QString, node);
    QFETCH(QString, url);
    QFETCH(QString, socket);
    QFETCH(QString, bindHost);
    HaproxySettings settings;
    if (!socket.isEmpty())
        settings.statsSocket = socket.toStdString();
    if (!bindHost.isEmpty())
        settings.bindHost = bindHost.toStdString();
    const std::string nodeUrl = url.isEmpty() ? "http://10.0.0.1:8080" : url.toStdString();
    const auto config = haproxyConfig({{node.toStdString(), nodeUrl, {function.toStdString()}}}, settings);
    QVERIFY(!config);
    QCOMPARE(config.error().size(), std::size_t(1));
    QVERIFY(!config.error().front().empty());
}

void TestHaproxyConfig::everyProblemIsListed()
{
    const auto config = haproxyConfig(
        {{"a b", "ftp://x", {"Bad", "good"}}, {"n2", "http://10.0.0.2:80", {"good"}}, {"n2", "http://10.0.0.3:80", {}}},
        HaproxySettings {.bindHost = "", .bindPort = 0, .statsSocket = "x"});
    QVERIFY(!config);
    const auto &problems = config.error();
    // the listen address and port, the socket, the node name, its url, the function name, the duplicate
    QCOMPARE(problems.size(), std::size_t(7));
    QVERIFY(std::ranges::any_of(problems, [](const std::string &p) {
        return p.find("appears twice") != p.npos;
    }));
    QVERIFY(haproxyNodeUrlProblem("http://[fd00::1]:8080").empty());
    QVERIFY(haproxyNodeUrlProblem("http://compute-1.example.org:8080/").empty());
    QVERIFY(!haproxyNodeNameProblem("compute 1").empty());
}

void TestHaproxyConfig::haproxyAcceptsTheConfig_data()
{
    QTest::addColumn<int>("nodeCount");
    QTest::addColumn<int>("functionsPerNode");
    QTest::addColumn<QString>("host");
    QTest::newRow("no nodes") << 0 << 0 << "127.0.0.1";
    QTest::newRow("one node") << 1 << 1 << "127.0.0.1";
    QTest::newRow("ipv6 nodes") << 3 << 2 << "[::1]";
    QTest::newRow("host names") << 2 << 3 << "localhost";
    QTest::newRow("many") << 50 << 40 << "127.0.0.1";
    QTest::newRow("unresolvable names") << 2 << 1 << "no-such-node.invalid";
}

void TestHaproxyConfig::haproxyAcceptsTheConfig()
{
    if (!QFile::exists(haproxyBinary))
        QSKIP("HAProxy is not installed (/usr/sbin/haproxy); installers/setup.sh installs it");
    QFETCH(int, nodeCount);
    QFETCH(int, functionsPerNode);
    QFETCH(QString, host);
    std::vector<HaproxyNode> nodes;
    for (int n = 0; n < nodeCount; ++n) {
        HaproxyNode node {
            "node-" + std::to_string(n), "http://" + host.toStdString() + ":" + std::to_string(9000 + n), {}};
        for (int f = 0; f < functionsPerNode; ++f)
            node.functions.push_back("fn-" + std::to_string((n + f) % 60));
        nodes.push_back(std::move(node));
    }
    QTemporaryDir dir;
    auto settings = settingsIn(dir);
    settings.bindHost = host.endsWith(QStringLiteral(".invalid")) ? "127.0.0.1" : host.toStdString();
    const auto config = haproxyConfig(nodes, settings);
    QVERIFY(config);
    const auto [exitCode, output] = haproxyCheck(*config, dir);
    QVERIFY2(exitCode == 0, qPrintable(output + u'\n' + QString::fromStdString(*config)));
    if (host.endsWith(QStringLiteral(".invalid"))) {
        // HAProxy starts with such a node disabled rather than refusing to start at all.
        QVERIFY2(output.contains(QStringLiteral("could not resolve address")), qPrintable(output));
        return;
    }
    // Warnings would mean the generated file is not what HAProxy expects either.
    QVERIFY2(!output.contains(QStringLiteral("WARNING")), qPrintable(output));
}

void TestHaproxyConfig::listenSettingIsChecked_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host"); // empty: refused
    QTest::addColumn<int>("port");
    QTest::newRow("ipv4") << "127.0.0.1:8088"
                          << "127.0.0.1" << 8088;
    QTest::newRow("any ipv4") << "0.0.0.0:1"
                              << "0.0.0.0" << 1;
    QTest::newRow("ipv6") << "[::1]:65535"
                          << "[::1]" << 65535;
    QTest::newRow("any ipv6") << "[::]:80"
                              << "[::]" << 80;
    QTest::newRow("port 0") << "127.0.0.1:0"
                            << "" << 0;
    QTest::newRow("port 70000") << "127.0.0.1:70000"
                                << "" << 0;
    QTest::newRow("port with sign") << "127.0.0.1:+80"
                                    << "" << 0;
    QTest::newRow("no port") << "127.0.0.1"
                             << "" << 0;
    QTest::newRow("empty port") << "127.0.0.1:"
                                << "" << 0;
    QTest::newRow("bare ipv6") << "::1:80"
                               << "" << 0;
    QTest::newRow("host name") << "localhost:80"
                               << "" << 0;
    QTest::newRow("five numbers") << "1.2.3.4.5:80"
                                  << "" << 0;
    QTest::newRow("three numbers") << "1.2.3:80"
                                   << "" << 0;
    QTest::newRow("number past 255") << "1.2.3.256:80"
                                     << "" << 0;
    QTest::newRow("leading zero") << "01.2.3.4:80"
                                  << "" << 0;
    QTest::newRow("line break") << "127.0.0.1:80\nbind 0.0.0.0:22"
                                << "" << 0;
    QTest::newRow("space in brackets") << "[::1 ]:80"
                                       << "" << 0;
    QTest::newRow("garbage") << "\xff\xfe:80"
                             << "" << 0;
    QTest::newRow("empty") << ""
                           << "" << 0;
}

void TestHaproxyConfig::listenSettingIsChecked()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    const auto listen = parseHaproxyListen(text.toStdString());
    if (host.isEmpty()) {
        QVERIFY(!listen);
        QVERIFY2(listen.error().starts_with("haproxy_listen must be"), listen.error().c_str());
        return;
    }
    QVERIFY2(listen, listen ? "" : listen.error().c_str());
    QCOMPARE(QString::fromStdString(listen->host), host);
    QCOMPARE(int(listen->port), port);
}

void TestHaproxyConfig::binarySettingIsChecked()
{
    QVERIFY(haproxyBinaryProblem("").empty()); // off
    QVERIFY(haproxyBinaryProblem("/usr/sbin/haproxy").empty());
    for (const std::string &bad : std::vector<std::string> {"haproxy",
             "./haproxy",
             "/usr/sbin/",
             "/usr/sbin/hap roxy",
             "/usr/sbin/\nhaproxy",
             std::string("/usr/\0sbin", 10),
             "/" + std::string(5000, 'a')}) {
        const std::string problem = haproxyBinaryProblem(bad);
        QVERIFY2(problem.starts_with("haproxy_binary must be the absolute path"), bad.c_str());
        QVERIFY(problem.size() < 300); // quoted as an excerpt
    }
}

// The one check both the agent's gateway (parseNodeUrl) and the HAProxy configuration use for a
// host that is not a bracketed IPv6 address.
void TestHaproxyConfig::plainHostNamesAreTheSameForGatewayAndHaproxy()
{
    for (const std::string &good :
        std::vector<std::string> {"node-1", "10.0.0.7", "edge.example.org", "a", std::string(maxHostNameBytes, 'a')}) {
        QVERIFY2(isPlainHostName(good), good.c_str());
        QVERIFY2(haproxyNodeUrlProblem("http://" + good + ":7471").empty(), good.c_str());
    }
    for (const std::string &bad : std::vector<std::string> {"",
             "-node",
             ".node",
             "node 1",
             "node%eth0",
             "node\n",
             "nöde",
             "[::1]",
             "node#1",
             std::string("no\0de", 5),
             std::string(maxHostNameBytes + 1, 'a')}) {
        QVERIFY2(!isPlainHostName(bad), bad.c_str());
        QVERIFY2(!haproxyNodeUrlProblem("http://" + bad + ":7471").empty() || bad == "[::1]", bad.c_str());
    }
}

RUNE_TEST_GUILESS_MAIN(TestHaproxyConfig)
#include "tst_haproxyconfig.moc"
