// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/settings.h"

#include "cost/money.h"
#include "mqttbroker.h"
#include "ssh/sshtypes.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

using K = Settings::Key;
using S = Settings::Section;
using Kind = Settings::Kind;
using Takes = Settings::Takes;

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::Settings", text);
}

Settings::Descriptor integer(K key,
    const char *name,
    S section,
    qint64 fallback,
    std::pair<qint64, qint64> bounds,
    const char *unit,
    const char *label,
    const char *explanation,
    Takes takes)
{
    return {
        key, name, section, Kind::Integer, fallback, bounds.first, bounds.second, {}, label, explanation, unit, takes};
}

Settings::Descriptor other(K key,
    const char *name,
    S section,
    Kind kind,
    QVariant fallback,
    const char *label,
    const char *explanation,
    Takes takes,
    QStringList choices = {})
{
    return {key, name, section, kind, std::move(fallback), 0, 0, std::move(choices), label, explanation, "", takes};
}

Settings::Descriptor hidden(K key, const char *name, Kind kind, QVariant fallback)
{
    Settings::Descriptor descriptor =
        other(key, name, S::Window, kind, std::move(fallback), "", "", Takes::Immediately);
    descriptor.shown = false;
    return descriptor;
}

// The one table: the Settings pane is generated from it, in this order.
QList<Settings::Descriptor> buildTable()
{
    return {
        integer(K::PollIntervalMs,
            "monitoring/pollIntervalMs",
            S::Monitoring,
            1000,
            {100, 60'000},
            "ms",
            QT_TRANSLATE_NOOP("rune::Settings", "Poll nodes on screen every"),
            QT_TRANSLATE_NOOP("rune::Settings", "How often the nodes a pane shows are asked for their metrics."),
            Takes::Immediately),
        integer(K::BackgroundPollIntervalMs,
            "monitoring/backgroundPollIntervalMs",
            S::Monitoring,
            5000,
            {500, 600'000},
            "ms",
            QT_TRANSLATE_NOOP("rune::Settings", "Poll other nodes every"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "How often the nodes no pane shows are asked; also the step of "
                "the live charts in Node detail."),
            Takes::Immediately),
        integer(K::MetricRetentionHours,
            "monitoring/metricRetentionHours",
            S::Monitoring,
            24,
            {1, 24},
            "h",
            QT_TRANSLATE_NOOP("rune::Settings", "Keep metric history for"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "Older averages are deleted from metrics.db; the Day chart shows "
                "at most this much. Less keeps the file smaller."),
            Takes::Immediately),
        other(K::KnownHostsFile,
            "ssh/knownHostsFile",
            S::Connections,
            Kind::Path,
            QString(),
            QT_TRANSLATE_NOOP("rune::Settings", "known_hosts file"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "Where host keys are checked and accepted ones recorded; empty: "
                "~/.ssh/known_hosts."),
            Takes::NextConnection),
        integer(K::SshConnectTimeoutS,
            "ssh/connectTimeoutS",
            S::Connections,
            10,
            {1, 300},
            "s",
            QT_TRANSLATE_NOOP("rune::Settings", "Connection timeout"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "How long reaching a machine, the key exchange and logging in may "
                "take before the node is reported unreachable."),
            Takes::NextConnection),
        integer(K::SshKeepAliveS,
            "ssh/keepAliveS",
            S::Connections,
            15,
            {1, 3600},
            "s",
            QT_TRANSLATE_NOOP("rune::Settings", "Keepalive every"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "Idle SSH sessions send a keepalive this often, so firewalls keep "
                "them open and dead ones are noticed."),
            Takes::NextConnection),
        integer(K::ProvisionParallel,
            "provisioning/parallel",
            S::Provisioning,
            8,
            {1, 64},
            "",
            QT_TRANSLATE_NOOP("rune::Settings", "Nodes at the same time"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "How many nodes are provisioned, suspended, resumed, rebooted or "
                "terminated at once; the rest wait in line."),
            Takes::Immediately),
        integer(K::ControllerHaproxyPort,
            "provisioning/controllerHaproxyPort",
            S::Provisioning,
            0,
            {0, 65'535},
            "",
            QT_TRANSLATE_NOOP("rune::Settings", "Controller gateway: HAProxy port"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "0: controllers route calls with the agent's built-in gateway on their invoke port. "
                "A port: provisioning a controller installs HAProxy there (Debian's package when it has "
                "none) and its agent runs it as the gateway on this port."),
            Takes::AfterRestart),
        other(K::AgentBinary,
            "paths/agentBinary",
            S::Provisioning,
            Kind::Path,
            QString(),
            QT_TRANSLATE_NOOP("rune::Settings", "Agent binary"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "The rune-agent installed on nodes and run by the demo cluster; "
                "empty: the one next to the console."),
            Takes::AfterRestart),
        other(K::AgentPackage,
            "paths/agentPackage",
            S::Provisioning,
            Kind::Path,
            QString(),
            QT_TRANSLATE_NOOP("rune::Settings", "Agent package (.deb)"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "The rune-agent package installed with apt-get on Debian and Ubuntu nodes, so that their "
                "package manager knows the agent; other nodes get the agent binary. Empty: the package "
                "built beside the console (installers/setup.sh package), else the binary everywhere."),
            Takes::AfterRestart),
        other(K::DemoCluster,
            "demo/enabled",
            S::DemoCluster,
            Kind::Boolean,
            true,
            QT_TRANSLATE_NOOP("rune::Settings", "Start the demo cluster"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "Four agents on this computer with three sample functions, started "
                "with the console (--demo on|off overrides it)."),
            Takes::AfterRestart),
        integer(K::DemoBasePort,
            "demo/basePort",
            S::DemoCluster,
            0,
            {0, 65'000},
            "",
            QT_TRANSLATE_NOOP("rune::Settings", "First port"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "The demo agents listen on this port and the ones after it (two "
                "each, on 127.0.0.1); 0: any free ports."),
            Takes::AfterRestart),
        other(K::Theme,
            "window/theme",
            S::Appearance,
            Kind::Choice,
            u"system"_s,
            QT_TRANSLATE_NOOP("rune::Settings", "Theme"),
            QT_TRANSLATE_NOOP("rune::Settings", "Light, dark, or whichever the desktop uses."),
            Takes::Immediately,
            {u"system"_s, u"light"_s, u"dark"_s}),
        other(K::MqttBrokerUrl,
            "events/mqttBrokerUrl",
            S::Events,
            Kind::Text,
            QString(),
            QT_TRANSLATE_NOOP("rune::Settings", "MQTT broker"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "tcp://host:port of the broker whose messages fire the functions' MQTT triggers; "
                "\"Send to the nodes\" gives it to every running node. Empty: none."),
            Takes::NextConnection),
        other(K::MqttUsername,
            "events/mqttUsername",
            S::Events,
            Kind::Text,
            QString(),
            QT_TRANSLATE_NOOP("rune::Settings", "MQTT user"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "Empty: none. The password is asked for when the broker is sent and is kept only "
                "by the nodes, never by the console."),
            Takes::NextConnection),
        other(K::CurrencyCode,
            "cost/currencyCode",
            S::Cost,
            Kind::Text,
            QString(),
            QT_TRANSLATE_NOOP("rune::Settings", "Second currency"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "Its code (such as EUR or KRW): the Cost pane shows totals in it "
                "beside US dollars. Empty: dollars only."),
            Takes::Immediately),
        other(K::CurrencyRate,
            "cost/currencyRate",
            S::Cost,
            Kind::Decimal,
            QString(),
            QT_TRANSLATE_NOOP("rune::Settings", "Units per US dollar"),
            QT_TRANSLATE_NOOP("rune::Settings", "The exchange rate, such as 0.92 or 1140."),
            Takes::Immediately),
        other(K::DataDir,
            "paths/dataDir",
            S::Storage,
            Kind::Path,
            QString(),
            QT_TRANSLATE_NOOP("rune::Settings", "Data directory"),
            QT_TRANSLATE_NOOP("rune::Settings",
                "The store, the functions' files, the metric history and the demo "
                "agents; empty: the XDG data directory. Nothing is moved."),
            Takes::AfterRestart),
        hidden(K::WindowGeometry, "window/geometry", Kind::Bytes, QByteArray()),
        hidden(K::WindowState, "window/state", Kind::Bytes, QByteArray()),
        hidden(K::OverviewLayout, "window/overview", Kind::Bytes, QByteArray()),
        hidden(K::NodesLayout, "window/nodes", Kind::Bytes, QByteArray()),
        hidden(K::DetailLayout, "window/detail", Kind::Bytes, QByteArray()),
        [] {
            Settings::Descriptor last = hidden(K::LastPane, "window/lastPane", Kind::Integer, 1);
            last.maximum = 63;
            return last;
        }(),
    };
}

std::expected<qint64, QString> wholeNumber(const QVariant &value)
{
    bool ok = false;
    qint64 number = 0;
    switch (value.metaType().id()) {
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::Short:
    case QMetaType::UShort:
        number = value.toLongLong(&ok);
        break;
    case QMetaType::QString:
    case QMetaType::QByteArray:
        number = value.toString().trimmed().toLongLong(&ok);
        break;
    default:
        break;
    }
    if (!ok)
        return std::unexpected(tr("must be a whole number"));
    return number;
}

std::expected<QVariant, QString> checkInteger(const Settings::Descriptor &d, const QVariant &value)
{
    const auto number = wholeNumber(value);
    if (!number)
        return std::unexpected(number.error());
    if (*number < d.minimum || *number > d.maximum) {
        const QString unit = *d.unit ? u" "_s + QLatin1StringView(d.unit) : QString();
        return std::unexpected(tr("must be between %1 and %2%3").arg(d.minimum).arg(d.maximum).arg(unit));
    }
    return QVariant(int(*number));
}

std::expected<QVariant, QString> checkBoolean(const QVariant &value)
{
    if (value.metaType().id() == QMetaType::Bool)
        return value;
    const QString text = value.toString().trimmed().toLower();
    if (text == u"true"_s || text == u"false"_s)
        return QVariant(text == u"true"_s);
    return std::unexpected(tr("must be true or false"));
}

bool isText(const QVariant &value)
{
    const int type = value.metaType().id();
    return type == QMetaType::QString || type == QMetaType::QByteArray || !value.isValid();
}

std::expected<QVariant, QString> checkText(K key, const QString &text)
{
    if (key == K::CurrencyCode) {
        static const QRegularExpression code(u"^[A-Za-z]{0,8}$"_s);
        if (!code.match(text).hasMatch())
            return std::unexpected(tr("must be a currency code of letters only, such as EUR"));
        return QVariant(text.toUpper());
    }
    if (key == K::MqttBrokerUrl && !text.isEmpty()) {
        if (const auto problem = protocol::brokerUrlProblem(text.toStdString()))
            return std::unexpected(QString::fromStdString(*problem));
    }
    if (key == K::MqttUsername) {
        if (const auto problem = protocol::brokerUsernameProblem(text.toStdString()))
            return std::unexpected(QString::fromStdString(*problem));
    }
    return QVariant(text);
}

std::expected<QVariant, QString> checkPath(const QString &text)
{
    if (text.isEmpty())
        return QVariant(text);
    if (!QDir::isAbsolutePath(QDir::fromNativeSeparators(text)))
        return std::unexpected(tr("must be an absolute path (starting with /), or empty"));
    return QVariant(QDir::cleanPath(text));
}

std::expected<QVariant, QString> checkDecimal(const QString &text)
{
    if (text.isEmpty())
        return QVariant(text);
    const auto price = cost::UnitPrice::parse(text);
    if (!price || price->picos() <= 0)
        return std::unexpected(tr("must be a decimal number above 0 such as 1140 or 0.92"));
    return QVariant(price->toDecimal());
}

/** Why @p file cannot be a settings file although QSettings read it, or empty. */
QString notSettingsReason(const QString &file)
{
    // QSettings reads nearly anything as INI, binary data included, and would then write over it.
    constexpr qint64 largest = 1024 * 1024;
    QFile content(file);
    if (!content.exists() || !content.open(QIODevice::ReadOnly))
        return {};
    if (content.size() > largest)
        return tr("is %1 bytes, more than a settings file can be").arg(content.size());
    const QByteArray bytes = content.readAll();
    if (bytes.contains('\0') || !QByteArrayView(bytes).isValidUtf8())
        return tr("holds binary data");
    return {};
}

QString describe(const QVariant &value)
{
    const QString text = value.toString();
    return text.size() > 40 ? text.left(40) + u"…"_s : text;
}

} // namespace

const QList<Settings::Descriptor> &Settings::descriptors()
{
    static const QList<Descriptor> table = buildTable();
    return table;
}

const Settings::Descriptor &Settings::descriptor(Key key)
{
    for (const Descriptor &entry : descriptors()) {
        if (entry.key == key)
            return entry;
    }
    Q_UNREACHABLE();
}

QList<Settings::Section> Settings::sections()
{
    QList<Section> shown;
    for (const Descriptor &entry : descriptors()) {
        if (entry.shown && !shown.contains(entry.section))
            shown << entry.section;
    }
    return shown;
}

QString Settings::sectionTitle(Section section)
{
    switch (section) {
    case Section::Monitoring:
        return tr("Monitoring");
    case Section::Connections:
        return tr("SSH connections");
    case Section::Provisioning:
        return tr("Provisioning");
    case Section::DemoCluster:
        return tr("Demo cluster");
    case Section::Appearance:
        return tr("Appearance");
    case Section::Events:
        return tr("Events (MQTT)");
    case Section::Cost:
        return tr("Cost");
    case Section::Storage:
        return tr("Storage");
    case Section::Window:
        return tr("Window");
    }
    return {};
}

QString Settings::label(Key key)
{
    return tr(descriptor(key).label);
}

QString Settings::explanation(Key key)
{
    return tr(descriptor(key).explanation);
}

std::expected<QVariant, QString> Settings::validate(Key key, const QVariant &value)
{
    const Descriptor &d = descriptor(key);
    switch (d.kind) {
    case Kind::Integer:
        return checkInteger(d, value);
    case Kind::Boolean:
        return checkBoolean(value);
    case Kind::Bytes:
        return QVariant(value.toByteArray());
    case Kind::Choice:
    case Kind::Text:
    case Kind::Path:
    case Kind::Decimal:
        break;
    }
    if (!isText(value))
        return std::unexpected(tr("must be text"));
    const QString text = value.toString().trimmed();
    if (text.contains(QChar(0)) || text.contains(u'\n'))
        return std::unexpected(tr("must be one line"));
    if (d.kind == Kind::Choice) {
        if (!d.choices.contains(text))
            return std::unexpected(tr("must be one of %1").arg(d.choices.join(u", "_s)));
        return QVariant(text);
    }
    if (d.kind == Kind::Path)
        return checkPath(text);
    if (d.kind == Kind::Decimal)
        return checkDecimal(text);
    return checkText(key, text);
}

Settings::Settings(QObject *parent)
    : QObject(parent)
    , m_settings(std::make_unique<QSettings>(QSettings::IniFormat, QSettings::UserScope, u"rune"_s, u"rune"_s))
{
    load();
}

Settings::Settings(const QString &fileName, QObject *parent)
    : QObject(parent)
    , m_settings(std::make_unique<QSettings>(fileName, QSettings::IniFormat))
{
    load();
}

Settings::~Settings() = default;

void Settings::load()
{
    const QString file = fileName();
    const QFileInfo info(file);
    if (m_settings->status() == QSettings::AccessError || (info.exists() && (!info.isFile() || !info.isReadable()))) {
        m_problems << Problem {{},
            tr("Cannot read the settings file %1. Rune runs on the default settings and "
               "leaves the file as it is.")
                .arg(file)};
        return;
    }
    const QString notSettings =
        m_settings->status() == QSettings::FormatError ? tr("is not an INI file") : notSettingsReason(file);
    if (!notSettings.isEmpty()) {
        m_problems << Problem {{},
            tr("The settings file %1 %2. Rune runs on the default settings and leaves the file as it is.")
                .arg(file, notSettings)};
        return;
    }
    for (const Descriptor &d : descriptors()) {
        const QString name = QLatin1StringView(d.name);
        if (!m_settings->contains(name))
            continue;
        const QVariant raw = m_settings->value(name);
        const auto valid = validate(d.key, raw);
        if (valid) {
            m_values.insert(d.key, *valid);
            continue;
        }
        m_problems << Problem {name,
            tr("%1: %2 = \"%3\" %4. Rune uses the default (%5) and leaves the file as it is.")
                .arg(file, name, describe(raw), valid.error(), describe(d.defaultValue))};
    }
}

QVariant Settings::value(Key key) const
{
    return m_values.value(key, descriptor(key).defaultValue);
}

std::expected<void, QString> Settings::setValue(Key key, const QVariant &value)
{
    const auto valid = validate(key, value);
    if (!valid)
        return std::unexpected(valid.error());
    if (m_values.contains(key) && m_values.value(key) == *valid)
        return {};
    store(key, *valid);
    Q_EMIT changed(key);
    return {};
}

std::expected<void, QString> Settings::useForThisRun(Key key, const QVariant &value)
{
    const auto valid = validate(key, value);
    if (!valid)
        return std::unexpected(valid.error());
    m_values.insert(key, *valid);
    Q_EMIT changed(key);
    return {};
}

void Settings::store(Key key, const QVariant &value)
{
    m_values.insert(key, value);
    if (isWritable())
        m_settings->setValue(keyName(key), value);
}

void Settings::reset(Key key)
{
    if (!m_values.contains(key))
        return;
    const bool differed = m_values.value(key) != defaultValue(key);
    m_values.remove(key);
    if (isWritable())
        m_settings->remove(keyName(key));
    if (differed)
        Q_EMIT changed(key);
}

void Settings::resetSection(Section section)
{
    for (const Descriptor &d : descriptors()) {
        if (d.section == section && d.shown)
            reset(d.key);
    }
}

bool Settings::isSet(Key key) const
{
    return value(key) != defaultValue(key);
}

QVariant Settings::defaultValue(Key key)
{
    return descriptor(key).defaultValue;
}

QString Settings::keyName(Key key)
{
    return QLatin1StringView(descriptor(key).name);
}

QString Settings::fileName() const
{
    return m_settings->fileName();
}

QList<Settings::Problem> Settings::problems() const
{
    return m_problems;
}

bool Settings::isWritable() const
{
    return m_problems.isEmpty();
}

std::expected<QString, QString> Settings::repair()
{
    const QString file = fileName();
    if (isWritable())
        return file;
    QString aside = file + u".damaged"_s;
    if (QFileInfo::exists(aside))
        aside += u'-' + QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s);
    if (QFileInfo::exists(file) && !QFile::rename(file, aside))
        return std::unexpected(tr("Cannot move %1 to %2: the damaged file stays where it is.").arg(file, aside));
    // The old instance first: QSettings shares one parsed file between instances of one path.
    m_settings.reset();
    m_settings = std::make_unique<QSettings>(file, QSettings::IniFormat);
    m_problems.clear();
    for (auto it = m_values.cbegin(); it != m_values.cend(); ++it)
        m_settings->setValue(keyName(it.key()), it.value());
    m_settings->sync();
    if (m_settings->status() != QSettings::NoError)
        return std::unexpected(tr("Cannot write %1.").arg(file));
    return aside;
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
    if (isWritable())
        m_settings->sync();
}

SshOptions sshOptionsFrom(const Settings &settings)
{
    SshOptions options;
    options.knownHostsFile = settings.value(Settings::Key::KnownHostsFile).toString();
    options.connectTimeout = std::chrono::seconds(settings.value(Settings::Key::SshConnectTimeoutS).toInt());
    options.keepAliveInterval = std::chrono::seconds(settings.value(Settings::Key::SshKeepAliveS).toInt());
    return options;
}

} // namespace rune
