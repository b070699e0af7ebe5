// SPDX-License-Identifier: GPL-3.0-or-later
#include "session.h"

#include "ssh/libsshtransport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <csignal>

using namespace Qt::StringLiterals;

namespace rune::cli
{

namespace
{

volatile std::sig_atomic_t stopSignalled = 0;

extern "C" void noteStopSignal(int)
{
    stopSignalled = 1;
}

} // namespace

void DecliningPrompter::askHostKey(const HostKeyInfo &, std::function<void(bool accept)> answer)
{
    answer(false);
}

void DecliningPrompter::askPassphrase(const QString &, std::function<void(std::optional<QString>)> answer)
{
    answer(std::nullopt);
}

void DecliningPrompter::askSudoPassword(const QString &, std::function<void(std::optional<QString>)> answer)
{
    answer(std::nullopt);
}

Session::Session(Invocation invocation, QObject *parent)
    : QObject(parent)
    , m_invocation(std::move(invocation))
    , m_output(m_invocation.mode)
    , m_prompter(std::make_unique<DecliningPrompter>())
{
}

Session::~Session() = default;

const Invocation &Session::invocation() const
{
    return m_invocation;
}

Output &Session::output()
{
    return m_output;
}

Settings &Session::settings()
{
    return m_settings;
}

bool Session::prepare()
{
    if (m_invocation.dataDir.isEmpty())
        return true;
    const QFileInfo info(m_invocation.dataDir);
    if (info.exists() && !info.isDir()) {
        fail(Outcome::Usage, tr("--data-dir %1 is not a directory").arg(m_invocation.dataDir));
        return false;
    }
    const auto set = m_settings.useForThisRun(Settings::Key::DataDir, QDir(m_invocation.dataDir).absolutePath());
    if (!set) {
        fail(Outcome::Usage, u"--data-dir "_s + set.error());
        return false;
    }
    return true;
}

Console *Session::console()
{
    if (m_console)
        return m_console.get();
    ConsoleEdges edges;
    edges.connectTo = [this](const SshTarget &target) -> std::unique_ptr<SshTransport> {
        return std::make_unique<LibsshTransport>(target, sshOptionsFrom(m_settings), m_prompter.get());
    };
    edges.prompter = m_prompter.get();
    edges.provisioning = provisionOptionsFrom(m_settings);
    auto console = Console::open(&m_settings, std::move(edges));
    if (!console) {
        fail(Outcome::Failed, console.error().message);
        return nullptr;
    }
    m_console = std::move(*console);
    return m_console.get();
}

void Session::setPrompter(std::unique_ptr<SshPrompter> prompter)
{
    Q_ASSERT(!m_console);
    m_prompter = std::move(prompter);
}

void Session::finish(int code)
{
    m_output.endProgress();
    QMetaObject::invokeMethod(
        this,
        [code] {
            QCoreApplication::exit(code);
        },
        Qt::QueuedConnection);
}

void Session::fail(Outcome outcome, const QString &message)
{
    m_output.endProgress();
    finish(m_output.error(outcome, message));
}

void Session::succeed(const QJsonObject &json, const QString &text)
{
    m_output.endProgress();
    m_output.result(json, text);
    finish(exitCode(Outcome::Ok));
}

void Session::onStopSignal(std::function<void()> stop)
{
    for (const int signal : {SIGINT, SIGTERM, SIGHUP})
        std::signal(signal, noteStopSignal);
    connect(&m_signalCheck, &QTimer::timeout, this, [this, stop = std::move(stop)] {
        if (!stopSignalled)
            return;
        m_signalCheck.stop();
        stop();
    });
    m_signalCheck.start(100);
}

} // namespace rune::cli
