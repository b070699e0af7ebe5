// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/functionlog.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <functional>

namespace rune
{
class NodeList;
}

namespace rune::views
{

/** Function log lines as they arrive, oldest first, the oldest dropped past a limit. */
class LogTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogTableModel)

public:
    enum Column { Time, Node, Version, Request, Level, Text, ColumnCount };
    enum DataRole {
        RequestIdRole = Qt::UserRole + 1,
        LevelRole, ///< FunctionLogLine::Level as int
        TextRole,
    };

    explicit LogTableModel(NodeList *nodes, QObject *parent = nullptr);

    /**
     * How the Version column names a line's version; the default is the agent's own number
     * ("v3"). The log pane names the console's version, which may differ on a node.
     */
    void setVersionLabel(std::function<QString(const FunctionLogLine &)> label);
    /** Keeps at most @p lines lines. */
    void setLimit(int lines);
    void append(const QList<FunctionLogLine> &lines);
    void clear();
    const FunctionLogLine &lineAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant displayData(const FunctionLogLine &line, int column) const;

    QPointer<NodeList> m_nodes;
    std::function<QString(const FunctionLogLine &)> m_versionLabel;
    QList<FunctionLogLine> m_lines;
    int m_limit = 5000;
};

} // namespace rune::views
