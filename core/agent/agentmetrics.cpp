// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/agentmetrics.h"

#include "agent/agentjson.h"
#include "protocol.h"

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
using agentjson::FieldReader;

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::AgentMetrics", text);
}

/** An event detail lists this many fields at most: the agent's events have two or three. */
constexpr int maxDetailFields = 16;

LatencySummary parseLatency(FieldReader &parent, const char *name)
{
    namespace l = protocol::latency;
    FieldReader latency(parent.object(name), tr("a latency summary"), parent);
    return {latency.count(l::count),
        latency.number(l::meanMs),
        latency.number(l::p50Ms),
        latency.number(l::p90Ms),
        latency.number(l::p99Ms),
        latency.number(l::windowSeconds)};
}

FunctionCounters parseFunctionCounters(FieldReader &function)
{
    namespace f = protocol::functionmetrics;
    FunctionCounters counters;
    counters.name = function.text(f::name);
    counters.deployed = function.contains(f::version);
    counters.version = function.smallCount(f::version);
    counters.invocations = function.count(f::invocations);
    counters.errors = function.count(f::errors);
    counters.coldStarts = function.count(f::coldStarts);
    counters.timeouts = function.count(f::timeouts);
    counters.latency = parseLatency(function, f::latency);
    counters.coldStartLatency = parseLatency(function, f::coldStartLatency);
    if (function.contains(f::recentLatency))
        counters.recentLatency = parseLatency(function, f::recentLatency);
    counters.replicas = function.smallCount(f::replicas);
    counters.replicasReady =
        function.contains(f::replicasReady) ? function.smallCount(f::replicasReady) : counters.replicas;
    counters.scaleUps = function.count(f::scaleUps);
    counters.scaleDowns = function.count(f::scaleDowns);
    counters.inFlight = function.smallCount(f::inFlight);
    counters.queued = function.smallCount(f::queued);
    return counters;
}

// Rates and loads below zero mean nothing: read as zero, like a missing figure.
void parseNode(FieldReader &node, AgentMetrics &metrics)
{
    namespace n = protocol::nodemetrics;
    metrics.cpuPercent = std::clamp(node.number(n::cpuPercent), 0.0, 100.0);
    metrics.load1 = std::max(0.0, node.number(n::load1));
    metrics.memoryTotalBytes = node.count(n::memoryTotalBytes);
    metrics.memoryAvailableBytes = node.count(n::memoryAvailableBytes);
    metrics.diskTotalBytes = node.count(n::diskTotalBytes);
    metrics.diskFreeBytes = node.count(n::diskFreeBytes);
    metrics.diskReadBytesPerSecond = std::max(0.0, node.number(n::diskReadBytesPerSecond));
    metrics.diskWriteBytesPerSecond = std::max(0.0, node.number(n::diskWriteBytesPerSecond));
    metrics.netReceiveBytesPerSecond = std::max(0.0, node.number(n::netReceiveBytesPerSecond));
    metrics.netTransmitBytesPerSecond = std::max(0.0, node.number(n::netTransmitBytesPerSecond));
}

QString shownValue(const QJsonValue &value)
{
    if (value.isString())
        return value.toString().left(agentjson::maxTextLength);
    if (value.isDouble())
        return QString::number(value.toDouble());
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isNull())
        return u"null"_s;
    // Nested values are shown as JSON, cut short: the parser has already bounded their depth.
    const QJsonDocument document = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return QString::fromUtf8(document.toJson(QJsonDocument::Compact).left(agentjson::maxTextLength));
}

/** Every field of @p event the console does not read by name, as "key=value" words. */
QString eventDetail(const QJsonObject &event)
{
    namespace e = protocol::events;
    static const QStringList known {
        field(e::seq), field(e::timeMs), field(e::kind), field(e::function), field(e::version)};
    QStringList words;
    for (auto it = event.begin(); it != event.end() && words.size() < maxDetailFields; ++it) {
        if (known.contains(it.key()))
            continue;
        // The agent's own sentence reads best as it is; other fields are named.
        const QString shown = shownValue(it.value());
        words << (it.key() == field(e::detail) ? shown : it.key().left(64) + u'=' + shown);
    }
    QString detail = words.join(u' ');
    if (detail.size() > agentjson::maxTextLength)
        detail = detail.left(agentjson::maxTextLength) + u'…';
    return detail;
}

/** The entries of a list every one of which must be an object. */
QList<QJsonObject> objectsOf(FieldReader &reader, const char *name, const QString &what)
{
    QList<QJsonObject> objects;
    const QJsonArray list = reader.list(name);
    objects.reserve(list.size());
    for (const QJsonValue &value : list) {
        if (!value.isObject()) {
            reader.note(
                tr("the list \"%1\" of %2 holds %3, not objects.").arg(field(name), what, agentjson::kindName(value)));
            break;
        }
        objects.append(value.toObject());
    }
    return objects;
}

Result<void> requireList(const FieldReader &reader, const char *name)
{
    if (reader.contains(name))
        return {};
    return std::unexpected(agentjson::notProtocol(tr("the list \"%1\" is missing.").arg(field(name))));
}

} // namespace

std::optional<StartFailure> parseStartFailure(FieldReader &function)
{
    namespace s = protocol::startfailure;
    if (!function.contains(protocol::functions::startFailure))
        return std::nullopt;
    FieldReader failure(function.object(protocol::functions::startFailure), tr("a start failure"), function);
    return StartFailure {failure.text(s::message), failure.smallCount(s::failures), failure.count(s::retryInMs)};
}

Result<AgentMetrics> parseAgentMetrics(const QByteArray &body)
{
    namespace m = protocol::metrics;
    auto object = agentjson::parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    FieldReader answer(*object, tr("the metrics"));
    if (!object->value(field(m::node)).isObject())
        return std::unexpected(agentjson::notProtocol(tr("metrics without the \"node\" object.")));
    AgentMetrics metrics;
    metrics.timeMs = answer.count(m::timeMs);
    metrics.role = answer.text(m::role);
    metrics.uptimeSeconds = std::max(0.0, answer.number(m::uptimeSeconds));
    FieldReader node(answer.object(m::node), tr("the node's metrics"), answer);
    parseNode(node, metrics);
    // Older agents and idle ones may leave the function list out.
    const QList<QJsonObject> functions = objectsOf(answer, m::functions, tr("the metrics"));
    metrics.functions.reserve(functions.size());
    for (const QJsonObject &entry : functions) {
        FieldReader function(entry, tr("a function's metrics"), answer);
        metrics.functions.append(parseFunctionCounters(function));
    }
    if (const auto error = answer.error())
        return std::unexpected(*error);
    return metrics;
}

Result<QList<AgentFunction>> parseAgentFunctions(const QByteArray &body)
{
    namespace f = protocol::functions;
    auto object = agentjson::parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    FieldReader answer(*object, tr("the function list"));
    if (auto ok = requireList(answer, f::list); !ok)
        return std::unexpected(ok.error());
    QList<AgentFunction> functions;
    for (const QJsonObject &entry : objectsOf(answer, f::list, tr("the function list"))) {
        FieldReader reader(entry, tr("a function"), answer);
        AgentFunction function;
        function.name = reader.text(f::name);
        function.version = reader.smallCount(f::version);
        function.state = reader.text(f::state);
        function.runtime = reader.text(f::runtime);
        function.replicas = reader.smallCount(f::replicas);
        function.replicasReady = reader.smallCount(f::replicasReady);
        function.inFlight = reader.smallCount(f::inFlight);
        function.queued = reader.smallCount(f::queued);
        function.startFailure = parseStartFailure(reader);
        if (!function.name.isEmpty())
            functions.append(function);
    }
    if (const auto error = answer.error())
        return std::unexpected(*error);
    return functions;
}

Result<QList<AgentEvent>> parseAgentEvents(const QByteArray &body)
{
    namespace e = protocol::events;
    auto object = agentjson::parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    FieldReader answer(*object, tr("the events"));
    if (auto ok = requireList(answer, e::list); !ok)
        return std::unexpected(ok.error());
    QList<AgentEvent> events;
    for (const QJsonObject &entry : objectsOf(answer, e::list, tr("the events"))) {
        FieldReader reader(entry, tr("an event"), answer);
        AgentEvent event;
        event.seq = quint64(reader.count(e::seq));
        event.timeMs = reader.count(e::timeMs);
        event.kind = reader.text(e::kind);
        event.function = reader.text(e::function);
        event.version = reader.smallCount(e::version);
        event.detail = eventDetail(entry);
        events.append(event);
    }
    if (const auto error = answer.error())
        return std::unexpected(*error);
    return events;
}

} // namespace rune
