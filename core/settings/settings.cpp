// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/settings.h"

#include <QDir>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

struct KeyInfo {
    Settings::Key key;
    const char *name;
    QVariant defaultValue;
};

const std::vector<KeyInfo> &keyTable()
{
    static const std::vector<KeyInfo> table = {
        {Settings::Key::DataDir, "paths/dataDir", QString()},
        {Settings::Key::AgentBinary, "paths/agentBinary", QString()},
        {Settings::Key::DemoCluster, "demo/enabled", true},
        {Settings::Key::DemoBasePort, "demo/basePort", 0},
        {Settings::Key::PollIntervalMs, "monitoring/pollIntervalMs", 1000},
        {Settings::Key::KnownHostsFile, "ssh/knownHostsFile", QString()},
        {Settings::Key::WindowGeometry, "window/geometry", QByteArray()},
        {Settings::Key::WindowState, "window/state", QByteArray()},
        {Settings::Key::LastPane, "window/lastPane", 1},
        {Settings::Key::BackgroundPollIntervalMs, "monitoring/backgroundPollIntervalMs", 5000},
        {Settings::Key::Theme, "window/theme", QStringLiteral("system")},
        {Settings::Key::OverviewLayout, "window/overview", QByteArray()},
        {Settings::Key::NodesLayout, "window/nodes", QByteArray()},
        {Settings::Key::DetailLayout, "window/detail", QByteArray()},
    };
    return table;
}

const KeyInfo &info(Settings::Key key)
{
    for (const auto &entry : keyTable()) {
        if (entry.key == key)
            return entry;
    }
    Q_UNREACHABLE();
}

} // namespace

Settings::Settings(QObject *parent)
    : QObject(parent)
    , m_settings(std::make_unique<QSettings>(QSettings::IniFormat, QSettings::UserScope, u"rune"_s, u"rune"_s))
{
}

Settings::Settings(const QString &fileName, QObject *parent)
    : QObject(parent)
    , m_settings(std::make_unique<QSettings>(fileName, QSettings::IniFormat))
{
}

Settings::~Settings() = default;

QVariant Settings::value(Key key) const
{
    const auto &entry = info(key);
    return m_settings->value(QLatin1StringView(entry.name), entry.defaultValue);
}

void Settings::setValue(Key key, const QVariant &value)
{
    if (m_settings->contains(keyName(key)) && m_settings->value(keyName(key)) == value)
        return;
    m_settings->setValue(keyName(key), value);
    Q_EMIT changed(key);
}

void Settings::reset(Key key)
{
    if (!m_settings->contains(keyName(key)))
        return;
    m_settings->remove(keyName(key));
    Q_EMIT changed(key);
}

QVariant Settings::defaultValue(Key key)
{
    return info(key).defaultValue;
}

QString Settings::keyName(Key key)
{
    return QLatin1StringView(info(key).name);
}

QString Settings::dataDir() const
{
    QString dir = value(Key::DataDir).toString();
    if (dir.isEmpty())
        dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + u"/.local/share/rune"_s;
    QDir().mkpath(dir);
    return dir;
}

void Settings::sync()
{
    m_settings->sync();
}

} // namespace rune
