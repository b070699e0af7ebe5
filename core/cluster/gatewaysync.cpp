// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/gatewaysync.h"

#include "agent/agentjson.h"
#include "agent/boundedreply.h"
#include "agent/functionagents.h"
#include "cluster/nodelist.h"
#include "functions/functioncatalog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

/** The controller's answers are small; a PUT of a large fleet's list takes a moment to send. */
const ReplyLimits clusterLimits {
    agentjson::maxAnswerBytes, std::chrono::milliseconds(5000), std::chrono::milliseconds(15000)};

/** How often pending work is looked at: retries that are due and controllers to ask. */
constexpr std::chrono::milliseconds tickInterval {200};

/** The longest a burst of changes postpones the lists. */
constexpr std::chrono::milliseconds longestBurst {2000};

QString invokeUrl(const QString &host, quint16 port)
{
    // An IPv6 address needs brackets to be told from the port.
    const QString shownHost = host.contains(u':') ? u"[%1]"_s.arg(host) : host;
    return u"http://%1:%2"_s.arg(shownHost).arg(port);
}

/** The invoke URL of @p node as @p controller reaches it; empty when it cannot. */
QString reachableUrl(const Node &controller, const Node &node)
{
    if (node.agent.invokePort == 0)
        return {};
    if (node.agent.local) // on the console's machine: only a demo agent there reaches it
        return controller.agent.local ? invokeUrl(u"127.0.0.1"_s, node.agent.invokePort) : QString();
    if (node.ssh.host.isEmpty())
        return {};
    return invokeUrl(node.ssh.host, node.agent.invokePort);
}

QString addressKeyOf(const Node &node)
{
    return u"%1|%2|%3|%4|%5|%6"_s.arg(node.agent.local)
        .arg(node.agent.controlPort)
        .arg(node.ssh.host)
        .arg(node.ssh.port)
        .arg(node.ssh.user, node.agent.token);
}

} // namespace

QHash<QString, QStringList> hostedFunctions(const FunctionCatalog &catalog)
{
    QHash<QString, QStringList> hosted;
    for (const Function &function : catalog.functions()) {
        QSet<int> retired;
        for (const FunctionVersion &version : catalog.versions(function.id)) {
            if (version.state == FunctionState::Retired)
                retired.insert(version.number);
        }
        for (const FunctionDeployment &deployment : catalog.deployments(function.id)) {
            QStringList &names = hosted[deployment.nodeId];
            if (!retired.contains(deployment.number) && !names.contains(function.name))
                names << function.name;
        }
    }
    for (QStringList &names : hosted)
        names.sort();
    return hosted;
}

bool servesGatewayCalls(const Node &node)
{
    // Undefined: the console lost it, but the controller may still reach it; its health checks decide.
    return node.state == NodeState::Running || node.state == NodeState::Undefined;
}

QList<GatewayRoute> gatewayRoutes(
    const Node &controller, const QList<Node> &nodes, const QHash<QString, QStringList> &hosted)
{
    QList<GatewayRoute> routes;
    for (const Node &node : nodes) {
        if (node.role == NodeRole::Controller || node.id == controller.id || !servesGatewayCalls(node))
            continue;
        const QStringList functions = hosted.value(node.id);
        const QString url = reachableUrl(controller, node);
        if (functions.isEmpty() || url.isEmpty())
            continue;
        routes.append(GatewayRoute {node.id, node.name, url, functions});
    }
    return routes;
}

QByteArray gatewayBody(const QList<GatewayRoute> &routes)
{
    namespace c = clusterfields;
    QJsonArray nodes;
    for (const GatewayRoute &route : routes) {
        nodes.append(QJsonObject {{agentjson::field(c::name), route.name},
            {agentjson::field(c::url), route.url},
            {agentjson::field(c::functions), QJsonArray::fromStringList(route.functions)}});
    }
    return QJsonDocument(QJsonObject {{agentjson::field(c::nodes), nodes}}).toJson(QJsonDocument::Compact);
}

bool gatewayMatches(const GatewayStatus &status, const QList<GatewayRoute> &routes)
{
    using Entry = QPair<QString, QStringList>;
    QMap<QString, Entry> routed;
    for (const GatewayNodeStatus &node : status.nodes)
        routed.insert(node.name, Entry {node.url, node.functions});
    QMap<QString, Entry> wanted;
    for (const GatewayRoute &route : routes)
        wanted.insert(route.name, Entry {route.url, route.functions});
    return routed.size() == status.nodes.size() && routed == wanted;
}

GatewaySync::GatewaySync(NodeList *nodes, const FunctionCatalog *catalog, const FunctionAgents *agents, QObject *parent)
    : QObject(parent)
    , m_nodes(nodes)
    , m_catalog(catalog)
    , m_agents(agents)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(std::chrono::milliseconds(300));
    connect(&m_debounce, &QTimer::timeout, this, &GatewaySync::sync);
    m_tick.setInterval(tickInterval);
    connect(&m_tick, &QTimer::timeout, this, &GatewaySync::tick);

    for (const auto signal : {&NodeList::nodeAdded, &NodeList::nodeRemoved, &NodeList::nodeChanged})
        connect(m_nodes, signal, this, &GatewaySync::schedule);
    connect(m_nodes, &NodeList::reset, this, &GatewaySync::schedule);
    for (const auto signal : {&FunctionCatalog::functionAdded,
             &FunctionCatalog::functionRemoved,
             &FunctionCatalog::functionChanged,
             &FunctionCatalog::versionsChanged})
        connect(m_catalog, signal, this, &GatewaySync::schedule);
    connect(m_catalog, &FunctionCatalog::loaded, this, &GatewaySync::schedule);
}

GatewaySync::~GatewaySync()
{
    stop();
}

void GatewaySync::setDebounce(std::chrono::milliseconds delay)
{
    m_debounce.setInterval(delay);
}

void GatewaySync::setCheckInterval(std::chrono::milliseconds interval)
{
    m_checkInterval = std::max(interval, tickInterval);
}

void GatewaySync::setWatchedInterval(std::chrono::milliseconds interval)
{
    m_watchedInterval = std::max(interval, tickInterval);
}

void GatewaySync::setRetryDelays(std::chrono::milliseconds first, std::chrono::milliseconds longest)
{
    m_firstRetry = std::max(first, std::chrono::milliseconds(1));
    m_longestRetry = std::max(longest, m_firstRetry);
}

void GatewaySync::start()
{
    m_running = true;
    m_tick.start();
    sync();
}

void GatewaySync::stop()
{
    m_running = false;
    m_tick.stop();
    m_debounce.stop();
    for (Controller &controller : m_controllers)
        abort(controller);
}

void GatewaySync::watch(QObject *viewer)
{
    if (!viewer || m_viewers.contains(viewer))
        return;
    m_viewers.insert(viewer);
    connect(viewer, &QObject::destroyed, this, [this, viewer] {
        m_viewers.remove(viewer);
    });
    // A view that just opened shows the gateway as it is now, not as it was a check interval ago.
    for (auto it = m_controllers.begin(); it != m_controllers.end(); ++it)
        it->sinceCheck.invalidate();
    if (m_running)
        tick();
}

void GatewaySync::unwatch(QObject *viewer)
{
    if (viewer)
        disconnect(viewer, &QObject::destroyed, this, nullptr);
    m_viewers.remove(viewer);
}

QStringList GatewaySync::controllers() const
{
    QStringList ids;
    for (const Node &node : m_nodes->nodes()) {
        if (node.role == NodeRole::Controller)
            ids << node.id;
    }
    return ids;
}

GatewaySyncState GatewaySync::state(const QString &controllerId) const
{
    const auto it = m_controllers.constFind(controllerId);
    return it == m_controllers.constEnd() ? GatewaySyncState {} : it->state;
}

void GatewaySync::schedule()
{
    if (!m_running)
        return;
    if (!m_debounce.isActive()) {
        m_burst.start();
        m_debounce.start();
        return;
    }
    // Changes that never stop (a fleet of thousands settling) must not hold the lists back for ever.
    if (m_burst.elapsed() < longestBurst.count())
        m_debounce.start();
}

void GatewaySync::sync()
{
    if (!m_running)
        return;
    const auto hosted = hostedFunctions(*m_catalog);
    QSet<QString> present;
    for (const Node &node : m_nodes->nodes()) {
        if (node.role != NodeRole::Controller)
            continue;
        present.insert(node.id);
        update(node, hosted);
        advance(node.id);
    }
    for (auto it = m_controllers.begin(); it != m_controllers.end();) {
        if (present.contains(it.key())) {
            ++it;
            continue;
        }
        abort(*it);
        it = m_controllers.erase(it);
    }
}

void GatewaySync::update(const Node &node, const QHash<QString, QStringList> &hosted)
{
    Controller &controller = m_controllers[node.id];
    const bool serving = node.state == NodeState::Running;
    const QString addressKey = addressKeyOf(node);
    // Back in service, or another agent at its address: it may have lost its list.
    if ((serving && !controller.serving) || addressKey != controller.addressKey) {
        abort(controller);
        controller.ackedBody.clear();
        controller.state.failures = 0;
        controller.state.nextAttempt = {};
    }
    controller.serving = serving;
    controller.addressKey = addressKey;
    const auto wanted = gatewayRoutes(node, m_nodes->nodes(), hosted);
    const bool changedWanted = wanted != controller.state.wanted;
    controller.state.wanted = wanted;
    controller.wantedBody = gatewayBody(wanted);
    controller.state.inStep = controller.ackedBody == controller.wantedBody;
    if (changedWanted) {
        controller.state.failures = 0; // a new list is worth a try at once
        controller.state.nextAttempt = {};
        Q_EMIT changed(node.id);
    }
}

void GatewaySync::tick()
{
    for (const QString &id : m_controllers.keys())
        advance(id);
}

void GatewaySync::advance(const QString &id)
{
    const auto it = m_controllers.find(id);
    if (!m_running || it == m_controllers.end() || !it->serving || it->request)
        return;
    if (!m_catalog->isLoaded())
        return; // the list would be empty, and stop the gateway until the catalog is there
    const bool due = !it->state.nextAttempt.isValid() || QDateTime::currentDateTimeUtc() >= it->state.nextAttempt;
    if (it->ackedBody != it->wantedBody) {
        if (due)
            put(id);
        return;
    }
    if (!it->sinceCheck.isValid() || it->sinceCheck.elapsed() >= checkInterval().count())
        check(id);
}

std::chrono::milliseconds GatewaySync::checkInterval() const
{
    return m_viewers.isEmpty() ? m_checkInterval : m_watchedInterval;
}

void GatewaySync::abort(Controller &controller)
{
    // Deleting the context aborts its request, and its callback never runs.
    delete controller.request.data();
    controller.request = nullptr;
    controller.state.sending = false;
}

void GatewaySync::put(const QString &id)
{
    Controller &controller = m_controllers[id];
    const QByteArray body = controller.wantedBody;
    controller.state.sending = true;
    Q_EMIT changed(id);
    send(id, "PUT", body, [this, id, body](Result<QByteArray> answer) {
        onPut(id, body, std::move(answer));
    });
}

void GatewaySync::check(const QString &id)
{
    m_controllers[id].sinceCheck.start();
    send(id, "GET", {}, [this, id](Result<QByteArray> answer) {
        onCheck(id, std::move(answer));
    });
}

void GatewaySync::send(
    const QString &id, const QByteArray &verb, const QByteArray &body, std::function<void(Result<QByteArray>)> done)
{
    auto *context = new QObject(this);
    m_controllers[id].request = context;
    // Runs once, with the answer or why there is none; never after the request was aborted.
    auto finish = [this, id, context, done = std::move(done)](Result<QByteArray> answer) {
        const auto it = m_controllers.find(id);
        if (it == m_controllers.end() || it->request != context)
            return;
        it->request = nullptr;
        context->deleteLater();
        done(std::move(answer));
    };
    m_agents->resolve(id, context, [this, verb, body, context, finish](Result<AgentAddress> address) {
        QNetworkAccessManager *network = m_agents->network();
        if (!address)
            return finish(std::unexpected(address.error()));
        if (!network)
            return finish(fail(u"agent.closed"_s, tr("The console is shutting down.")));
        QUrl url = address->controlUrl;
        url.setPath(QString::fromLatin1(clusterfields::path));
        QNetworkRequest request = agentRequest(url, address->token);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
        QNetworkReply *reply = network->sendCustomRequest(request, verb, body);
        readBounded(reply,
            clusterLimits,
            address->controlUrl.authority(),
            context,
            [finish](QNetworkReply *answered, Result<QByteArray> answer) {
                finish(controlAnswer(answered, std::move(answer)));
            });
    });
}

void GatewaySync::onPut(const QString &id, const QByteArray &body, Result<QByteArray> answer)
{
    Controller &controller = m_controllers[id];
    controller.state.sending = false;
    if (!answer) {
        GatewaySyncState &state = controller.state;
        state.problem = answer.error();
        ++state.failures;
        const qint64 doubled = qint64(m_firstRetry.count()) << std::min(state.failures - 1, 16);
        state.nextAttempt = QDateTime::currentDateTimeUtc().addMSecs(std::min<qint64>(doubled, m_longestRetry.count()));
        Q_EMIT changed(id);
        return;
    }
    controller.ackedBody = body;
    controller.sinceCheck.start();
    controller.state.problem.reset();
    controller.state.failures = 0;
    controller.state.nextAttempt = {};
    controller.state.inStep = body == controller.wantedBody;
    ++controller.state.accepted;
    // The PUT answers with what the gateway routes now, health and counters kept.
    controller.state.status = parseGatewayStatus(*answer);
    controller.state.statusAt = QDateTime::currentDateTimeUtc();
    Q_EMIT pushed(id);
    Q_EMIT changed(id);
    advance(id); // the list may have changed again while this one was on its way
}

void GatewaySync::onCheck(const QString &id, Result<QByteArray> answer)
{
    Controller &controller = m_controllers[id];
    controller.state.statusAt = QDateTime::currentDateTimeUtc();
    if (!answer) {
        controller.state.status = std::unexpected(answer.error());
    } else {
        controller.state.status = parseGatewayStatus(*answer);
        // Another list than the one it accepted: it restarted, or someone else sent one.
        if (*controller.state.status && !gatewayMatches(**controller.state.status, controller.state.wanted)) {
            controller.ackedBody.clear();
            controller.state.inStep = false;
        }
    }
    Q_EMIT changed(id);
    advance(id);
}

} // namespace rune
