// SPDX-License-Identifier: GPL-3.0-or-later
// Price tables: the shipped ones load, and a damaged one is refused naming the file, the entry
// and the problem.
#include "../common/testmain.h"
#include "cost/pricebook.h"
#include "cost/pricetables.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune::cost;

class TestPriceTables final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shippedTablesLoad();
    void tablesRoundTrip();
    void damagedTablesAreNamed_data();
    void damagedTablesAreNamed();
    void editsOverrideShippedTables();
    void damagedEditIsReportedAndLeftAlone();
};

namespace
{

const QString pricingDir = QStringLiteral(RUNE_SOURCE_DIR "/resources/pricing");

QByteArray read(const QString &file)
{
    QFile in(pricingDir + u'/' + file);
    if (!in.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file));
    return in.readAll();
}

/** A one-entry Lambda table with @p entry's fields replacing the good ones. */
QByteArray lambdaTable(const QByteArray &entry)
{
    return R"({"provider": "AWS Lambda", "kind": "lambda", "currency": "USD", "entries": [)" + entry + "]}";
}

const QByteArray goodLambda = R"({"name": "x86_64", "region": "us-east-1", "architecture": "x86_64",
    "per_million_requests": "0.20", "duration_tiers": [{"per_gb_second": "0.0000166667"}],
    "free_requests": 1000000, "free_gb_seconds": 400000, "source": "https://aws.amazon.com/lambda/pricing/",
    "read_on": "2026-12-04"})";

QByteArray replaced(QByteArray text, const QByteArray &from, const QByteArray &to)
{
    Q_ASSERT(text.contains(from));
    return text.replace(from, to);
}

} // namespace

void TestPriceTables::shippedTablesLoad()
{
    const QStringList files = QDir(pricingDir).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    QCOMPARE(files,
        QStringList({u"aws-ec2.json"_s, u"aws-lambda.json"_s, u"google-app-engine.json"_s, u"this-cluster.json"_s}));
    for (const QString &file : files) {
        const auto table = parsePriceTable(file, read(file));
        QVERIFY2(table, qPrintable(table ? QString() : table.error().message));
        QCOMPARE(table->file, file);
        QCOMPARE(table->currency, u"USD"_s);
        for (const auto &price : table->lambda)
            QVERIFY(!price.from.source.isEmpty() && price.from.readOn.isValid());
        for (const auto &price : table->instances)
            QVERIFY(!price.from.source.isEmpty() && price.from.readOn.isValid() && price.hourly.picos() > 0);
        for (const auto &price : table->cluster)
            QVERIFY(!price.from.source.isEmpty() && price.from.readOn.isValid());
    }
    const auto lambda = parsePriceTable(u"aws-lambda.json"_s, read(u"aws-lambda.json"_s));
    QCOMPARE(lambda->kind, TableKind::Lambda);
    QCOMPARE(lambda->lambda.size(), 2);
    QCOMPARE(lambda->lambda.at(0).durationTiers.size(), 3);
    QCOMPARE(lambda->lambda.at(0).durationTiers.at(0).perGbSecond.toDecimal(), u"0.0000166667"_s);
    QCOMPARE(lambda->lambda.at(0).durationTiers.at(0).upToGbSeconds, std::optional<std::int64_t>(6'000'000'000));
    QVERIFY(!lambda->lambda.at(0).durationTiers.at(2).upToGbSeconds);
}

void TestPriceTables::tablesRoundTrip()
{
    for (const QString &file : QDir(pricingDir).entryList({u"*.json"_s}, QDir::Files)) {
        const auto table = parsePriceTable(file, read(file));
        QVERIFY(table);
        const auto again = parsePriceTable(file, priceTableJson(*table));
        QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
        QCOMPARE(priceTableJson(*again), priceTableJson(*table));
        QCOMPARE(again->lambda.size() + again->instances.size() + again->cluster.size(),
            table->lambda.size() + table->instances.size() + table->cluster.size());
    }
}

void TestPriceTables::damagedTablesAreNamed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("not json") << QByteArray("{\"provider\": ") << u"t.json: not JSON"_s;
    QTest::newRow("not utf-8") << QByteArray("{\"provider\": \"\xff\xfe\"}") << u"t.json: not JSON"_s;
    QTest::newRow("array") << QByteArray("[]") << u"t.json: not a JSON object"_s;
    QTest::newRow("kind") << replaced(lambdaTable(goodLambda), "\"lambda\"", "\"faas\"")
                          << u"t.json: \"kind\" must be \"lambda\", \"instances\" or \"cluster\""_s;
    QTest::newRow("no provider") << replaced(lambdaTable(goodLambda), "\"provider\": \"AWS Lambda\",", "")
                                 << u"t.json: \"provider\" must be a non-empty text"_s;
    QTest::newRow("no entries") << lambdaTable("") << u"t.json: \"entries\" must be a list of 1 to 1000 prices"_s;
    QTest::newRow("entry not object") << lambdaTable("17") << u"t.json: entry 1: must be an object"_s;
    QTest::newRow("price as number")
        << lambdaTable(replaced(goodLambda, "\"0.20\"", "0.2"))
        << u"t.json: entry 1 (\"x86_64\"): \"per_million_requests\" must be a decimal amount such as \"0.20\""_s;
    QTest::newRow("negative price") << lambdaTable(replaced(goodLambda, "\"0.20\"", "\"-0.20\""))
                                    << u"entry 1 (\"x86_64\"): \"per_million_requests\" must be a decimal"_s;
    QTest::newRow("absurd price") << lambdaTable(replaced(goodLambda, "\"0.20\"", "\"99999999999\""))
                                  << u"\"per_million_requests\" must be a decimal amount"_s;
    QTest::newRow("missing source") << lambdaTable(
        replaced(goodLambda, "\"source\": \"https://aws.amazon.com/lambda/pricing/\",", ""))
                                    << u"entry 1 (\"x86_64\"): \"source\" must be a non-empty text"_s;
    QTest::newRow("bad date") << lambdaTable(replaced(goodLambda, "2026-12-04", "04/12/2026"))
                              << u"entry 1 (\"x86_64\"): \"read_on\" must be a date such as \"2026-12-04\""_s;
    QTest::newRow("fractional count") << lambdaTable(replaced(goodLambda, "1000000,", "1.5,"))
                                      << u"\"free_requests\" must be a whole number from 0 to"_s;
    QTest::newRow("no tiers") << lambdaTable(replaced(goodLambda, "[{\"per_gb_second\": \"0.0000166667\"}]", "[]"))
                              << u"\"duration_tiers\" must be a list of 1 to 10 tiers"_s;
    QTest::newRow("bounded last tier")
        << lambdaTable(replaced(goodLambda, "{\"per_gb_second\"", "{\"up_to_gb_seconds\": 5, \"per_gb_second\""))
        << u"entry 1 (\"x86_64\"): duration_tiers[0]: \"up_to_gb_seconds\" must be left out of the last tier"_s;
    QTest::newRow("tiers out of order")
        << lambdaTable(replaced(goodLambda,
               "[{\"per_gb_second\": \"0.0000166667\"}]",
               "[{\"up_to_gb_seconds\": 100, \"per_gb_second\": \"0.1\"}, {\"up_to_gb_seconds\": 50, "
               "\"per_gb_second\": \"0.1\"}, {\"per_gb_second\": \"0.1\"}]"))
        << u"duration_tiers[1]: \"up_to_gb_seconds\" must be a whole number from 101 to"_s;
    QTest::newRow("duplicate names") << lambdaTable(goodLambda + "," + goodLambda)
                                     << u"t.json: entry 2 (\"x86_64\"): the name is used by an earlier entry"_s;
    const QByteArray node =
        R"({"name": "box", "cores": 4, "memory_gib": 16, "purchase": "1000", "amortisation_months": 36,
        "monthly_rent": "40", "watts": 100, "per_kwh": "0.2", "bandwidth_per_month": "0", "admin_hours_per_month": 1,
        "admin_hourly_rate": "50", "source": "own", "read_on": "2026-12-04"})";
    QTest::newRow("bought and rented") << QByteArray(
        R"({"provider": "This cluster", "kind": "cluster", "currency": "USD", "entries": [)" + node + "]}")
                                       << u"t.json: entry 1 (\"box\"): needs either \"purchase\""_s;
    QTest::newRow("instance without memory")
        << QByteArray(
               R"({"provider": "EC2", "kind": "instances", "currency": "USD", "entries": [{"name": "m5", "region": "r",
            "vcpus": 2, "hourly": "0.1", "source": "s", "read_on": "2026-12-04"}]})")
        << u"t.json: entry 1 (\"m5\"): \"memory_gib\" must be a number from 0.01 to 65536"_s;
}

void TestPriceTables::damagedTablesAreNamed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    const auto table = parsePriceTable(u"t.json"_s, json);
    QVERIFY(!table);
    QCOMPARE(table.error().code, u"cost.bad_table"_s);
    QVERIFY2(table.error().message.contains(message), qPrintable(table.error().message));
}

void TestPriceTables::editsOverrideShippedTables()
{
    QTemporaryDir edits;
    auto book = loadPriceBook(pricingDir, edits.path());
    QVERIFY(book);
    QCOMPARE(book->tables.size(), 4);
    QVERIFY(book->edited.isEmpty());
    PriceTable ec2 = *book->table(u"aws-ec2.json"_s);
    ec2.instances[0].hourly = *UnitPrice::parse(u"0.5"_s);
    QVERIFY(saveEditedTable(edits.path(), ec2));
    book = loadPriceBook(pricingDir, edits.path());
    QCOMPARE(book->edited, QStringList {u"aws-ec2.json"_s});
    QCOMPARE(book->table(u"aws-ec2.json"_s)->instances.at(0).hourly.toDecimal(), u"0.5"_s);
    // The shipped file is never written.
    QCOMPARE(
        parsePriceTable(u"aws-ec2.json"_s, read(u"aws-ec2.json"_s))->instances.at(0).hourly.toDecimal(), u"0.0416"_s);
    QVERIFY(resetTableToShipped(edits.path(), u"aws-ec2.json"_s));
    book = loadPriceBook(pricingDir, edits.path());
    QVERIFY(book->edited.isEmpty());
    QCOMPARE(book->table(u"aws-ec2.json"_s)->instances.at(0).hourly.toDecimal(), u"0.0416"_s);
}

void TestPriceTables::damagedEditIsReportedAndLeftAlone()
{
    QTemporaryDir edits;
    QFile damaged(edits.filePath(u"aws-lambda.json"_s));
    QVERIFY(damaged.open(QIODevice::WriteOnly));
    damaged.write("{\"provider\": \"AWS Lambda\", \"kind\": \"lambda\"");
    damaged.close();
    const auto book = loadPriceBook(pricingDir, edits.path());
    QVERIFY(book);
    QCOMPARE(book->problems.size(), 1);
    QVERIFY2(book->problems.at(0).contains(u"aws-lambda.json"_s) && book->problems.at(0).contains(u"not JSON"_s),
        qPrintable(book->problems.at(0)));
    QCOMPARE(book->table(u"aws-lambda.json"_s)->lambda.size(), 2);
    QVERIFY(damaged.open(QIODevice::ReadOnly));
    QCOMPARE(damaged.readAll(), QByteArray("{\"provider\": \"AWS Lambda\", \"kind\": \"lambda\""));
    // No table at all is an error that says where it looked.
    QTemporaryDir empty;
    const auto none = loadPriceBook(empty.path(), edits.path());
    QVERIFY(!none);
    QVERIFY(none.error().message.contains(empty.path()));
}

RUNE_TEST_GUILESS_MAIN(TestPriceTables)
#include "tst_pricetables.moc"
