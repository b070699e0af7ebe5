// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>
#include <chrono>
#include <functional>
#include <utility>

namespace rune
{

/**
 * Items handled on the UI thread a slice at a time: each turn of the event loop handles items
 * for at most a budget of time (at least one, so a slow item never stalls the rest), then lets
 * the loop run before the next slice. When the queue runs empty, @p drained runs once, so
 * whoever sums or draws what the items changed does it once for all of them.
 */
template <typename Item> class SlicedWork final
{
public:
    SlicedWork(
        std::chrono::milliseconds budget, std::function<void(const Item &)> handle, std::function<void()> drained)
        : m_budgetNs(std::chrono::nanoseconds(budget).count())
        , m_handle(std::move(handle))
        , m_drained(std::move(drained))
    {
        m_next.setSingleShot(true);
        m_next.setInterval(0);
        QObject::connect(&m_next, &QTimer::timeout, &m_next, [this] {
            runSlice();
        });
    }
    Q_DISABLE_COPY_MOVE(SlicedWork)

    /** Queues @p items after those waiting; handles a first slice now unless slices are under way. */
    void append(const QList<Item> &items)
    {
        if (items.isEmpty())
            return;
        m_items.append(items);
        // From inside a handler (or while a slice is due) the items wait for the slice under way.
        if (!m_next.isActive() && !m_inSlice)
            runSlice();
    }

    /** Items waiting for a later slice. */
    qsizetype waiting() const
    {
        return m_items.size() - m_done;
    }

private:
    void runSlice()
    {
        if (m_done >= m_items.size())
            return;
        QElapsedTimer clock;
        clock.start();
        m_inSlice = true;
        do {
            m_handle(m_items.at(m_done++));
        } while (m_done < m_items.size() && clock.nsecsElapsed() < m_budgetNs);
        m_inSlice = false;
        if (m_done < m_items.size()) {
            m_next.start();
            return;
        }
        m_items.clear();
        m_done = 0;
        m_drained();
    }

    qint64 m_budgetNs;
    std::function<void(const Item &)> m_handle;
    std::function<void()> m_drained;
    QList<Item> m_items;
    qsizetype m_done = 0;
    bool m_inSlice = false;
    QTimer m_next;
};

} // namespace rune
