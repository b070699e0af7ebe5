// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "shell/functionservices.h"

#include <QLabel>

namespace rune
{
class FunctionNodeStates;
}

namespace rune::views
{

/**
 * The selected function on each of its nodes, as the agents report it now: one line for every
 * node where something is wrong — its replicas cannot start (the agent's reason, failures in a
 * row, the next try), or the node's answer could not be read. Hidden while all is well.
 */
class FunctionNodeStatesView final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FunctionNodeStatesView)

public:
    explicit FunctionNodeStatesView(const FunctionServices &services, QWidget *parent = nullptr);
    ~FunctionNodeStatesView() override;

    /** Follows the function @p functionId of the catalog on every node that has it (empty: none). */
    void setFunction(const QString &functionId);
    FunctionNodeStates *states() const;

private:
    void refresh();

    FunctionServices m_services;
    QString m_functionId;
    FunctionNodeStates *m_states = nullptr;
};

} // namespace rune::views
