// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/rows.h"

#include "store/sql.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace rune::rows
{

const char nodeColumns[] = "id, name, role, ssh_host, ssh_port, ssh_user, ssh_key_file, agent_port, agent_token, "
                           "agent_local, labels, hostname, os, kernel, arch, agent_version, cores, memory_bytes, "
                           "disk_bytes, disk_free_bytes, state, target_action, target_since, agent_invoke_port, "
                           "hourly_price";
const char functionColumns[] = "id, project, name, config, current_version";
const char versionColumns[] = "function_id, number, created, code_digest, state, note";
const char deploymentColumns[] = "function_id, number, node_id, agent_version, deployed";
const char benchmarkColumns[] = "node_id, node_name, test, metric, value, unit, peer, peer_node_id, started_ms, "
                                "duration_ms, parameters, agent_version, run_id";

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::Store", text);
}

std::unexpected<Error> unreadable(const QString &what, const QString &id, const QString &problem)
{
    return fail(u"store.corrupt"_s,
        tr("The store holds %1 %2 that this version of Rune cannot read: %3.").arg(what, id, problem));
}

QString column(const QSqlQuery &query, const char *name)
{
    return query.value(QLatin1StringView(name)).toString();
}

qint64 number(const QSqlQuery &query, const char *name)
{
    return query.value(QLatin1StringView(name)).toLongLong();
}

QString labelsValue(const QStringList &labels)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(labels)).toJson(QJsonDocument::Compact));
}

QStringList labelsFrom(const QString &json)
{
    QStringList labels;
    for (const QJsonValue &label : QJsonDocument::fromJson(json.toUtf8()).array())
        labels << label.toString();
    return labels;
}

NodeFacts factsFrom(const QSqlQuery &query)
{
    NodeFacts facts;
    facts.hostname = column(query, "hostname");
    facts.os = column(query, "os");
    facts.kernel = column(query, "kernel");
    facts.arch = column(query, "arch");
    facts.agentVersion = column(query, "agent_version");
    facts.cores = int(number(query, "cores"));
    facts.memoryBytes = number(query, "memory_bytes");
    facts.diskBytes = number(query, "disk_bytes");
    facts.diskFreeBytes = number(query, "disk_free_bytes");
    return facts;
}

} // namespace

QVariant timeValue(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toUTC().toString(Qt::ISODateWithMs)) : QVariant();
}

QDateTime timeFrom(const QVariant &value)
{
    return value.isNull() ? QDateTime() : QDateTime::fromString(value.toString(), Qt::ISODateWithMs).toUTC();
}

QVariantList nodeValues(const Node &node)
{
    using sql::text;
    const NodeFacts &facts = node.facts;
    return {node.id,
        text(node.name),
        nodeRoleName(node.role),
        text(node.ssh.host),
        node.ssh.port,
        text(node.ssh.user),
        text(node.ssh.keyFile),
        node.agent.controlPort,
        text(node.agent.token),
        node.agent.local,
        labelsValue(node.labels),
        text(facts.hostname),
        text(facts.os),
        text(facts.kernel),
        text(facts.arch),
        text(facts.agentVersion),
        facts.cores,
        facts.memoryBytes,
        facts.diskBytes,
        facts.diskFreeBytes,
        nodeStateName(node.state),
        node.targetAction ? QVariant(nodeActionName(*node.targetAction)) : QVariant(),
        timeValue(node.targetSince),
        node.agent.invokePort,
        text(node.hourlyPrice)};
}

Result<Node> nodeFrom(const QSqlQuery &query)
{
    Node node;
    node.id = column(query, "id");
    node.name = column(query, "name");
    const auto role = nodeRoleFromName(column(query, "role"));
    const auto state = nodeStateFromName(column(query, "state"));
    const QVariant action = query.value(u"target_action"_s);
    const auto targetAction = action.isNull() ? std::nullopt : nodeActionFromName(action.toString());
    if (!role || !state || (!action.isNull() && !targetAction))
        return unreadable(tr("node"), node.id, tr("unknown role, state or action"));
    node.role = *role;
    node.state = *state;
    node.targetAction = targetAction;
    node.targetSince = timeFrom(query.value(u"target_since"_s));
    node.ssh = SshEndpoint {column(query, "ssh_host"),
        quint16(number(query, "ssh_port")),
        column(query, "ssh_user"),
        column(query, "ssh_key_file")};
    node.agent = AgentEndpoint {quint16(number(query, "agent_port")),
        column(query, "agent_token"),
        number(query, "agent_local") != 0,
        quint16(number(query, "agent_invoke_port"))};
    node.labels = labelsFrom(column(query, "labels"));
    node.hourlyPrice = column(query, "hourly_price");
    node.facts = factsFrom(query);
    return node;
}

QVariantList functionValues(const Function &function)
{
    const QByteArray config = QJsonDocument(function.config.toJson()).toJson(QJsonDocument::Compact);
    return {function.id,
        sql::text(function.project),
        sql::text(function.name),
        QString::fromUtf8(config),
        function.currentVersion};
}

Result<Function> functionFrom(const QSqlQuery &query)
{
    Function function;
    function.id = column(query, "id");
    function.project = column(query, "project");
    function.name = column(query, "name");
    function.currentVersion = int(number(query, "current_version"));
    const QJsonDocument json = QJsonDocument::fromJson(column(query, "config").toUtf8());
    auto config = FunctionConfig::fromJson(json.object());
    if (!json.isObject() || !config)
        return unreadable(
            tr("function"), function.id, config ? tr("its configuration is not JSON") : config.error().message);
    function.config = *config;
    return function;
}

QVariantList versionValues(const FunctionVersion &version)
{
    return {version.functionId,
        version.number,
        timeValue(version.created),
        sql::text(version.codeDigest),
        functionStateName(version.state),
        sql::text(version.note)};
}

Result<FunctionVersion> versionFrom(const QSqlQuery &query)
{
    FunctionVersion version;
    version.functionId = column(query, "function_id");
    version.number = int(number(query, "number"));
    version.created = timeFrom(query.value(u"created"_s));
    version.codeDigest = column(query, "code_digest");
    version.note = column(query, "note");
    const auto state = functionStateFromName(column(query, "state"));
    if (!state)
        return unreadable(tr("version %1 of function").arg(version.number),
            version.functionId,
            tr("unknown state \"%1\"").arg(column(query, "state")));
    version.state = *state;
    return version;
}

QVariantList deploymentValues(const FunctionDeployment &deployment)
{
    return {deployment.functionId,
        deployment.number,
        sql::text(deployment.nodeId),
        deployment.agentVersion,
        timeValue(deployment.deployed)};
}

Result<FunctionDeployment> deploymentFrom(const QSqlQuery &query)
{
    FunctionDeployment deployment;
    deployment.functionId = column(query, "function_id");
    deployment.number = int(number(query, "number"));
    deployment.nodeId = column(query, "node_id");
    deployment.agentVersion = int(number(query, "agent_version"));
    deployment.deployed = timeFrom(query.value(u"deployed"_s));
    return deployment;
}

QVariantList benchmarkValues(const BenchmarkRecord &record)
{
    return {sql::text(record.nodeId),
        sql::text(record.nodeName),
        sql::text(record.test),
        sql::text(record.metric),
        record.value,
        sql::text(record.unit),
        sql::text(record.peer),
        sql::text(record.peerNodeId),
        record.started.toMSecsSinceEpoch(),
        record.durationMs,
        sql::text(QString::fromUtf8(record.parameters)),
        sql::text(record.agentVersion),
        sql::text(record.runId)};
}

Result<BenchmarkRecord> benchmarkFrom(const QSqlQuery &query)
{
    BenchmarkRecord record;
    record.nodeId = column(query, "node_id");
    record.nodeName = column(query, "node_name");
    record.test = column(query, "test");
    record.metric = column(query, "metric");
    record.value = query.value(u"value"_s).toDouble();
    record.unit = column(query, "unit");
    record.peer = column(query, "peer");
    record.peerNodeId = column(query, "peer_node_id");
    record.started = QDateTime::fromMSecsSinceEpoch(number(query, "started_ms"), QTimeZone::utc());
    record.durationMs = number(query, "duration_ms");
    record.parameters = column(query, "parameters").toUtf8();
    record.agentVersion = column(query, "agent_version");
    record.runId = column(query, "run_id");
    return record;
}

} // namespace rune::rows
