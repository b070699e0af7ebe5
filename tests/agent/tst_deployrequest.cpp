// SPDX-License-Identifier: GPL-3.0-or-later
// How a deploy's body is read: multipart form or bare archive with the config in a header.

#include "../common/testmain.h"
#include "api/deployrequest.h"

#include <QTest>

using namespace rune::agent;

class TestDeployRequest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bareArchiveWithConfigHeader();
    void multipartForm();
    void refusals_data();
    void refusals();
    void headerParameters();
};

namespace
{

std::string multipart(const std::string &boundary, const std::string &config, const std::string &archive)
{
    std::string body;
    if (!config.empty())
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n" + config + "\r\n";
    body += "--" + boundary
        + "\r\nContent-Disposition: form-data; name=\"archive\"; filename=\"code.tar.gz\"\r\n"
          "Content-Type: application/gzip\r\n\r\n"
        + archive + "\r\n--" + boundary + "--\r\n";
    return body;
}

} // namespace

void TestDeployRequest::bareArchiveWithConfigHeader()
{
    const auto request = parseDeployRequest("application/gzip", R"({"runtime":"node"})", "ARCHIVE");
    QVERIFY(request);
    QCOMPARE(request->archive, std::string("ARCHIVE"));
    QCOMPARE(request->config["runtime"].get<std::string>(), std::string("node"));
    const auto noConfig = parseDeployRequest("", "", "ARCHIVE");
    QVERIFY(noConfig);
    QVERIFY(noConfig->config.is_object() && noConfig->config.empty());
}

void TestDeployRequest::multipartForm()
{
    const std::string archive("\x1f\x8b\0binary\r\n--not-the-boundary", 30);
    const auto request = parseDeployRequest(
        "multipart/form-data; boundary=\"XyZ\"", "", multipart("XyZ", R"({"memory_mib": 256})", archive));
    QVERIFY2(request, request ? "" : request.error().c_str());
    QCOMPARE(request->archive, archive);
    QCOMPARE(request->config["memory_mib"].get<int>(), 256);
}

void TestDeployRequest::refusals_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("reason");
    QTest::newRow("config not json") << QByteArray("application/gzip") << QByteArray("{oops") << QByteArray("A")
                                     << QStringLiteral("not valid JSON");
    QTest::newRow("config not an object")
        << QByteArray("application/gzip") << QByteArray("[1]") << QByteArray("A") << QStringLiteral("JSON object");
    QTest::newRow("no archive") << QByteArray("application/gzip") << QByteArray() << QByteArray()
                                << QStringLiteral("no code archive");
    QTest::newRow("no boundary") << QByteArray("multipart/form-data") << QByteArray() << QByteArray("x")
                                 << QStringLiteral("no boundary");
    QTest::newRow("truncated") << QByteArray("multipart/form-data; boundary=b") << QByteArray()
                               << QByteArray("--b\r\nContent-Disposition: form-data; name=\"archive\"\r\n\r\nABC")
                               << QStringLiteral("ends in the middle");
    QTest::newRow("no archive part")
        << QByteArray("multipart/form-data; boundary=b") << QByteArray()
        << QByteArray("--b\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n{}\r\n--b--\r\n")
        << QStringLiteral("no 'archive' part");
}

void TestDeployRequest::refusals()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, body);
    QFETCH(QString, reason);
    const auto request = parseDeployRequest(contentType.toStdString(), config.toStdString(), body.toStdString());
    QVERIFY(!request);
    QVERIFY2(QString::fromStdString(request.error()).contains(reason), request.error().c_str());
}

void TestDeployRequest::headerParameters()
{
    QCOMPARE(headerParameter("multipart/form-data; boundary=abc", "boundary"), std::string("abc"));
    QCOMPARE(headerParameter("form-data; name=\"archive\"; filename=\"a.tgz\"", "name"), std::string("archive"));
    QCOMPARE(headerParameter("form-data; filename=\"a.tgz\"", "name"), std::string());
}

RUNE_TEST_GUILESS_MAIN(TestDeployRequest)
#include "tst_deployrequest.moc"
