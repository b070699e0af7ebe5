// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QSettings>
#include <QVariant>
#include <memory>

namespace rune
{

/**
 * The console's typed settings. Every key has one default in one table; reads and writes go
 * through here, and changes are announced with changed(key). Stored in the XDG config location
 * (`~/.config/rune/rune.conf`), or in a private file for tests (see temporary()).
 */
class Settings final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Settings)

public:
    enum class Key {
        DataDir, ///< where the store, buckets and demo agents live; empty: XDG data dir
        AgentBinary, ///< path to rune-agent; empty: next to the console binary
        DemoCluster, ///< start the local demo cluster at launch
        DemoBasePort, ///< first control port of the demo agents
        PollIntervalMs, ///< poll interval for nodes on screen
        KnownHostsFile, ///< empty: ~/.ssh/known_hosts
        WindowGeometry, ///< QMainWindow::saveGeometry()
        WindowState, ///< QMainWindow::saveState()
        LastPane, ///< index of the navigation pane shown last
        BackgroundPollIntervalMs, ///< poll interval for nodes not on screen
        Theme, ///< "system", "light" or "dark"
        OverviewLayout, ///< the Overview table's columns
        NodesLayout, ///< the Nodes table's columns and the provisioning panel's size
        DetailLayout, ///< Node detail: the node, the range and the charts' share of the pane
    };
    Q_ENUM(Key)

    /** Settings in the user's XDG config location. */
    explicit Settings(QObject *parent = nullptr);
    /** Settings in @p fileName (INI format), for tests and alternate profiles. */
    explicit Settings(const QString &fileName, QObject *parent = nullptr);
    ~Settings() override;

    QVariant value(Key key) const;
    void setValue(Key key, const QVariant &value);
    void reset(Key key);
    static QVariant defaultValue(Key key);
    static QString keyName(Key key);

    /** The directory for the console's data: DataDir, else the XDG app data location. Created if missing. */
    QString dataDir() const;

    void sync();

Q_SIGNALS:
    void changed(rune::Settings::Key key);

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace rune
