// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/provisionjob.h"

#include "haproxyconfig.h"
#include "provision/glibcrequirement.h"

#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace rune
{

void ProvisionJob::start()
{
    detect();
}

void ProvisionJob::detect()
{
    beginStep(ProvisionStep::Detect);
    Q_EMIT progress(0);
    // One line each; what os-release says is kept to one line, whatever it holds.
    const QString probe =
        u"uname -s; uname -m; if [ -d /run/systemd/system ]; then echo systemd; else echo none; fi; "
        "(. /etc/os-release 2>/dev/null; printf '%s' \"${PRETTY_NAME:-unknown}\" | tr '\\n' ' '; echo; "
        "printf '%s %s' \"${ID:-}\" \"${ID_LIKE:-}\" | tr '\\n' ' '; echo); echo \"$HOME\"; "
        "if command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then echo apt; "
        "else echo none; fi; ("_s
        + glibcProbeCommand() + u")"_s;
    runAsUser(probe, [this](const ExecResult &result) {
        const QStringList lines = QString::fromUtf8(result.standardOutput).split(u'\n');
        if (result.exitStatus != 0 || lines.size() < 7)
            return failStep(Error {u"provision.detect"_s, tr("the system could not be identified")},
                result.standardOutput + result.standardError);
        const QString kernel = lines[0], arch = lines[1], init = lines[2], os = lines[3], home = lines[5];
        const QStringList ids = lines[4].split(u' ', Qt::SkipEmptyParts);
        const QString installRoot = m_context.options.installRootFor(m_node);
        const bool supervised = init != u"systemd"_s || !installRoot.isEmpty();
        Q_EMIT logLine(tr("%1 (%2, %3), the agent will run under %4")
                           .arg(os, kernel, arch, supervised ? tr("its own supervisor") : u"systemd"_s));
        if (kernel != u"Linux"_s)
            return failStep(Error {u"provision.unsupported"_s, tr("the agent runs on Linux, not %1").arg(kernel)});
        const QString wanted = m_context.bundle.architecture();
        if (!wanted.isEmpty() && arch != wanted) {
            return failStep(Error {u"provision.unsupported"_s,
                tr("the machine is %1 but the agent binary is built for %2").arg(arch, wanted)});
        }
        // Before anything is uploaded: an agent that cannot start there is no use on the node.
        const auto needed = glibcNeededBy(m_context.bundle.agentBinary());
        if (!needed)
            return failStep(needed.error());
        if (const auto refusal = refuseOlderGlibc(lines.value(7), *needed))
            return failStep(*refusal, lines.value(7).toUtf8());
        const NodeSystem system {ids.value(0), ids.mid(1), lines[6] == u"apt"_s};
        const ProvisionChoice choice = provisionMethodFor(
            system, !m_context.bundle.agentPackage().isEmpty(), installRoot, m_context.options.agentUserFor(m_node));
        m_method = choice.method;
        Q_EMIT logLine(tr("Installing %1.").arg(choice.reason));
        m_staging = home + u"/.cache/rune-stage/"_s + m_node.id;
        prepareStaging();
    });
}

void ProvisionJob::prepareStaging()
{
    beginStep(ProvisionStep::Upload);
    m_files = m_context.bundle.files(m_method);
    m_totalBytes = 0;
    for (const BundleFile &file : std::as_const(m_files))
        m_totalBytes += file.size;
    // A fresh, private staging directory each time: what an interrupted upload left is gone.
    QString command = u"rm -rf %1 && mkdir -p -m 700 %1"_s.arg(shellQuote(m_staging));
    for (const QString &dir : NodeBundle::directoriesOf(m_files))
        command += u" && mkdir -p %1"_s.arg(shellQuote(m_staging + u'/' + dir));
    runAsUser(command, [this](const ExecResult &result) {
        if (result.exitStatus != 0)
            return failStep(
                Error {u"provision.staging"_s, tr("cannot create %1").arg(m_staging)}, result.standardError);
        uploadNext(0);
    });
}

void ProvisionJob::uploadNext(qsizetype index)
{
    SshTransport *transport = m_shell->transport();
    if (index == m_files.size()) {
        // The token last, private from the start: the agent refuses calls without it.
        transport->upload(UploadSource {{}, m_node.agent.token.toUtf8()},
            m_staging + u"/token"_s,
            0600,
            this,
            [this](Result<void> done) {
                if (isFinished())
                    return;
                if (!done)
                    return failStep(done.error());
                install();
            });
        return;
    }
    const BundleFile file = m_files.at(index);
    transport->upload(
        UploadSource {file.localPath, {}},
        m_staging + u'/' + file.remoteName,
        file.mode,
        this,
        [this, index, file](Result<void> done) {
            if (isFinished())
                return;
            if (!done)
                return failStep(done.error());
            m_sentBefore += file.size;
            uploadNext(index + 1);
        },
        [this](qint64 sent, qint64) {
            if (!isFinished() && m_totalBytes > 0)
                Q_EMIT progress(int(5 + 60 * (m_sentBefore + sent) / m_totalBytes));
        });
}

void ProvisionJob::install()
{
    beginStep(ProvisionStep::Install);
    Q_EMIT progress(70);
    const auto haproxy = haproxyArgs();
    if (!haproxy)
        return failStep(haproxy.error());
    const QString settings =
        u" --role %1 --listen 127.0.0.1:%2 --invoke-listen %3"_s.arg(nodeRoleName(m_node.role),
            QString::number(m_node.agent.controlPort),
            shellQuote(m_context.options.invokeListenHost + u':' + QString::number(m_node.agent.invokePort)))
        + *haproxy + brokerArgs();
    QString command;
    if (m_method == ProvisionMethod::Package) {
        // A binary install's agent stops first (the package's own takes its ports); apt-get keeps
        // the agent.conf the console wrote before (confold), and the package's install.sh
        // writes this node's settings and token into it and removes the binary install.
        command = u"{ [ ! -x /usr/local/sbin/rune-agentctl ] || /usr/local/sbin/rune-agentctl stop; } && "
                  "DEBIAN_FRONTEND=noninteractive apt-get install -y --reinstall --allow-downgrades "
                  "--no-install-recommends -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef "
                  "-o Dpkg::Options::=--force-confold %1/rune-agent.deb && "
                  "sh /usr/share/rune-agent/node/install.sh --package --configure --token %1/token"_s.arg(
                      shellQuote(m_staging))
            + settings;
    } else {
        command = u"sh %1/install.sh"_s.arg(shellQuote(m_staging)) + settings + installRootArgs();
    }
    runAsRoot(command, {}, [this](const ExecResult &) {
        startAgent();
    });
}

Result<QString> ProvisionJob::haproxyArgs() const
{
    const quint16 port = m_context.options.controllerHaproxyPort;
    if (m_node.role != NodeRole::Controller || port == 0)
        return QString();
    const QString host = m_context.options.invokeListenHost;
    const QString listen = (host.contains(u':') ? u"[%1]"_s.arg(host) : host) + u':' + QString::number(port);
    // The agent's own check, so a value it would refuse at start never reaches the node.
    if (const auto parsed = protocol::parseHaproxyListen(listen.toStdString()); !parsed)
        return std::unexpected(Error {u"provision.haproxy_listen"_s, QString::fromStdString(parsed.error())});
    return u" --haproxy-listen "_s + shellQuote(listen);
}

QString ProvisionJob::brokerArgs()
{
    const ProvisionBroker broker = m_context.options.brokerNow();
    if (broker.url.isEmpty())
        return {};
    QString args = u" --mqtt-url "_s + shellQuote(broker.url);
    if (!broker.username.isEmpty())
        args += u" --mqtt-user "_s + shellQuote(broker.username);
    // The console never stores the password, so a node it installs cannot be given it here.
    const QString who = broker.username.isEmpty() ? QString() : tr(" as %1").arg(broker.username);
    Q_EMIT logLine(tr("The agent will use the MQTT broker %1%2. The console keeps no password: if the broker needs "
                      "one, send it with Settings › Events › Send to the nodes….")
                       .arg(broker.url, who));
    return args;
}

void ProvisionJob::startAgent()
{
    beginStep(ProvisionStep::Start);
    Q_EMIT progress(80);
    runAsRoot(agentCtl() + u" restart"_s, {}, [this](const ExecResult &) {
        // The staging copy is no longer needed; failing to remove it harms nothing.
        const QString parent = QFileInfo(m_staging).path();
        runAsUser(u"rm -rf %1; rmdir %2 2>/dev/null; true"_s.arg(shellQuote(m_staging), shellQuote(parent)),
            [this](const ExecResult &) {
                awaitAgent();
            });
    });
}

void ProvisionJob::awaitAgent()
{
    beginStep(ProvisionStep::WaitHealthy);
    Q_EMIT progress(90);
    waitForHealth([this] {
        beginStep(ProvisionStep::ReadInfo);
        readInfo([this](const NodeFacts &facts) {
            Q_EMIT logLine(
                tr("The agent %1 answers: %2, %3 cores").arg(facts.agentVersion, facts.hostname).arg(facts.cores));
            succeed(facts);
        });
    });
}

} // namespace rune
