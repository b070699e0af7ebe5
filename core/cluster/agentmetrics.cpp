// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/agentmetrics.h"

#include "cluster/agentjson.h"
#include "cluster/agentprotocol.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

using agentjson::field;
using agentjson::parseObject;

Result<QJsonArray> arrayField(const QJsonObject &object, const char *name)
{
    const QJsonValue value = object.value(field(name));
    if (!value.isArray()) {
        return fail(u"agent.bad_response"_s,
            QCoreApplication::translate("rune", "The agent's answer lacks the list \"%1\"; is it a different version?")
                .arg(field(name)));
    }
    return value.toArray();
}

double number(const QJsonObject &object, const char *name)
{
    return object.value(field(name)).toDouble();
}

qint64 integer(const QJsonObject &object, const char *name)
{
    return qint64(object.value(field(name)).toDouble());
}

QString text(const QJsonObject &object, const char *name)
{
    return object.value(field(name)).toString();
}

LatencySummary parseLatency(const QJsonObject &object)
{
    namespace l = protocol::latency;
    return {integer(object, l::count),
        number(object, l::meanMs),
        number(object, l::p50Ms),
        number(object, l::p90Ms),
        number(object, l::p99Ms),
        number(object, l::windowSeconds)};
}

FunctionCounters parseFunctionCounters(const QJsonObject &object)
{
    namespace f = protocol::functionmetrics;
    FunctionCounters counters;
    counters.name = text(object, f::name);
    counters.deployed = object.contains(field(f::version));
    counters.version = int(integer(object, f::version));
    counters.invocations = integer(object, f::invocations);
    counters.errors = integer(object, f::errors);
    counters.coldStarts = integer(object, f::coldStarts);
    counters.timeouts = integer(object, f::timeouts);
    counters.latency = parseLatency(object.value(field(f::latency)).toObject());
    counters.coldStartLatency = parseLatency(object.value(field(f::coldStartLatency)).toObject());
    if (const QJsonValue recent = object.value(field(f::recentLatency)); recent.isObject())
        counters.recentLatency = parseLatency(recent.toObject());
    counters.replicas = int(integer(object, f::replicas));
    counters.inFlight = int(integer(object, f::inFlight));
    counters.queued = int(integer(object, f::queued));
    return counters;
}

void parseNode(const QJsonObject &node, AgentMetrics &metrics)
{
    namespace n = protocol::nodemetrics;
    metrics.cpuPercent = number(node, n::cpuPercent);
    metrics.load1 = number(node, n::load1);
    metrics.memoryTotalBytes = integer(node, n::memoryTotalBytes);
    metrics.memoryAvailableBytes = integer(node, n::memoryAvailableBytes);
    metrics.diskTotalBytes = integer(node, n::diskTotalBytes);
    metrics.diskFreeBytes = integer(node, n::diskFreeBytes);
    metrics.diskReadBytesPerSecond = number(node, n::diskReadBytesPerSecond);
    metrics.diskWriteBytesPerSecond = number(node, n::diskWriteBytesPerSecond);
    metrics.netReceiveBytesPerSecond = number(node, n::netReceiveBytesPerSecond);
    metrics.netTransmitBytesPerSecond = number(node, n::netTransmitBytesPerSecond);
}

/** Every field of @p event the console does not read by name, as "key=value" words. */
QString eventDetail(const QJsonObject &event)
{
    namespace e = protocol::events;
    static const QStringList known {
        field(e::seq), field(e::timeMs), field(e::kind), field(e::function), field(e::version)};
    QStringList words;
    for (auto it = event.begin(); it != event.end(); ++it) {
        if (known.contains(it.key()))
            continue;
        const QJsonValue value = it.value();
        const QString shown = value.isString() ? value.toString()
            : value.isDouble()                 ? QString::number(value.toDouble())
            : value.isBool()                   ? (value.toBool() ? u"true"_s : u"false"_s)
                             : QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
        // The agent's own sentence reads best as it is; other fields are named.
        words << (it.key() == field(e::detail) ? shown : it.key() + u'=' + shown);
    }
    return words.join(u' ');
}

} // namespace

Result<AgentMetrics> parseAgentMetrics(const QByteArray &body)
{
    namespace m = protocol::metrics;
    auto object = parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    const QJsonValue node = object->value(field(m::node));
    if (!node.isObject()) {
        return fail(u"agent.bad_response"_s,
            QCoreApplication::translate(
                "rune", "The agent's metrics lack the \"node\" object; is it a different version?"));
    }
    AgentMetrics metrics;
    metrics.timeMs = integer(*object, m::timeMs);
    metrics.role = text(*object, m::role);
    metrics.uptimeSeconds = number(*object, m::uptimeSeconds);
    parseNode(node.toObject(), metrics);
    const QJsonArray functions = object->value(field(m::functions)).toArray();
    metrics.functions.reserve(functions.size());
    for (const QJsonValue &function : functions) {
        if (function.isObject())
            metrics.functions.append(parseFunctionCounters(function.toObject()));
    }
    return metrics;
}

Result<QList<AgentFunction>> parseAgentFunctions(const QByteArray &body)
{
    namespace f = protocol::functions;
    auto object = parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    auto list = arrayField(*object, f::list);
    if (!list)
        return std::unexpected(list.error());
    QList<AgentFunction> functions;
    for (const QJsonValue &value : std::as_const(*list)) {
        const QJsonObject entry = value.toObject();
        AgentFunction function;
        function.name = text(entry, f::name);
        function.version = int(integer(entry, f::version));
        function.state = text(entry, f::state);
        function.runtime = text(entry, f::runtime);
        function.replicas = int(integer(entry, f::replicas));
        function.replicasReady = int(integer(entry, f::replicasReady));
        function.inFlight = int(integer(entry, f::inFlight));
        function.queued = int(integer(entry, f::queued));
        if (!function.name.isEmpty())
            functions.append(function);
    }
    return functions;
}

Result<QList<AgentEvent>> parseAgentEvents(const QByteArray &body)
{
    namespace e = protocol::events;
    auto object = parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    auto list = arrayField(*object, e::list);
    if (!list)
        return std::unexpected(list.error());
    QList<AgentEvent> events;
    for (const QJsonValue &value : std::as_const(*list)) {
        const QJsonObject entry = value.toObject();
        AgentEvent event;
        event.seq = quint64(integer(entry, e::seq));
        event.timeMs = integer(entry, e::timeMs);
        event.kind = text(entry, e::kind);
        event.function = text(entry, e::function);
        event.version = int(integer(entry, e::version));
        event.detail = eventDetail(entry);
        events.append(event);
    }
    return events;
}

} // namespace rune
