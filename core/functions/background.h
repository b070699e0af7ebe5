// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent>
#include <type_traits>

namespace rune
{

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

} // namespace rune
