// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent>
#include <functional>
#include <type_traits>

namespace rune
{

/*
 * The console's background work takes one of three forms (ARCHITECTURE.md, "Threads"):
 * - a one-shot job whose result comes back to the UI thread: runInBackground();
 * - writes that must reach the disk in the order they were made: a SerialQueue;
 * - a long-lived session with its own state (SSH, the node monitor): a worker object moved to a
 *   QThread of its own, talked to with queued signals.
 */

/**
 * Runs @p work on @p pool and hands its result to @p done on @p context's thread; @p done is
 * dropped if @p context is destroyed first. @p work must not touch @p context: it copies what
 * it needs.
 */
template <typename Work, typename Done> void runInBackground(QThreadPool *pool, QObject *context, Work work, Done done)
{
    using T = std::invoke_result_t<Work>;
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcher<T>::finished, context, [watcher, done = std::move(done)]() mutable {
        watcher->deleteLater();
        done(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(pool, std::move(work)));
}

/** runInBackground() on Qt's global pool: for jobs that need no ordering with others. */
template <typename Work, typename Done> void runInBackground(QObject *context, Work work, Done done)
{
    runInBackground(QThreadPool::globalInstance(), context, std::move(work), std::move(done));
}

/**
 * One background thread that runs its jobs one at a time in the order they were given: a
 * store's writes never overtake each other, and the thread keeps its SQLite connection open.
 * Destroying the queue waits for every job given to it.
 */
class SerialQueue
{
public:
    SerialQueue();
    SerialQueue(const SerialQueue &) = delete;
    SerialQueue &operator=(const SerialQueue &) = delete;
    ~SerialQueue();

    /** Runs @p job after every job given before it; nothing comes back. */
    void post(std::function<void()> job);

    /** Runs @p work after every job given before it and hands its result to @p done on
        @p context's thread, as runInBackground() does. */
    template <typename Work, typename Done> void run(QObject *context, Work work, Done done)
    {
        runInBackground(&m_pool, context, std::move(work), std::move(done));
    }

    /** Blocks until every job given so far has run (shutdown and tests only). */
    void waitForDone();

private:
    QThreadPool m_pool;
};

} // namespace rune
