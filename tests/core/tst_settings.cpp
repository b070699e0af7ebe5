// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/settings.h"

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
    void changesAreStoredAndAnnounced();
    void resetReturnsToTheDefault();
    void dataDirIsCreated();

private:
    QTemporaryDir m_dir;
};

void TestSettings::defaultsComeFromTheTable()
{
    Settings settings(m_dir.filePath(u"defaults.conf"_s));
    QCOMPARE(settings.value(Settings::Key::PollIntervalMs).toInt(), 1000);
    QCOMPARE(settings.value(Settings::Key::DemoCluster).toBool(), true);
    QCOMPARE(settings.value(Settings::Key::PollIntervalMs), Settings::defaultValue(Settings::Key::PollIntervalMs));
}

void TestSettings::changesAreStoredAndAnnounced()
{
    const QString file = m_dir.filePath(u"changes.conf"_s);
    {
        Settings settings(file);
        QSignalSpy spy(&settings, &Settings::changed);
        settings.setValue(Settings::Key::PollIntervalMs, 2500);
        settings.setValue(Settings::Key::PollIntervalMs, 2500); // unchanged: no second signal
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<Settings::Key>(), Settings::Key::PollIntervalMs);
    }
    Settings reopened(file);
    QCOMPARE(reopened.value(Settings::Key::PollIntervalMs).toInt(), 2500);
}

void TestSettings::resetReturnsToTheDefault()
{
    Settings settings(m_dir.filePath(u"reset.conf"_s));
    settings.setValue(Settings::Key::DemoCluster, false);
    QSignalSpy spy(&settings, &Settings::changed);
    settings.reset(Settings::Key::DemoCluster);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(settings.value(Settings::Key::DemoCluster).toBool(), true);
}

void TestSettings::dataDirIsCreated()
{
    Settings settings(m_dir.filePath(u"data.conf"_s));
    const QString wanted = m_dir.filePath(u"nested/data"_s);
    settings.setValue(Settings::Key::DataDir, wanted);
    QCOMPARE(settings.dataDir(), wanted);
    QVERIFY(QFileInfo(wanted).isDir());
}

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
