// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "settings/settings.h"
#include "ssh/sshtypes.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using rune::Settings;

class TestSettings final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsComeFromTheTable();
    void everyKeyHasOneValidDefault();
    void changesAreStoredAndAnnounced();
    void survivesAReopen();
    void aValueForThisRunIsNotSaved();
    void invalidValueIsRefusedWithTheReason_data();
    void invalidValueIsRefusedWithTheReason();
    void resetReturnsToTheDefault();
    void resetSectionResetsOnlyItsKeys();
    void damagedFileIsReportedAndUntouched_data();
    void damagedFileIsReportedAndUntouched();
    void unreadableFileIsReported();
    void repairSetsTheDamagedFileAside();
    void sshOptionsFollowTheSettings();
    void dataDirIsCreated();
    void mqttBrokerKeysRoundTrip();
    void badMqttBrokerSettingsAreRefused_data();
    void badMqttBrokerSettingsAreRefused();

private:
    QString write(const QString &name, const QByteArray &content);
    QTemporaryDir m_dir;
};

QString TestSettings::write(const QString &name, const QByteArray &content)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

static QByteArray bytesOf(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

void TestSettings::defaultsComeFromTheTable()
{
    Settings settings(m_dir.filePath(u"defaults.conf"_s));
    QCOMPARE(settings.value(Settings::Key::PollIntervalMs).toInt(), 1000);
    QCOMPARE(settings.value(Settings::Key::DemoCluster).toBool(), true);
    QCOMPARE(settings.value(Settings::Key::SshConnectTimeoutS).toInt(), 10);
    QCOMPARE(settings.value(Settings::Key::ProvisionParallel).toInt(), 8);
    QCOMPARE(settings.value(Settings::Key::PollIntervalMs), Settings::defaultValue(Settings::Key::PollIntervalMs));
    QVERIFY(settings.problems().isEmpty());
    QVERIFY(settings.isWritable());
}

void TestSettings::everyKeyHasOneValidDefault()
{
    QSet<Settings::Key> seen;
    QSet<QString> names;
    for (const Settings::Descriptor &d : Settings::descriptors()) {
        QVERIFY2(!seen.contains(d.key), d.name);
        QVERIFY2(!names.contains(QLatin1StringView(d.name)), d.name);
        seen << d.key;
        names << QLatin1StringView(d.name);
        const auto valid = Settings::validate(d.key, d.defaultValue);
        QVERIFY2(valid, d.name);
        QCOMPARE(*valid, d.defaultValue);
        if (d.shown) {
            QVERIFY2(*d.label && *d.explanation, d.name);
            QVERIFY(Settings::sections().contains(d.section));
        }
    }
    const QMetaEnum keys = QMetaEnum::fromType<Settings::Key>();
    QCOMPARE(seen.size(), keys.keyCount());
}

void TestSettings::changesAreStoredAndAnnounced()
{
    const QString file = m_dir.filePath(u"changes.conf"_s);
    {
        Settings settings(file);
        QSignalSpy spy(&settings, &Settings::changed);
        QVERIFY(settings.setValue(Settings::Key::PollIntervalMs, 2500));
        QVERIFY(settings.setValue(Settings::Key::PollIntervalMs, u"2500"_s)); // unchanged: no second signal
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<Settings::Key>(), Settings::Key::PollIntervalMs);
    }
    Settings reopened(file);
    QCOMPARE(reopened.value(Settings::Key::PollIntervalMs).toInt(), 2500);
}

void TestSettings::aValueForThisRunIsNotSaved()
{
    const QString file = m_dir.filePath(u"thisrun.conf"_s);
    const QString saved = m_dir.filePath(u"saved-data"_s);
    const QString forNow = m_dir.filePath(u"script-data"_s);
    {
        Settings settings(file);
        QVERIFY(settings.setValue(Settings::Key::DataDir, saved));
        QSignalSpy changed(&settings, &Settings::changed);
        QVERIFY(settings.useForThisRun(Settings::Key::DataDir, forNow));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(settings.dataDir(), forNow);
        // Another key saved afterwards does not carry it into the file either.
        QVERIFY(settings.setValue(Settings::Key::Theme, u"dark"_s));
        const auto refused = settings.useForThisRun(Settings::Key::SshConnectTimeoutS, -1);
        QVERIFY(!refused);
        QVERIFY(!refused.error().isEmpty());
    }
    Settings reopened(file);
    QCOMPARE(reopened.value(Settings::Key::DataDir).toString(), saved);
    QCOMPARE(reopened.value(Settings::Key::Theme).toString(), u"dark"_s);
}

void TestSettings::survivesAReopen()
{
    const QString file = m_dir.filePath(u"roundtrip.conf"_s);
    {
        Settings settings(file);
        QVERIFY(settings.setValue(Settings::Key::SshConnectTimeoutS, 3));
        QVERIFY(settings.setValue(Settings::Key::DemoCluster, false));
        QVERIFY(settings.setValue(Settings::Key::Theme, u"dark"_s));
        QVERIFY(settings.setValue(Settings::Key::CurrencyCode, u"eur"_s));
        QVERIFY(settings.setValue(Settings::Key::CurrencyRate, u"0.920"_s));
        QVERIFY(settings.setValue(Settings::Key::KnownHostsFile, u"/tmp/rune/../known"_s));
        QVERIFY(settings.setValue(Settings::Key::WindowGeometry, QByteArray("\x01\x02\x00geometry", 11)));
    }
    Settings reopened(file);
    QVERIFY2(reopened.problems().isEmpty(), qPrintable(reopened.problems().value(0).message));
    QCOMPARE(reopened.value(Settings::Key::SshConnectTimeoutS).toInt(), 3);
    QCOMPARE(reopened.value(Settings::Key::DemoCluster).toBool(), false);
    QCOMPARE(reopened.value(Settings::Key::Theme).toString(), u"dark"_s);
    QCOMPARE(reopened.value(Settings::Key::CurrencyCode).toString(), u"EUR"_s);
    QCOMPARE(reopened.value(Settings::Key::CurrencyRate).toString(), u"0.92"_s);
    QCOMPARE(reopened.value(Settings::Key::KnownHostsFile).toString(), u"/tmp/known"_s);
    QCOMPARE(reopened.value(Settings::Key::WindowGeometry).toByteArray(), QByteArray("\x01\x02\x00geometry", 11));
}

void TestSettings::invalidValueIsRefusedWithTheReason_data()
{
    QTest::addColumn<Settings::Key>("key");
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("reason");
    QTest::newRow("letters for an interval")
        << Settings::Key::PollIntervalMs << QVariant(u"abc"_s) << u"must be a whole number"_s;
    QTest::newRow("fraction") << Settings::Key::PollIntervalMs << QVariant(u"1.5"_s) << u"whole number"_s;
    QTest::newRow("too small") << Settings::Key::PollIntervalMs << QVariant(5) << u"between 100 and 60000 ms"_s;
    QTest::newRow("absurd") << Settings::Key::ProvisionParallel << QVariant(u"99999999999999"_s)
                            << u"between 1 and 64"_s;
    QTest::newRow("not a bool") << Settings::Key::DemoCluster << QVariant(u"maybe"_s) << u"true or false"_s;
    QTest::newRow("no such theme") << Settings::Key::Theme << QVariant(u"purple"_s) << u"one of system, light, dark"_s;
    QTest::newRow("relative path") << Settings::Key::KnownHostsFile << QVariant(u"ssh/known"_s) << u"absolute path"_s;
    QTest::newRow("rate of zero") << Settings::Key::CurrencyRate << QVariant(u"0"_s) << u"above 0"_s;
    QTest::newRow("rate in words") << Settings::Key::CurrencyRate << QVariant(u"a lot"_s) << u"decimal"_s;
    QTest::newRow("currency digits") << Settings::Key::CurrencyCode << QVariant(u"E1R"_s) << u"letters only"_s;
}

void TestSettings::invalidValueIsRefusedWithTheReason()
{
    QFETCH(Settings::Key, key);
    QFETCH(QVariant, value);
    QFETCH(QString, reason);
    const QString file = m_dir.filePath(u"refused.conf"_s);
    Settings settings(file);
    const QVariant before = settings.value(key);
    QSignalSpy spy(&settings, &Settings::changed);
    const auto refused = settings.setValue(key, value);
    QVERIFY(!refused);
    QVERIFY2(refused.error().contains(reason), qPrintable(refused.error()));
    QCOMPARE(spy.count(), 0);
    QCOMPARE(settings.value(key), before);
    settings.sync();
    QVERIFY(!bytesOf(file).contains(Settings::keyName(key).section(u'/', 1).toUtf8()));
}

void TestSettings::resetReturnsToTheDefault()
{
    Settings settings(m_dir.filePath(u"reset.conf"_s));
    QVERIFY(settings.setValue(Settings::Key::DemoCluster, false));
    QSignalSpy spy(&settings, &Settings::changed);
    settings.reset(Settings::Key::DemoCluster);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(settings.value(Settings::Key::DemoCluster).toBool(), true);
}

void TestSettings::resetSectionResetsOnlyItsKeys()
{
    Settings settings(m_dir.filePath(u"section.conf"_s));
    QVERIFY(settings.setValue(Settings::Key::PollIntervalMs, 300));
    QVERIFY(settings.setValue(Settings::Key::BackgroundPollIntervalMs, 9000));
    QVERIFY(settings.setValue(Settings::Key::SshConnectTimeoutS, 4));
    QSignalSpy spy(&settings, &Settings::changed);
    settings.resetSection(Settings::Section::Monitoring);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(settings.value(Settings::Key::PollIntervalMs).toInt(), 1000);
    QCOMPARE(settings.value(Settings::Key::BackgroundPollIntervalMs).toInt(), 5000);
    QCOMPARE(settings.value(Settings::Key::SshConnectTimeoutS).toInt(), 4);
}

void TestSettings::damagedFileIsReportedAndUntouched_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("badKey"); // empty: the whole file
    QTest::addColumn<Settings::Key>("key");
    QTest::newRow("letters for an interval")
        << QByteArray("[monitoring]\npollIntervalMs=abc\nbackgroundPollIntervalMs=7000\n")
        << u"monitoring/pollIntervalMs"_s << Settings::Key::PollIntervalMs;
    QTest::newRow("absurd number") << QByteArray("[monitoring]\nbackgroundPollIntervalMs=7000\n"
                                                 "[provisioning]\nparallel=100000000000000000000\n")
                                   << u"provisioning/parallel"_s << Settings::Key::ProvisionParallel;
    QTest::newRow("a list for a number") << QByteArray(
        "[monitoring]\nbackgroundPollIntervalMs=7000\n[ssh]\nconnectTimeoutS=1, 2, 3\n")
                                         << u"ssh/connectTimeoutS"_s << Settings::Key::SshConnectTimeoutS;
    QTest::newRow("not INI") << QByteArray("[monitoring\nbackgroundPollIntervalMs=7000\n\x00\xff\xfe", 44) << QString()
                             << Settings::Key::PollIntervalMs;
}

void TestSettings::damagedFileIsReportedAndUntouched()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, badKey);
    QFETCH(Settings::Key, key);
    const QString file =
        write(u"damaged-%1.conf"_s.arg(QString::fromUtf8(QTest::currentDataTag())).replace(u' ', u'-'), content);
    {
        Settings settings(file);
        const auto problems = settings.problems();
        QCOMPARE(problems.size(), 1);
        QCOMPARE(problems.first().key, badKey);
        QVERIFY2(problems.first().message.contains(file), qPrintable(problems.first().message));
        if (!badKey.isEmpty()) {
            QVERIFY2(problems.first().message.contains(badKey), qPrintable(problems.first().message));
            // The good keys still count; the bad one runs on its default.
            QCOMPARE(settings.value(Settings::Key::BackgroundPollIntervalMs).toInt(), 7000);
            QCOMPARE(settings.value(key), Settings::defaultValue(key));
        }
        QVERIFY(!settings.isWritable());
        // A change, the window's layout on close: kept in memory, the file stays as it was.
        QVERIFY(settings.setValue(Settings::Key::PollIntervalMs, 750));
        QVERIFY(settings.setValue(Settings::Key::WindowGeometry, QByteArray("geometry")));
        QCOMPARE(settings.value(Settings::Key::PollIntervalMs).toInt(), 750);
        settings.reset(Settings::Key::BackgroundPollIntervalMs);
        settings.sync();
    }
    QCOMPARE(bytesOf(file), content);
}

void TestSettings::unreadableFileIsReported()
{
    // Root reads any file: a directory where the file should be is what stays unreadable.
    const QString path = m_dir.filePath(u"directory.conf"_s);
    QVERIFY(QDir().mkpath(path + u"/inside"_s));
    {
        Settings settings(path);
        QCOMPARE(settings.problems().size(), 1);
        QVERIFY2(settings.problems().first().message.contains(u"Cannot read the settings file %1"_s.arg(path)),
            qPrintable(settings.problems().first().message));
        QVERIFY(settings.setValue(Settings::Key::PollIntervalMs, 750));
        QCOMPARE(settings.value(Settings::Key::PollIntervalMs).toInt(), 750);
        settings.sync();
    }
    QVERIFY(QFileInfo(path + u"/inside"_s).isDir());
}

void TestSettings::repairSetsTheDamagedFileAside()
{
    const QByteArray content("[monitoring]\npollIntervalMs=abc\n[ssh]\nconnectTimeoutS=4\n");
    const QString file = write(u"repair.conf"_s, content);
    {
        Settings settings(file);
        QVERIFY(!settings.isWritable());
        QVERIFY(settings.setValue(Settings::Key::ProvisionParallel, 3));
        const auto aside = settings.repair();
        QVERIFY2(aside, qPrintable(aside.error()));
        QCOMPARE(*aside, file + u".damaged"_s);
        QCOMPARE(bytesOf(*aside), content);
        QVERIFY(settings.isWritable());
        QVERIFY(settings.problems().isEmpty());
    }
    Settings reopened(file);
    QVERIFY(reopened.problems().isEmpty());
    QCOMPARE(reopened.value(Settings::Key::ProvisionParallel).toInt(), 3);
    QCOMPARE(reopened.value(Settings::Key::SshConnectTimeoutS).toInt(), 4);
    QCOMPARE(reopened.value(Settings::Key::PollIntervalMs).toInt(), 1000);
}

void TestSettings::sshOptionsFollowTheSettings()
{
    Settings settings(m_dir.filePath(u"ssh.conf"_s));
    QCOMPARE(rune::sshOptionsFrom(settings).connectTimeout, std::chrono::seconds(10));
    QVERIFY(settings.setValue(Settings::Key::SshConnectTimeoutS, 2));
    QVERIFY(settings.setValue(Settings::Key::SshKeepAliveS, 40));
    QVERIFY(settings.setValue(Settings::Key::KnownHostsFile, u"/srv/known_hosts"_s));
    const rune::SshOptions options = rune::sshOptionsFrom(settings);
    QCOMPARE(options.connectTimeout, std::chrono::seconds(2));
    QCOMPARE(options.keepAliveInterval, std::chrono::seconds(40));
    QCOMPARE(options.knownHostsFile, u"/srv/known_hosts"_s);
}

void TestSettings::dataDirIsCreated()
{
    Settings settings(m_dir.filePath(u"data.conf"_s));
    const QString wanted = m_dir.filePath(u"nested/data"_s);
    QVERIFY(settings.setValue(Settings::Key::DataDir, wanted));
    QCOMPARE(settings.dataDir(), wanted);
    QVERIFY(QFileInfo(wanted).isDir());
}

void TestSettings::mqttBrokerKeysRoundTrip()
{
    const QString path = m_dir.filePath(u"mqtt.conf"_s);
    {
        Settings settings(path);
        QCOMPARE(settings.value(Settings::Key::MqttBrokerUrl).toString(), QString());
        QVERIFY(settings.setValue(Settings::Key::MqttBrokerUrl, u" tcp://broker.lan:1883 "_s).has_value());
        QVERIFY(settings.setValue(Settings::Key::MqttUsername, u"edge"_s).has_value());
        QCOMPARE(Settings::descriptor(Settings::Key::MqttBrokerUrl).section, Settings::Section::Events);
        QVERIFY(Settings::sections().contains(Settings::Section::Events));
    }
    Settings reopened(path);
    QCOMPARE(reopened.value(Settings::Key::MqttBrokerUrl).toString(), u"tcp://broker.lan:1883"_s);
    QCOMPARE(reopened.value(Settings::Key::MqttUsername).toString(), u"edge"_s);
    // No password is ever written: there is no key for it.
    QVERIFY(!bytesOf(path).contains("password"));
    QVERIFY(reopened.setValue(Settings::Key::MqttBrokerUrl, QString()).has_value()); // none
}

void TestSettings::badMqttBrokerSettingsAreRefused_data()
{
    QTest::addColumn<Settings::Key>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("reason");
    QTest::newRow("scheme") << Settings::Key::MqttBrokerUrl << u"mqtts://b:8883"_s << u"must start with tcp://"_s;
    QTest::newRow("password in url") << Settings::Key::MqttBrokerUrl << u"tcp://u:p@b:1883"_s
                                     << u"must not hold a user or password"_s;
    QTest::newRow("port") << Settings::Key::MqttBrokerUrl << u"tcp://b:0"_s << u"from 1 to 65535"_s;
    QTest::newRow("path") << Settings::Key::MqttBrokerUrl << u"tcp://b:1883/x"_s << u"without a path"_s;
    QTest::newRow("space") << Settings::Key::MqttBrokerUrl << u"tcp://b c:1883"_s << u"contains spaces"_s;
    QTest::newRow("user control") << Settings::Key::MqttUsername << u"a\tb"_s << u"control characters"_s;
}

void TestSettings::badMqttBrokerSettingsAreRefused()
{
    QFETCH(Settings::Key, key);
    QFETCH(QString, value);
    QFETCH(QString, reason);
    Settings settings(m_dir.filePath(u"badmqtt.conf"_s));
    const auto refused = settings.setValue(key, value);
    QVERIFY(!refused);
    QVERIFY2(refused.error().contains(reason), qPrintable(refused.error()));
    QCOMPARE(settings.value(key).toString(), QString());
}

RUNE_TEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
