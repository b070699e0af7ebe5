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
    const QString probe = u"uname -s; uname -m; if [ -d /run/systemd/system ]; then echo systemd; else echo none; fi; "
                          "(. /etc/os-release 2>/dev/null; echo \"${PRETTY_NAME:-unknown}\"); echo \"$HOME\"; ("_s
        + glibcProbeCommand() + u")"_s;
    runAsUser(probe, [this](const ExecResult &result) {
        const QStringList lines = QString::fromUtf8(result.standardOutput).split(u'\n');
        if (result.exitStatus != 0 || lines.size() < 5)
            return failStep(Error {u"provision.detect"_s, tr("the system could not be identified")},
                result.standardOutput + result.standardError);
        const QString kernel = lines[0], arch = lines[1], init = lines[2], os = lines[3], home = lines[4];
        const bool supervised = init != u"systemd"_s || !m_context.options.installRootFor(m_node).isEmpty();
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
        if (const auto refusal = refuseOlderGlibc(lines.value(5), *needed))
            return failStep(*refusal, lines.value(5).toUtf8());
        m_staging = home + u"/.cache/rune-stage/"_s + m_node.id;
        prepareStaging();
    });
}

void ProvisionJob::prepareStaging()
{
    beginStep(ProvisionStep::Upload);
    m_files = m_context.bundle.files();
    m_totalBytes = 0;
    for (const BundleFile &file : std::as_const(m_files))
        m_totalBytes += file.size;
    // A fresh, private staging directory each time: what an interrupted upload left is gone.
    QString command = u"rm -rf %1 && mkdir -p -m 700 %1"_s.arg(shellQuote(m_staging));
    for (const QString &dir : m_context.bundle.directories())
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
    const QString command =
        u"sh %1/install.sh --role %2 --listen 127.0.0.1:%3 --invoke-listen %4"_s.arg(shellQuote(m_staging),
            nodeRoleName(m_node.role),
            QString::number(m_node.agent.controlPort),
            shellQuote(m_context.options.invokeListenHost + u':' + QString::number(m_node.agent.invokePort)))
        + installRootArgs() + *haproxy + brokerArgs();
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
    runAsRoot(shellQuote(agentCtl()) + u" restart"_s, {}, [this](const ExecResult &) {
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
