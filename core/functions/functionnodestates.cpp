// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionnodestates.h"

#include "agent/functionagents.h"

namespace rune
{

FunctionNodeStates::FunctionNodeStates(const FunctionAgents *agents, QObject *parent)
    : QObject(parent)
    , m_agents(agents)
{
    m_timer.setInterval(std::chrono::seconds(3));
    connect(&m_timer, &QTimer::timeout, this, &FunctionNodeStates::refresh);
}

FunctionNodeStates::~FunctionNodeStates() = default;

void FunctionNodeStates::setFunction(const QString &function, const QStringList &nodeIds)
{
    if (function == m_function && nodeIds == m_nodeIds)
        return;
    ++m_generation;
    qDeleteAll(std::exchange(m_asking, {}));
    m_function = function;
    m_nodeIds = nodeIds;
    m_states.clear();
    Q_EMIT changed();
    if (m_function.isEmpty()) {
        m_timer.stop();
        return;
    }
    m_timer.start();
    refresh();
}

void FunctionNodeStates::setInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

QStringList FunctionNodeStates::nodes() const
{
    return m_nodeIds;
}

std::optional<Result<AgentFunctionStatus>> FunctionNodeStates::state(const QString &nodeId) const
{
    const auto it = m_states.constFind(nodeId);
    if (it == m_states.constEnd())
        return std::nullopt;
    return *it;
}

void FunctionNodeStates::refresh()
{
    for (const QString &nodeId : std::as_const(m_nodeIds)) {
        if (m_asking.contains(nodeId))
            continue; // a slow node is not asked twice at once
        auto *context = new QObject(this);
        m_asking.insert(nodeId, context);
        const auto record = [this, nodeId, context, generation = m_generation](Result<AgentFunctionStatus> state) {
            if (generation != m_generation)
                return;
            m_asking.remove(nodeId);
            context->deleteLater();
            const auto known = m_states.constFind(nodeId);
            if (known != m_states.constEnd() && *known == state)
                return;
            m_states.insert(nodeId, std::move(state));
            Q_EMIT changed();
        };
        m_agents->withClient(nodeId, context, [record, context, name = m_function](auto client) {
            if (!client)
                return record(std::unexpected(client.error()));
            // The client lives until its answer: the callback holds it.
            (*client)->fetchFunction(name, context, [record, keep = *client](Result<AgentFunctionStatus> state) {
                record(std::move(state));
            });
        });
    }
}

} // namespace rune
