// SPDX-License-Identifier: GPL-3.0-or-later
// Deploys built to break the agent, sent to the real one: each is refused with a 400 naming the
// problem (never a 500, a crash or a stall), and the agent keeps serving afterwards.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace rune::test;
using json = nlohmann::json;

class TestHostileDeploys final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hostileConfigsAre400_data();
    void hostileConfigsAre400();
    void invalidUtf8InTheConfigIs400();
    void hugeNestedConfigIs400();
    void entryNamedWithInvalidUtf8IsAnsweredNot500_data();
    void entryNamedWithInvalidUtf8IsAnsweredNot500();
    void sparseEntriesAreRefused_data();
    void sparseEntriesAreRefused();
    void cleanup();

private:
    HttpReply deployRaw(const QByteArray &name, const QByteArray &configJson, const QByteArray &archive);

    std::unique_ptr<TestAgent> m_agent;
    QByteArray m_archive;
};

namespace
{

// A tar.gz written by Python's tarfile with entry names given as bytes (hex), so names that are
// not UTF-8 can be made: [(hex name, type)] with type "file" or "hardlink".
QByteArray archiveWithRawNames(const QList<std::pair<QByteArray, QByteArray>> &entries)
{
    QByteArray script = "import io, sys, tarfile\n"
                        "out = io.BytesIO()\n"
                        "with tarfile.open(fileobj=out, mode='w:gz', format=tarfile.GNU_FORMAT) as tar:\n";
    for (const auto &[name, type] : entries) {
        script +=
            "    info = tarfile.TarInfo(bytes.fromhex('" + name.toHex() + "').decode('utf-8', 'surrogateescape'))\n";
        if (type == "hardlink")
            script += "    info.type, info.linkname = tarfile.LNKTYPE, 'handler.py'\n    tar.addfile(info)\n";
        else
            script += "    data = b'def handle(e, c):\\n    return 1\\n'\n    info.size = len(data)\n"
                      "    tar.addfile(info, io.BytesIO(data))\n";
    }
    script += "sys.stdout.buffer.write(out.getvalue())\n";
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), QString::fromUtf8(script)});
    if (!python.waitForFinished(10000) || python.exitCode() != 0)
        qWarning() << python.readAllStandardError();
    return python.readAllStandardOutput();
}

} // namespace

// A multipart deploy: the config part may be as long and hold any bytes, no header limit applies.
HttpReply TestHostileDeploys::deployRaw(const QByteArray &name, const QByteArray &configJson, const QByteArray &archive)
{
    const QByteArray boundary = "b0undary-of-the-test";
    const QByteArray body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n" + configJson
        + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"archive\"\r\n\r\n" + archive + "\r\n--"
        + boundary + "--\r\n";
    HttpConnection connection(m_agent->port());
    return connection.request("PUT",
        "/v1/functions/" + name,
        {"Content-Type: multipart/form-data; boundary=" + boundary,
            "Authorization: Bearer " + m_agent->token().toUtf8()},
        body);
}

void TestHostileDeploys::initTestCase()
{
    m_agent = std::make_unique<TestAgent>(QStringList {}, QStringLiteral("hostile-token"));
    QVERIFY(m_agent->waitForPort() != 0);
    m_archive = archiveWith(QStringLiteral("handler.py"), QStringLiteral("def handle(e, c):\n    return 'ok'\n"));
    QCOMPARE(deployPython(*m_agent, QStringLiteral("bystander"), QStringLiteral("def handle(e, c):\n    return 'ok'\n"))
                 .status,
        201);
}

void TestHostileDeploys::cleanup()
{
    // After every case: the agent is alive and still serves what it served before.
    QCOMPARE(controlGet(*m_agent, "/v1/health").status, 200);
    QCOMPARE(callFunction(m_agent->invokePort(), "GET", "/function/bystander").body, QByteArray("ok"));
}

void TestHostileDeploys::hostileConfigsAre400_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("reason");
    QTest::newRow("cron minute step INT_MAX")
        << QByteArray(R"({"triggers":[{"type":"cron","value":"1/2147483647 * * * *"}]})") << "the step '2147483647'";
    QTest::newRow("cron weekday step INT_MAX")
        << QByteArray(R"({"triggers":[{"type":"cron","value":"* * * * 1/2147483647"}]})") << "day of week";
    QTest::newRow("env name of 30000 characters")
        << QByteArray(R"({"env":{")") + QByteArray(30000, 'A') + QByteArray(R"(":"x"}})") << "more than 256";
    QTest::newRow("env value with NUL") << QByteArray(R"({"env":{"A":"x\u0000y"}})") << "contains a NUL";
    QTest::newRow("env name with NUL") << QByteArray(R"({"env":{"A\u0000B":"x"}})") << "contains a NUL";
    QTest::newRow("topic with NUL") << QByteArray(R"({"triggers":[{"type":"mqtt","value":"a/\u0000"}]})")
                                    << "contains a NUL";
    QTest::newRow("result topic with NUL")
        << QByteArray(R"({"triggers":[{"type":"mqtt","value":"a/b","result_topic":"r\u0000"}]})") << "result_topic";
    QTest::newRow("handler with NUL") << QByteArray(R"({"handler":"handler.handle\u0000x"})") << "contains a NUL";
    QTest::newRow("lone surrogate escape in a name") << QByteArray(R"({"env":{"A\udc80":"x"}})") << "";
}

void TestHostileDeploys::hostileConfigsAre400()
{
    QFETCH(QByteArray, config);
    QFETCH(QString, reason);
    const auto reply = deployRaw("hostile", config, m_archive);
    QCOMPARE(reply.status, 400);
    QVERIFY2(jsonOf(reply).is_object(), reply.body.constData());
    QVERIFY2(errorMessageOf(reply).contains(reason), qPrintable(errorMessageOf(reply)));
    QVERIFY2(reply.body.size() < 4096, "a hostile value is quoted short");
}

void TestHostileDeploys::invalidUtf8InTheConfigIs400()
{
    for (const QByteArray &bytes : {QByteArray("\xff"),
             QByteArray("\xc0\xaf"),
             QByteArray("\xed\xa0\x80"),
             QByteArray("\xf4\x90\x80\x80"),
             QByteArray("\xe2\x82")}) {
        const auto reply = deployRaw("hostile", R"({"env":{"A)" + bytes + R"(":"x"}})", m_archive);
        QCOMPARE(reply.status, 400);
        QCOMPARE(errorCodeOf(reply), QStringLiteral("bad_request"));
        QVERIFY(!jsonOf(reply).is_discarded()); // the answer quoting the bytes is valid JSON itself
    }
}

void TestHostileDeploys::hugeNestedConfigIs400()
{
    // 8 MiB of '[' as the config: refused before it is parsed.
    const auto reply = deployRaw("nested", QByteArray(8 * 1024 * 1024, '['), m_archive);
    QCOMPARE(reply.status, 400);
    QVERIFY2(errorMessageOf(reply).contains(QStringLiteral("more than the limit")), reply.body.constData());
    // Within the size limit, the nesting is refused instead.
    const auto nested = deployRaw("nested", QByteArray(4000, '['), m_archive);
    QCOMPARE(nested.status, 400);
    QVERIFY2(errorMessageOf(nested).contains(QStringLiteral("nests deeper")), nested.body.constData());
}

void TestHostileDeploys::entryNamedWithInvalidUtf8IsAnsweredNot500_data()
{
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<int>("status");
    QTest::newRow("a file") << QByteArray("file") << 201;
    QTest::newRow("a hard link (refused, quoting the name)") << QByteArray("hardlink") << 400;
}

void TestHostileDeploys::entryNamedWithInvalidUtf8IsAnsweredNot500()
{
    QFETCH(QByteArray, type);
    QFETCH(int, status);
    const QByteArray archive =
        archiveWithRawNames({{QByteArray("handler.py"), QByteArray("file")}, {QByteArray("bad\xff\xfe.py"), type}});
    QVERIFY(!archive.isEmpty());
    const auto reply = deployRaw("rawnames", "{}", archive);
    QCOMPARE(reply.status, status);
    QVERIFY2(jsonOf(reply).is_object(), reply.body.constData());
    if (status == 400)
        QVERIFY2(errorMessageOf(reply).contains(QStringLiteral("bad\uFFFD\uFFFD.py")), reply.body.constData());
}

void TestHostileDeploys::sparseEntriesAreRefused_data()
{
    QTest::addColumn<QStringList>("format");
    QTest::newRow("PAX 1.0") << QStringList {QStringLiteral("--format=pax"), QStringLiteral("--sparse-version=1.0")};
    QTest::newRow("PAX 0.1") << QStringList {QStringLiteral("--format=pax"), QStringLiteral("--sparse-version=0.1")};
    QTest::newRow("old GNU") << QStringList {QStringLiteral("--format=gnu")};
}

void TestHostileDeploys::sparseEntriesAreRefused()
{
    QFETCH(QStringList, format);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile handler(dir.filePath(QStringLiteral("handler.py")));
    QVERIFY(handler.open(QIODevice::WriteOnly));
    handler.write("def handle(e, c):\n    return 1\n");
    handler.close();
    // 100 GiB of holes with a few bytes at the end: a few hundred bytes as a sparse tar entry.
    QFile sparse(dir.filePath(QStringLiteral("huge.bin")));
    QVERIFY(sparse.open(QIODevice::WriteOnly));
    QVERIFY(sparse.resize(100ll << 30));
    QVERIFY(sparse.seek((100ll << 30) - 4));
    sparse.write("tail");
    sparse.close();
    QProcess tar;
    tar.setWorkingDirectory(dir.path());
    tar.start(QStringLiteral("tar"),
        QStringList {QStringLiteral("--sparse"), QStringLiteral("-czf"), QStringLiteral("-")} + format
            + QStringList {QStringLiteral("handler.py"), QStringLiteral("huge.bin")});
    if (!tar.waitForFinished(60000) || tar.exitCode() != 0)
        QSKIP(qPrintable(QStringLiteral("GNU tar cannot write this sparse format here: ")
            + QString::fromUtf8(tar.readAllStandardError())));
    const QByteArray archive = tar.readAllStandardOutput();
    QVERIFY(archive.size() < 64 * 1024);
    const auto reply = deployRaw("sparse", "{}", archive);
    QCOMPARE(reply.status, 400);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("bad_archive"));
    QVERIFY2(errorMessageOf(reply).contains(QStringLiteral("sparse"))
            || errorMessageOf(reply).contains(QStringLiteral("more than the allowed size")),
        qPrintable(errorMessageOf(reply)));
    QCOMPARE(controlGet(*m_agent, "/v1/functions/sparse").status, 404);
}

RUNE_TEST_GUILESS_MAIN(TestHostileDeploys)
#include "tst_hostiledeploys.moc"
