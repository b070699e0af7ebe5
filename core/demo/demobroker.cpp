// SPDX-License-Identifier: GPL-3.0-or-later
#include "demo/demobroker.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTcpServer>
#include <csignal>
#include <sys/prctl.h>

using namespace Qt::StringLiterals;

namespace rune
{

quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort(); // closed again when probe goes: the caller's program binds it next
}

DemoBroker::DemoBroker(QString dir, QObject *parent)
    : QObject(parent)
    , m_dir(std::move(dir))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_process, &QProcess::readyRead, this, [this] {
        m_output.append(m_process.readAll());
        m_output = m_output.right(2000);
    });
    connect(&m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus) {
        const QStringList lines = QString::fromUtf8(m_output).split(u'\n', Qt::SkipEmptyParts);
        m_reason = tr("The demo's MQTT broker (mosquitto) stopped with code %1%2.")
                       .arg(exitCode)
                       .arg(lines.isEmpty() ? QString() : u": "_s + lines.last().trimmed());
        Q_EMIT failed(m_reason);
    });
}

DemoBroker::~DemoBroker()
{
    m_process.disconnect(this);
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(2000))
        m_process.kill();
    m_process.waitForFinished(1000);
}

QString DemoBroker::program()
{
    // Debian installs it in /usr/sbin, which a user's PATH often lacks.
    const QString system = QStandardPaths::findExecutable(u"mosquitto"_s, {u"/usr/sbin"_s, u"/usr/local/sbin"_s});
    return system.isEmpty() ? QStandardPaths::findExecutable(u"mosquitto"_s) : system;
}

void DemoBroker::setProgram(const QString &path)
{
    m_program = path;
}

bool DemoBroker::start()
{
    const QString mosquitto = m_program.value_or(program());
    if (mosquitto.isEmpty()) {
        m_reason = tr("mosquitto is not installed, so the demo has no MQTT broker and the accident sample gets "
                      "no events (it stays at zero replicas). Install it with apt-get install mosquitto "
                      "(installers/setup.sh does) and start the console again.");
        return false;
    }
    m_port = freeLoopbackPort();
    QFile config(m_dir + u"/mosquitto.conf"_s);
    if (m_port == 0 || !QDir().mkpath(m_dir) || !config.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || config.write(u"# Written by the console for the demo cluster.\n"
                        "listener %1 127.0.0.1\nallow_anonymous true\npersistence false\n"_s.arg(m_port)
                            .toUtf8())
            < 0) {
        m_reason =
            tr("Cannot write the demo broker's configuration %1: %2.").arg(config.fileName(), config.errorString());
        return false;
    }
    config.close();
    // Like the demo agents, it must not outlive a console that is killed rather than closed.
    m_process.setChildProcessModifier([] {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    });
    m_process.start(mosquitto, {u"-c"_s, config.fileName()});
    if (!m_process.waitForStarted(3000)) {
        m_reason = tr("Cannot start %1: %2.").arg(mosquitto, m_process.errorString());
        return false;
    }
    m_reason.clear();
    return true;
}

bool DemoBroker::isRunning() const
{
    return m_process.state() == QProcess::Running;
}

QString DemoBroker::url() const
{
    return m_port == 0 ? QString() : u"tcp://127.0.0.1:%1"_s.arg(m_port);
}

quint16 DemoBroker::port() const
{
    return m_port;
}

QString DemoBroker::reason() const
{
    return m_reason;
}

} // namespace rune
