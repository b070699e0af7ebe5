// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QObject>
#include <QSettings>
#include <QStringList>
#include <QVariant>
#include <expected>
#include <memory>

namespace rune
{

struct SshOptions;

/**
 * The console's typed settings. Every key has one descriptor in one table (its default, bounds,
 * explanation, section and when it takes effect); reads and writes go through here, values are
 * validated both ways, and changes are announced with changed(key). Stored in the XDG config
 * location (`~/.config/rune/rune.ini`), or in a file of the caller's choosing (tests).
 *
 * A damaged file (unreadable, not INI, a key with a value of the wrong type or out of bounds) is
 * reported by problems() and never written to: the console runs on the defaults of the bad keys,
 * and changes made meanwhile live in memory until repair() sets the damaged file aside.
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
        DemoBasePort, ///< first control port of the demo agents; 0: any free port
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
        SshConnectTimeoutS, ///< TCP connect, key exchange and authentication, in seconds
        SshKeepAliveS, ///< idle SSH sessions send a keepalive this often, in seconds
        ProvisionParallel, ///< nodes provisioned (or suspended, rebooted…) at the same time
        MetricRetentionHours, ///< how long the metric history keeps its 1-minute averages
        CurrencyCode, ///< the Cost pane's second currency, e.g. "EUR"; empty: none
        CurrencyRate, ///< units of CurrencyCode per US dollar, a decimal
        MqttBrokerUrl, ///< the MQTT broker the nodes' triggers use, tcp://host:port; empty: none
        MqttUsername, ///< its user; the password is never stored, only sent to the nodes
        ControllerHaproxyPort, ///< controllers provisioned from now on run HAProxy on this port; 0: built-in gateway
        AgentPackage, ///< the rune-agent .deb Debian and Ubuntu nodes get; empty: the one beside the console's build
    };
    Q_ENUM(Key)

    /** The groups the Settings pane shows, one form each, in this order. */
    enum class Section {
        Monitoring,
        Connections,
        Provisioning,
        DemoCluster,
        Appearance,
        Events,
        Cost,
        Storage,
        Window
    };
    Q_ENUM(Section)

    /** What a value is, for validation and for the field that edits it. */
    enum class Kind { Integer, Boolean, Choice, Text, Path, Decimal, Bytes };

    /** When a change takes effect. */
    enum class Takes { Immediately, NextConnection, AfterRestart };

    /** Everything known about one key; the table of them is the single source of the pane. */
    struct Descriptor {
        Key key;
        const char *name; ///< the key in the INI file
        Section section;
        Kind kind;
        QVariant defaultValue;
        qint64 minimum = 0; ///< Integer only
        qint64 maximum = 0; ///< Integer only
        QStringList choices; ///< Choice only
        const char *label = ""; ///< untranslated; tr() in the "rune::Settings" context
        const char *explanation = ""; ///< one line, untranslated
        const char *unit = ""; ///< Integer only: "ms", "s", "h"
        Takes takes = Takes::Immediately;
        bool shown = true; ///< window layout keys are kept but never shown
    };

    /** A key whose stored value was refused, or the file as a whole (key empty). */
    struct Problem {
        QString key; ///< the INI key; empty: the whole file
        QString message; ///< names the file and the key
    };

    /** Settings in the user's XDG config location. */
    explicit Settings(QObject *parent = nullptr);
    /** Settings in @p fileName (INI format), for tests and alternate profiles. */
    explicit Settings(const QString &fileName, QObject *parent = nullptr);
    ~Settings() override;

    static const QList<Descriptor> &descriptors();
    static const Descriptor &descriptor(Key key);
    static QList<Section> sections();
    static QString sectionTitle(Section section);
    static QString label(Key key);
    static QString explanation(Key key);

    /**
     * @p value as @p key stores it (an int, a bool, a trimmed string…), or why it is refused:
     * "must be a whole number", "must be between 200 and 60000 ms", "must be one of …".
     */
    static std::expected<QVariant, QString> validate(Key key, const QVariant &value);

    /** The stored value if it is valid, else the default. */
    QVariant value(Key key) const;
    /** Stores a valid @p value (announcing it) or returns why it is refused, storing nothing. */
    std::expected<void, QString> setValue(Key key, const QVariant &value);
    /**
     * As setValue(), for this process only: the settings file keeps its value (the command line's
     * --data-dir, so a script never moves the window's data).
     */
    std::expected<void, QString> useForThisRun(Key key, const QVariant &value);
    void reset(Key key);
    /** Resets every key of @p section. */
    void resetSection(Section section);
    /** Whether @p key holds something other than its default. */
    bool isSet(Key key) const;
    static QVariant defaultValue(Key key);
    static QString keyName(Key key);

    QString fileName() const;
    /** What was wrong with the file when it was read; empty when it was sound. */
    QList<Problem> problems() const;
    /** Whether changes reach the file; false while it is damaged (they live in memory). */
    bool isWritable() const;
    /**
     * Moves the damaged file aside (to "<file>.damaged") and writes the current settings in a
     * new one, so changes are saved again. Returns where the old file went, or why it failed.
     */
    std::expected<QString, QString> repair();

    /** The directory for the console's data: DataDir, else the XDG app data location. Created if missing. */
    QString dataDir() const;

    void sync();

Q_SIGNALS:
    void changed(rune::Settings::Key key);

private:
    void load();
    void store(Key key, const QVariant &value);

    std::unique_ptr<QSettings> m_settings;
    QHash<Key, QVariant> m_values; ///< valid values that differ from nothing: set in the file or in memory
    QList<Problem> m_problems;
};

/** The SSH options the settings give: timeouts, keepalive and the known_hosts file. */
SshOptions sshOptionsFrom(const Settings &settings);

} // namespace rune
