// SPDX-License-Identifier: GPL-3.0-or-later
// The benchmark parameters' reader on its own: defaults, the bounds that depend on the node
// (half its available memory, half the free disk), and the peers' "host:port".

#include "../common/testmain.h"
#include "bench/benchparameters.h"
#include "benchprotocol.h"

#include <QTest>

using namespace rune::agent;
namespace limits = rune::protocol::benchlimits;

class TestBenchParameters final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyBodyTakesTheDefaults();
    void allCoresReplacesZeroThreads();
    void memoryIsBoundByHalfTheAvailable();
    void fileIsBoundByHalfTheFreeSpace();
    void peersAreSplit_data();
    void peersAreSplit();
    void parametersJsonListsEveryParameter();
};

namespace
{

const BenchRoom plenty {64 * 1024 * mebibyte, 1024 * 1024 * mebibyte, 8};

} // namespace

void TestBenchParameters::emptyBodyTakesTheDefaults()
{
    for (const std::string_view body : {"", " \r\n", "{}"}) {
        const auto parameters = parseBenchParameters("memory", body, plenty);
        QVERIFY(parameters.has_value());
        QCOMPARE(parameters->seconds, limits::defaultSeconds);
        QCOMPARE(parameters->bufferMiB, limits::defaultBufferMiB);
        QVERIFY(parameters->lowPriority);
    }
    const auto db = parseBenchParameters("db", "", plenty);
    QCOMPARE(db->rows, limits::defaultRows);
    const auto fileio = parseBenchParameters("fileio", "", plenty);
    QCOMPARE(fileio->fileMiB, limits::defaultFileMiB);
    const auto cpu = parseBenchParameters("cpu", "", plenty);
    QCOMPARE(cpu->maxPrime, limits::defaultMaxPrime);
    const auto rtt = parseBenchParameters("rtt", R"({"peers": ["a:1"]})", plenty);
    QCOMPARE(rtt->probes, limits::defaultProbes);
    QCOMPARE(rtt->timeoutMs, limits::defaultTimeoutMs);
}

void TestBenchParameters::allCoresReplacesZeroThreads()
{
    QCOMPARE(parseBenchParameters("cpu", R"({"threads": 0})", plenty)->threads, 8);
    QCOMPARE(parseBenchParameters("cpu", R"({"threads": 3})", plenty)->threads, 3);
}

void TestBenchParameters::memoryIsBoundByHalfTheAvailable()
{
    const BenchRoom small {1000 * mebibyte, 1024 * 1024 * mebibyte, 2};
    QVERIFY(parseBenchParameters("memory", R"({"buffer_mib": 500})", small).has_value());
    const auto refused = parseBenchParameters("memory", R"({"buffer_mib": 501})", small);
    QVERIFY(!refused);
    QVERIFY2(refused.error().find("buffer_mib") != std::string::npos, refused.error().c_str());
    QVERIFY2(refused.error().find("MemAvailable 1000 MiB") != std::string::npos, refused.error().c_str());
    QVERIFY2(refused.error().find("at most 500") != std::string::npos, refused.error().c_str());
}

void TestBenchParameters::fileIsBoundByHalfTheFreeSpace()
{
    const BenchRoom small {64 * 1024 * mebibyte, 100 * mebibyte, 2};
    QVERIFY(parseBenchParameters("fileio", R"({"file_mib": 50})", small).has_value());
    const auto refused = parseBenchParameters("fileio", R"({"file_mib": 51})", small);
    QVERIFY(!refused);
    QVERIFY2(refused.error().find("file_mib") != std::string::npos, refused.error().c_str());
    QVERIFY2(refused.error().find("at most 50") != std::string::npos, refused.error().c_str());
}

void TestBenchParameters::peersAreSplit_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::newRow("name") << QStringLiteral("node-1.example:7471") << QStringLiteral("node-1.example") << 7471;
    QTest::newRow("IPv4") << QStringLiteral("10.0.0.2:1") << QStringLiteral("10.0.0.2") << 1;
    QTest::newRow("IPv6") << QStringLiteral("[fd00::2]:65535") << QStringLiteral("fd00::2") << 65535;
    QTest::newRow("IPv6 without brackets") << QStringLiteral("fd00::2:7471") << QStringLiteral("") << 0;
    QTest::newRow("empty brackets") << QStringLiteral("[]:7471") << QStringLiteral("") << 0;
    QTest::newRow("sign") << QStringLiteral("host:+80") << QStringLiteral("") << 0;
    QTest::newRow("space") << QStringLiteral("host :80") << QStringLiteral("") << 0;
    QTest::newRow("trailing") << QStringLiteral("host:80x") << QStringLiteral("") << 0;
    QTest::newRow("empty") << QStringLiteral("") << QStringLiteral("") << 0;
}

void TestBenchParameters::peersAreSplit()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    const auto peer = parseBenchPeer(text.toStdString());
    QCOMPARE(peer.has_value(), port != 0);
    if (peer) {
        QCOMPARE(QString::fromStdString(peer->host), host);
        QCOMPARE(int(peer->port), port);
    }
}

void TestBenchParameters::parametersJsonListsEveryParameter()
{
    const auto rtt = parseBenchParameters("rtt", R"({"peers": ["a:1", "b:2"], "priority": "normal"})", plenty);
    const auto json = benchParametersJson(*rtt);
    QCOMPARE(json.size(), std::size_t(5));
    QCOMPARE(json["peers"].size(), std::size_t(2));
    QCOMPARE(json["priority"].get<std::string>(), std::string("normal"));
    QCOMPARE(json["seconds"].get<int>(), limits::defaultSeconds);
}

RUNE_TEST_GUILESS_MAIN(TestBenchParameters)
#include "tst_benchparameters.moc"
