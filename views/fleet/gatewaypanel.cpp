// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/gatewaypanel.h"

#include "cluster/gatewaysync.h"
#include "cluster/nodelist.h"
#include "fleet/gatewaymodel.h"

#include <QCoreApplication>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::views::GatewayPanel", text);
}

QString counted(qsizetype count, const char *one, const char *many)
{
    return count == 1 ? tr(one) : tr(many).arg(count);
}

int functionCount(const QList<GatewayRoute> &routes)
{
    QSet<QString> functions;
    for (const GatewayRoute &route : routes) {
        for (const QString &function : route.functions)
            functions.insert(function);
    }
    return int(functions.size());
}

/** Where callers reach the controller's gateway from this machine; empty when it is not known. */
QString callAddress(const NodeList &nodes, const QString &controllerId)
{
    const Node *controller = nodes.find(controllerId);
    if (!controller || controller->agent.invokePort == 0)
        return {};
    const QString host = controller->agent.local ? u"127.0.0.1"_s : controller->ssh.host;
    if (host.isEmpty())
        return {};
    const QString shownHost = host.contains(u':') ? u"[%1]"_s.arg(host) : host;
    return u"http://%1:%2/function/"_s.arg(shownHost).arg(controller->agent.invokePort);
}

/** Where callers reach HAProxy from this machine: the controller's address and HAProxy's port. */
QString haproxyCallAddress(const NodeList &nodes, const QString &controllerId, const QString &listen)
{
    const Node *controller = nodes.find(controllerId);
    const qsizetype colon = listen.lastIndexOf(u':');
    if (!controller || colon < 0)
        return {};
    QString host = controller->agent.local ? listen.left(colon) : controller->ssh.host;
    if (host == u"0.0.0.0"_s || host == u"[::]"_s)
        host = u"127.0.0.1"_s;
    if (host.isEmpty())
        return {};
    const QString shownHost = host.contains(u':') && !host.startsWith(u'[') ? u"[%1]"_s.arg(host) : host;
    return u"http://%1:%2/function/"_s.arg(shownHost, listen.mid(colon + 1));
}

/** What the controller's HAProxy does, in a sentence; empty when it runs none. */
QString haproxySentence(const GatewayHaproxyStatus &haproxy, const QString &callAddress)
{
    const QString listen = haproxy.listen.toHtmlEscaped();
    QString sentence;
    if (haproxy.state == u"running") {
        sentence = tr("HAProxy runs on %1 (%2, %3).")
                       .arg(listen,
                           counted(haproxy.reloads, "1 reload", "%1 reloads"),
                           counted(haproxy.restarts, "1 restart", "%1 restarts"));
        if (!callAddress.isEmpty())
            sentence += u" "_s + tr("Through it: <code>%1&lt;name&gt;</code>.").arg(callAddress.toHtmlEscaped());
    } else if (haproxy.state == u"starting") {
        sentence = tr("HAProxy is starting on %1.").arg(listen);
    } else if (haproxy.state == u"failed") {
        sentence = tr("HAProxy on %1 is not running.").arg(listen);
    } else {
        return {};
    }
    if (!haproxy.lastError.isEmpty())
        sentence += u" "_s + tr("HAProxy: %1").arg(haproxy.lastError.toHtmlEscaped());
    return sentence;
}

} // namespace

QString gatewayStatusLine(const GatewaySync &sync, const NodeList &nodes, const QString &controllerId)
{
    const GatewaySyncState state = sync.state(controllerId);
    const QString name = nodeNameOrId(&nodes, controllerId).toHtmlEscaped();
    const QString routed = tr("%1 on %2")
                               .arg(counted(functionCount(state.wanted), "1 function", "%1 functions"),
                                   counted(state.wanted.size(), "1 node", "%1 nodes"));
    QString line;
    if (state.problem) {
        const qint64 seconds = state.nextAttempt.isValid()
            ? std::max<qint64>(0, QDateTime::currentDateTimeUtc().secsTo(state.nextAttempt))
            : 0;
        line = tr("<b>%1</b>: the node list could not be sent (%2 tries): %3 Next try in %4 s.")
                   .arg(name)
                   .arg(state.failures)
                   .arg(state.problem->message.toHtmlEscaped())
                   .arg(seconds);
    } else if (state.sending) {
        line = tr("<b>%1</b>: sending the node list (%2)…").arg(name, routed);
    } else if (state.inStep) {
        line = tr("<b>%1</b> routes %2.").arg(name, routed);
        if (const QString address = callAddress(nodes, controllerId); !address.isEmpty())
            line += u" "_s + tr("Call them at <code>%1&lt;name&gt;</code>.").arg(address.toHtmlEscaped());
    } else {
        line = tr("<b>%1</b>: waiting to send the node list (%2).").arg(name, routed);
    }
    if (state.status && !*state.status)
        line += u" "_s + tr("Its gateway could not be read: %1").arg(state.status->error().message.toHtmlEscaped());
    if (state.status && *state.status) {
        const GatewayHaproxyStatus &haproxy = (*state.status)->haproxy;
        if (const QString sentence = haproxySentence(haproxy, haproxyCallAddress(nodes, controllerId, haproxy.listen));
            !sentence.isEmpty())
            line += u" "_s + sentence;
    }
    return line;
}

GatewayPanel::GatewayPanel(GatewaySync *sync, NodeList *nodes, QWidget *parent)
    : QWidget(parent)
    , m_sync(sync)
    , m_nodes(nodes)
    , m_model(new GatewayModel(sync, nodes, this))
    , m_status(new QLabel(this))
    , m_table(new QTableView(this))
{
    setObjectName(u"gatewayPanel"_s);
    m_status->setObjectName(u"gatewayStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::RichText);
    m_table->setObjectName(u"gatewayTable"_s);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    QHeaderView *header = m_table->horizontalHeader();
    header->setStretchLastSection(true);
    const int widths[] = {110, 110, 190, 90, 70, 80, 60};
    for (int column = 0; column < int(std::size(widths)); ++column)
        header->resizeSection(column, widths[column]);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
    connect(m_model, &GatewayModel::reloaded, this, &GatewayPanel::updateStatus);
    updateStatus();
}

void GatewayPanel::setControllers(const QStringList &controllerIds)
{
    m_model->setControllers(controllerIds);
    // The controller column says nothing when there is one controller.
    m_table->setColumnHidden(GatewayModel::Controller, controllerIds.size() == 1);
}

void GatewayPanel::showEveryController()
{
    m_model->showEveryController();
    m_table->setColumnHidden(GatewayModel::Controller, false);
}

QTableView *GatewayPanel::table() const
{
    return m_table;
}

GatewayModel *GatewayPanel::model() const
{
    return m_model;
}

QString GatewayPanel::statusText() const
{
    return m_status->text();
}

void GatewayPanel::updateStatus()
{
    QStringList lines;
    for (const QString &id : m_model->controllers())
        lines << gatewayStatusLine(*m_sync, *m_nodes, id);
    m_status->setText(
        lines.isEmpty() ? tr("No controller in the fleet: calls go to the nodes directly.") : lines.join(u"<br>"_s));
}

void GatewayPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_sync->watch(this);
}

void GatewayPanel::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_sync->unwatch(this);
}

} // namespace rune::views
