// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QStringList>
#include <QTimer>

class QAbstractItemView;

namespace rune::views
{

/**
 * Tells which nodes a view shows right now (the rows inside its viewport), so the monitor polls
 * those often and the rest less often. Announces changes after scrolling, resizing, sorting or
 * filtering settles.
 */
class VisibleRows final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VisibleRows)

public:
    /** @p idRole: the data role that holds a row's node id. */
    VisibleRows(QAbstractItemView *view, int idRole, QObject *parent = nullptr);

    QStringList nodeIds() const;

Q_SIGNALS:
    void changed(const QStringList &nodeIds);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void schedule();
    void update();

    QAbstractItemView *m_view;
    int m_idRole;
    QStringList m_ids;
    QTimer m_settle;
};

} // namespace rune::views
