// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/functionagentclient.h"
#include "util/result.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <chrono>

namespace rune
{

class FunctionAgents;

/**
 * How every node that runs one function sees it now (`GET /v1/functions/<name>`): its version,
 * replicas and, from newer agents, why its replicas cannot start; or why the node could not say.
 * Asked again every interval() while a function is set, one request per node at a time, each
 * read within the client's size and time limits.
 */
class FunctionNodeStates final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FunctionNodeStates)

public:
    explicit FunctionNodeStates(const FunctionAgents *agents, QObject *parent = nullptr);
    ~FunctionNodeStates() override;

    /** Follows @p function (its agent name) on @p nodeIds; an empty name stops. */
    void setFunction(const QString &function, const QStringList &nodeIds);
    void setInterval(std::chrono::milliseconds interval);
    QStringList nodes() const;
    /** What @p nodeId said last; empty while it has not answered yet. */
    std::optional<Result<AgentFunctionStatus>> state(const QString &nodeId) const;

Q_SIGNALS:
    /** A node's answer changed what state() says. */
    void changed();

private:
    void refresh();

    const FunctionAgents *m_agents;
    QString m_function;
    QStringList m_nodeIds;
    QHash<QString, Result<AgentFunctionStatus>> m_states;
    QHash<QString, QObject *> m_asking; ///< a context per request under way; deleting it aborts the request
    quint64 m_generation = 0;
    QTimer m_timer;
};

} // namespace rune
