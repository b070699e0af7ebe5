// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/libsshtransport.h"

#include "ssh/libsshworker.h"

#include <libssh/libssh.h>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

void initialiseLibssh()
{
    static const int initialised = ssh_init();
    Q_UNUSED(initialised);
}

} // namespace

LibsshTransport::LibsshTransport(SshTarget target, SshOptions options, SshPrompter *prompter, QObject *parent)
    : QObject(parent)
    , m_target(target)
    , m_prompter(prompter)
    , m_cancelGeneration(std::make_shared<std::atomic<quint64>>(1))
    , m_thread(std::make_unique<QThread>())
{
    initialiseLibssh();
    qRegisterMetaType<rune::HostKeyInfo>();
    m_worker = new LibsshWorker(std::move(target), std::move(options), prompter != nullptr, m_cancelGeneration);
    m_thread->setObjectName(u"ssh "_s + m_target.host);
    m_worker->moveToThread(m_thread.get());
    connect(m_worker, &LibsshWorker::hostKeyQuestion, this, &LibsshTransport::onHostKeyQuestion);
    connect(m_worker, &LibsshWorker::passphraseQuestion, this, &LibsshTransport::onPassphraseQuestion);
    m_thread->start();
}

LibsshTransport::~LibsshTransport()
{
    m_cancelGeneration->store(std::numeric_limits<quint64>::max());
    // The worker closes its session on its own thread, then the thread ends.
    QMetaObject::invokeMethod(m_worker, [worker = m_worker] {
        worker->shutdown();
        worker->thread()->quit();
    });
    m_thread->wait();
    delete m_worker;
}

QString LibsshTransport::describe() const
{
    QString where = m_target.port ? u"%1:%2"_s.arg(m_target.host).arg(m_target.port) : m_target.host;
    return m_target.user.isEmpty() ? where : m_target.user + u'@' + where;
}

template <typename T>
void LibsshTransport::post(
    QObject *context, Callback<T> done, std::function<Result<T>(LibsshWorker &, quint64)> work, bool connected)
{
    const quint64 generation = m_cancelGeneration->load();
    QPointer<QObject> guard(context);
    // Results travel back through this object, which outlives the worker thread.
    auto deliver = [this, guard, done = std::move(done)](Result<T> result) {
        QMetaObject::invokeMethod(this, [guard, done, result = std::move(result)] {
            if (guard)
                done(result);
        });
    };
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, generation, work = std::move(work), deliver, connected] {
        auto run = [worker, generation, work, deliver] {
            deliver(work(*worker, generation));
        };
        auto failed = [deliver](const Error &error) {
            deliver(std::unexpected(error));
        };
        if (connected)
            worker->submit(generation, std::move(run), std::move(failed));
        else
            worker->submitUnconnected(generation, std::move(run), std::move(failed));
    });
}

void LibsshTransport::connectToHost(QObject *context, Callback<void> done)
{
    post<void>(
        context,
        std::move(done),
        [](LibsshWorker &, quint64) {
            return Result<void>();
        },
        true);
}

void LibsshTransport::exec(const QString &command,
    const QByteArray &input,
    std::chrono::milliseconds timeout,
    QObject *context,
    Callback<ExecResult> done)
{
    post<ExecResult>(
        context,
        std::move(done),
        [command = command.toUtf8(), input, timeout](LibsshWorker &worker, quint64 generation) {
            return worker.exec(command, input, timeout, generation);
        },
        true);
}

void LibsshTransport::upload(const UploadSource &source,
    const QString &remotePath,
    int mode,
    QObject *context,
    Callback<void> done,
    Progress progress)
{
    QPointer<QObject> guard(context);
    Progress relay;
    if (progress) {
        relay = [this, guard, progress](qint64 sent, qint64 total) {
            QMetaObject::invokeMethod(this, [guard, progress, sent, total] {
                if (guard)
                    progress(sent, total);
            });
        };
    }
    post<void>(
        context,
        std::move(done),
        [source, remotePath, mode, relay](LibsshWorker &worker, quint64 generation) {
            return worker.upload(source, remotePath, mode, relay, generation);
        },
        true);
}

void LibsshTransport::openTunnel(quint16 remotePort, QObject *context, Callback<quint16> done)
{
    post<quint16>(
        context,
        std::move(done),
        [remotePort](LibsshWorker &worker, quint64) {
            return worker.openTunnel(remotePort);
        },
        true);
}

void LibsshTransport::trustNewHostKey(const QString &fingerprint, QObject *context, Callback<void> done)
{
    post<void>(
        context,
        std::move(done),
        [fingerprint](LibsshWorker &worker, quint64) {
            return worker.trustNewHostKey(fingerprint);
        },
        false);
}

void LibsshTransport::cancel()
{
    m_cancelGeneration->fetch_add(1);
}

void LibsshTransport::onHostKeyQuestion(const HostKeyInfo &key)
{
    QPointer<LibsshTransport> self(this);
    m_prompter->askHostKey(key, [self](bool accept) {
        if (self) {
            QMetaObject::invokeMethod(self->m_worker, [worker = self->m_worker, accept] {
                worker->answerHostKey(accept);
            });
        }
    });
}

void LibsshTransport::onPassphraseQuestion()
{
    QPointer<LibsshTransport> self(this);
    m_prompter->askPassphrase(describe(), [self](std::optional<QString> passphrase) {
        if (self) {
            QMetaObject::invokeMethod(self->m_worker, [worker = self->m_worker, passphrase] {
                worker->answerPassphrase(passphrase);
            });
        }
    });
}

} // namespace rune
