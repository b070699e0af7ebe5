// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/agentjson.h"

#include "agent/gatewaystatus.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLocale>
#include <climits>
#include <cmath>

using namespace Qt::StringLiterals;

namespace rune::agentjson
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::agentjson", text);
}

/** The deepest nesting of @p text, counted outside strings; stops counting past @p limit. */
int nestingDepth(const QByteArray &text, int limit)
{
    int depth = 0;
    int deepest = 0;
    bool inString = false;
    bool escaped = false;
    for (const char c : text) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit)
                return deepest;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return deepest;
}

} // namespace

QString field(const char *name)
{
    return QString::fromLatin1(name);
}

Error notProtocol(const QString &detail)
{
    return Error {
        u"agent.bad_response"_s, tr("The node answered something that is not the agent's protocol: %1").arg(detail)};
}

Result<QJsonObject> parseObject(const QByteArray &body, qint64 maxBytes)
{
    if (body.size() > maxBytes)
        return std::unexpected(notProtocol(
            tr("an answer of %1, larger than the %2 the console reads.")
                .arg(QLocale::c().formattedDataSize(body.size()), QLocale::c().formattedDataSize(maxBytes))));
    if (body.trimmed().isEmpty())
        return std::unexpected(notProtocol(tr("an empty answer.")));
    if (nestingDepth(body, maxDepth) > maxDepth)
        return std::unexpected(notProtocol(tr("JSON nested deeper than %1 levels.").arg(maxDepth)));
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return std::unexpected(
            notProtocol(tr("malformed JSON (%1 at byte %2).").arg(parseError.errorString()).arg(parseError.offset)));
    if (!document.isObject())
        return std::unexpected(notProtocol(tr("JSON that is not an object.")));
    return document.object();
}

QString kindName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return tr("true or false");
    case QJsonValue::Double:
        return tr("a number");
    case QJsonValue::String:
        return tr("text");
    case QJsonValue::Array:
        return tr("a list");
    case QJsonValue::Object:
        return tr("an object");
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return tr("nothing");
}

namespace
{

QString capped(const QString &value)
{
    if (value.size() <= maxTextLength)
        return value;
    // A surrogate pair cut in two would leave half a character behind.
    qsizetype keep = maxTextLength;
    if (value.at(keep - 1).isHighSurrogate())
        --keep;
    return value.left(keep) + u'…';
}

constexpr int maxSmallCount = 1'000'000;

} // namespace

FieldReader::FieldReader(const QJsonObject &object, QString what)
    : m_object(object)
    , m_what(std::move(what))
    , m_problem(std::make_shared<QString>())
{
}

FieldReader::FieldReader(const QJsonObject &object, QString what, FieldReader &parent)
    : m_object(object)
    , m_what(std::move(what))
    , m_problem(parent.m_problem)
{
}

bool FieldReader::contains(const char *name) const
{
    return m_object.contains(field(name));
}

void FieldReader::note(const QString &problem)
{
    if (m_problem->isEmpty())
        *m_problem = problem;
}

QJsonValue FieldReader::take(const char *name, QJsonValue::Type type)
{
    const QJsonValue value = m_object.value(field(name));
    if (value.type() == type || value.isNull() || value.isUndefined())
        return value;
    note(tr("the field \"%1\" of %2 is %3, not %4.")
             .arg(field(name), m_what, kindName(value), kindName(QJsonValue(type))));
    return QJsonValue();
}

QString FieldReader::text(const char *name)
{
    return capped(take(name, QJsonValue::String).toString());
}

double FieldReader::number(const char *name)
{
    const double value = take(name, QJsonValue::Double).toDouble();
    if (!std::isfinite(value))
        return 0;
    return std::clamp(value, -double(maxCount), double(maxCount));
}

qint64 FieldReader::count(const char *name)
{
    const double value = number(name);
    if (value < 0)
        note(tr("the field \"%1\" of %2 is negative.").arg(field(name), m_what));
    // Clamped as a double first: converting an out-of-range double to an integer is undefined.
    return qint64(std::clamp(value, 0.0, double(maxCount)));
}

int FieldReader::smallCount(const char *name)
{
    return int(std::min<qint64>(count(name), maxSmallCount));
}

QJsonObject FieldReader::object(const char *name)
{
    return take(name, QJsonValue::Object).toObject();
}

QJsonArray FieldReader::list(const char *name)
{
    const QJsonArray array = take(name, QJsonValue::Array).toArray();
    if (array.size() <= maxListEntries)
        return array;
    note(tr("the list \"%1\" of %2 has %3 entries, more than the %4 the console reads.")
             .arg(field(name), m_what)
             .arg(array.size())
             .arg(maxListEntries));
    return {};
}

QStringList FieldReader::texts(const char *name)
{
    QStringList result;
    const QJsonArray array = list(name);
    for (const QJsonValue &value : array) {
        if (!value.isString()) {
            note(tr("the list \"%1\" of %2 holds %3, not text.").arg(field(name), m_what, kindName(value)));
            break;
        }
        result << capped(value.toString());
    }
    return result;
}

std::optional<Error> FieldReader::error() const
{
    if (m_problem->isEmpty())
        return std::nullopt;
    return notProtocol(*m_problem);
}

} // namespace rune::agentjson

namespace rune
{

namespace
{

GatewayHaproxyStatus readHaproxyStatus(agentjson::FieldReader &reader)
{
    namespace c = clusterfields;
    agentjson::FieldReader haproxy(reader.object(c::haproxy), agentjson::tr("the cluster's HAProxy"), reader);
    GatewayHaproxyStatus status;
    status.state = haproxy.text(c::haproxyState);
    static const QStringList states {QStringLiteral("off"),
        QStringLiteral("starting"),
        QStringLiteral("running"),
        QStringLiteral("failed"),
        QString()};
    if (!states.contains(status.state)) {
        haproxy.note(agentjson::tr("the cluster's HAProxy is in the unknown state \"%1\".").arg(status.state.left(40)));
        status.state.clear();
    }
    status.listen = haproxy.text(c::haproxyListen);
    status.pid = haproxy.count(c::haproxyPid);
    status.reloads = haproxy.count(c::haproxyReloads);
    status.restarts = haproxy.count(c::haproxyRestarts);
    status.generation = haproxy.count(c::haproxyGeneration);
    status.lastError = haproxy.text(c::haproxyLastError);
    return status;
}

} // namespace

Result<GatewayStatus> parseGatewayStatus(const QByteArray &body)
{
    namespace c = clusterfields;
    const auto object = agentjson::parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    if (!object->value(agentjson::field(c::nodes)).isArray())
        return std::unexpected(agentjson::notProtocol(agentjson::tr("a cluster without a list of nodes.")));
    agentjson::FieldReader reader(*object, agentjson::tr("the cluster"));
    GatewayStatus status;
    const QJsonArray nodes = reader.list(c::nodes);
    for (const QJsonValue &entry : nodes) {
        if (!entry.isObject()) {
            reader.note(agentjson::tr("the list \"nodes\" holds %1, not nodes.").arg(agentjson::kindName(entry)));
            break;
        }
        agentjson::FieldReader node(entry.toObject(), agentjson::tr("a node of the cluster"), reader);
        GatewayNodeStatus read;
        read.name = node.text(c::name);
        read.url = node.text(c::url);
        if (read.name.isEmpty() || read.url.isEmpty()) {
            reader.note(agentjson::tr("a node of the cluster without a name or url."));
            break;
        }
        read.functions = node.texts(c::functions);
        read.functions.sort();
        const QJsonValue healthy = entry.toObject().value(agentjson::field(c::healthy));
        if (!healthy.isBool() && !healthy.isNull() && !healthy.isUndefined())
            node.note(agentjson::tr("the field \"healthy\" of a node of the cluster is %1, not true or false.")
                          .arg(agentjson::kindName(healthy)));
        read.healthy = healthy.toBool();
        read.inFlight = node.smallCount(c::inFlight);
        read.forwarded = node.count(c::forwarded);
        read.errors = node.count(c::errors);
        status.nodes.append(std::move(read));
    }
    status.haproxy = readHaproxyStatus(reader);
    if (const auto error = reader.error())
        return std::unexpected(*error);
    return status;
}

} // namespace rune
