// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionnodestatesview.h"

#include "cluster/nodelist.h"
#include "fleet/nodefunctionsmodel.h"
#include "functions/functioncatalog.h"
#include "functions/functionnodestates.h"

using namespace Qt::StringLiterals;

namespace rune::views
{

FunctionNodeStatesView::FunctionNodeStatesView(const FunctionServices &services, QWidget *parent)
    : QLabel(parent)
    , m_services(services)
{
    setObjectName(u"functionNodeStatesLabel"_s);
    setTextFormat(Qt::RichText);
    setWordWrap(true);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    hide();
    m_states = new FunctionNodeStates(services.agents, this);
    connect(m_states, &FunctionNodeStates::changed, this, &FunctionNodeStatesView::refresh);
    // A deploy or a removal changes the nodes that have the function.
    connect(services.catalog, &FunctionCatalog::versionsChanged, this, [this](const QString &id) {
        if (id == m_functionId)
            setFunction(id);
    });
}

FunctionNodeStatesView::~FunctionNodeStatesView() = default;

FunctionNodeStates *FunctionNodeStatesView::states() const
{
    return m_states;
}

void FunctionNodeStatesView::setFunction(const QString &functionId)
{
    m_functionId = functionId;
    const Function *function = m_services.catalog->find(functionId);
    if (!function)
        m_states->setFunction({}, {});
    else
        m_states->setFunction(function->name, m_services.catalog->everyNodeOf(functionId));
    refresh();
}

void FunctionNodeStatesView::refresh()
{
    QStringList lines;
    for (const QString &nodeId : m_states->nodes()) {
        const auto state = m_states->state(nodeId);
        if (!state)
            continue;
        QString trouble;
        if (!*state)
            trouble = state->error().message;
        else if ((*state)->startFailure)
            trouble = startFailureText(*(*state)->startFailure);
        if (trouble.isEmpty())
            continue;
        // What a node says is escaped: it is text, never markup.
        lines << u"⚠ <b>%1</b>: %2"_s.arg(
            nodeNameOrId(m_services.nodes, nodeId).toHtmlEscaped(), trouble.toHtmlEscaped());
    }
    setText(u"<span style='color:#d13a3a'>%1</span>"_s.arg(lines.join(u"<br>"_s)));
    setToolTip(lines.isEmpty() ? QString() : tr("As the agents report the function now"));
    setVisible(!lines.isEmpty());
}

} // namespace rune::views
