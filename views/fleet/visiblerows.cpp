// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/visiblerows.h"

#include <QAbstractItemView>
#include <QEvent>
#include <QScrollBar>

namespace rune::views
{

VisibleRows::VisibleRows(QAbstractItemView *view, int idRole, QObject *parent)
    : QObject(parent)
    , m_view(view)
    , m_idRole(idRole)
{
    m_settle.setSingleShot(true);
    m_settle.setInterval(100);
    connect(&m_settle, &QTimer::timeout, this, &VisibleRows::update);
    connect(view->verticalScrollBar(), &QScrollBar::valueChanged, this, &VisibleRows::schedule);
    QAbstractItemModel *model = view->model();
    connect(model, &QAbstractItemModel::rowsInserted, this, &VisibleRows::schedule);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &VisibleRows::schedule);
    connect(model, &QAbstractItemModel::layoutChanged, this, &VisibleRows::schedule);
    connect(model, &QAbstractItemModel::modelReset, this, &VisibleRows::schedule);
    view->viewport()->installEventFilter(this);
    schedule();
}

QStringList VisibleRows::nodeIds() const
{
    return m_ids;
}

bool VisibleRows::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && (event->type() == QEvent::Resize || event->type() == QEvent::Show))
        schedule();
    return QObject::eventFilter(watched, event);
}

void VisibleRows::schedule()
{
    if (!m_settle.isActive())
        m_settle.start();
}

void VisibleRows::update()
{
    QStringList ids;
    const QAbstractItemModel *model = m_view->model();
    const int rows = model->rowCount();
    if (rows > 0) {
        const QModelIndex top = m_view->indexAt(QPoint(1, 1));
        const QModelIndex bottom = m_view->indexAt(QPoint(1, m_view->viewport()->height() - 2));
        const int first = top.isValid() ? top.row() : 0;
        const int last = bottom.isValid() ? bottom.row() : rows - 1;
        for (int row = first; row <= last; ++row)
            ids << model->index(row, 0).data(m_idRole).toString();
    }
    if (ids == m_ids)
        return;
    m_ids = ids;
    Q_EMIT changed(m_ids);
}

} // namespace rune::views
