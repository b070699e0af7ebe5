// SPDX-License-Identifier: GPL-3.0-or-later
// FunctionConfig's JSON form: what the store keeps and what a deploy sends to the agent.
#include "functions/functionconfig.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::FunctionConfig", text);
}

QString shown(const QJsonValue &value)
{
    if (value.isString())
        return u'"' + value.toString() + u'"';
    if (value.isObject())
        return u"an object"_s;
    if (value.isArray())
        return u"a list"_s;
    if (value.isNull())
        return u"null"_s;
    return QString::fromUtf8(QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact).mid(1).chopped(1));
}

Error invalidField(const QString &field, const QString &what, const QJsonValue &got)
{
    return Error {u"function.config_invalid"_s,
        tr("The function configuration's field \"%1\" %2 (got %3).").arg(field, what, shown(got))};
}

/** Reads the fields of one JSON object, keeping the first error; absent fields keep their value. */
class FieldReader
{
public:
    FieldReader(const QJsonObject &object, QString prefix)
        : m_object(object)
        , m_prefix(std::move(prefix))
    {
    }

    template <typename Int> void integer(const char *key, Int &out)
    {
        const QJsonValue value = m_object.value(QLatin1StringView(key));
        if (value.isUndefined() || m_error)
            return;
        const double number = value.toDouble();
        const bool whole = value.isDouble() && std::trunc(number) == number
            && number >= double(std::numeric_limits<Int>::min())
            && number < double(std::numeric_limits<Int>::max()) + 1.0;
        if (!whole)
            return setError(key, tr("must be a whole number"), value);
        out = Int(number);
    }

    void string(const char *key, QString &out)
    {
        const QJsonValue value = m_object.value(QLatin1StringView(key));
        if (value.isUndefined() || m_error)
            return;
        if (!value.isString())
            return setError(key, tr("must be a string"), value);
        out = value.toString();
    }

    template <typename Enum>
    void name(const char *key, Enum &out, std::optional<Enum> (*fromName)(QStringView), const QString &allowed)
    {
        const QJsonValue value = m_object.value(QLatin1StringView(key));
        if (value.isUndefined() || m_error)
            return;
        if (const auto parsed = fromName(value.toString()); parsed && value.isString())
            out = *parsed;
        else
            setError(key, tr("must be one of %1").arg(allowed), value);
    }

    void setError(const char *key, const QString &what, const QJsonValue &got)
    {
        if (!m_error)
            m_error = invalidField(m_prefix + QLatin1StringView(key), what, got);
    }

    const std::optional<Error> &error() const
    {
        return m_error;
    }

private:
    const QJsonObject &m_object;
    QString m_prefix;
    std::optional<Error> m_error;
};

QJsonArray triggersToJson(const QList<Trigger> &triggers)
{
    QJsonArray array;
    for (const Trigger &trigger : triggers) {
        QJsonObject object {{QLatin1StringView(configkeys::triggerType), triggerTypeName(trigger.type)},
            {QLatin1StringView(configkeys::triggerValue), trigger.value}};
        // As the agent writes them: only an MQTT trigger has a result topic and a QoS.
        if (trigger.type == TriggerType::Mqtt) {
            object.insert(QLatin1StringView(configkeys::triggerResultTopic), trigger.resultTopic);
            object.insert(QLatin1StringView(configkeys::triggerQos), trigger.qos);
        }
        array.append(object);
    }
    return array;
}

std::optional<Error> readTriggers(const QJsonArray &array, QList<Trigger> &out)
{
    out.clear();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString field = u"%1[%2]"_s.arg(QLatin1StringView(configkeys::triggers)).arg(i);
        if (!array.at(i).isObject())
            return invalidField(field, tr("must be an object with a type and a value"), array.at(i));
        const QJsonObject object = array.at(i).toObject();
        FieldReader reader(object, field + u'.');
        Trigger trigger;
        reader.name(configkeys::triggerType, trigger.type, &triggerTypeFromName, u"http, cron, mqtt"_s);
        reader.string(configkeys::triggerValue, trigger.value);
        reader.string(configkeys::triggerResultTopic, trigger.resultTopic);
        reader.integer(configkeys::triggerQos, trigger.qos);
        if (reader.error())
            return reader.error();
        out.append(trigger);
    }
    return std::nullopt;
}

std::optional<Error> readEnv(const QJsonObject &object, QMap<QString, QString> &out)
{
    out.clear();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!it.value().isString())
            return invalidField(QLatin1StringView(configkeys::env) + u'.' + it.key(), tr("must be a string"), *it);
        out.insert(it.key(), it.value().toString());
    }
    return std::nullopt;
}

/** Reads a list or object field that is either absent (keep @p out) or of the right type. */
template <typename Json, typename T>
std::optional<Error> readNested(FieldReader &reader,
    const QJsonObject &json,
    const char *key,
    T &out,
    std::optional<Error> (*read)(const Json &, T &))
{
    const QJsonValue value = json.value(QLatin1StringView(key));
    if (value.isUndefined())
        return std::nullopt;
    if constexpr (std::is_same_v<Json, QJsonArray>) {
        if (!value.isArray())
            reader.setError(key, tr("must be a list"), value);
        return reader.error() ? reader.error() : read(value.toArray(), out);
    } else {
        if (!value.isObject())
            reader.setError(key, tr("must be an object"), value);
        return reader.error() ? reader.error() : read(value.toObject(), out);
    }
}

} // namespace

QJsonObject FunctionConfig::toJson() const
{
    QJsonObject envObject;
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        envObject.insert(it.key(), it.value());
    return {
        {QLatin1StringView(configkeys::runtime), functionRuntimeName(runtime)},
        {QLatin1StringView(configkeys::handler), handler},
        {QLatin1StringView(configkeys::memoryMiB), memoryMiB},
        {QLatin1StringView(configkeys::timeoutSeconds), timeoutSeconds},
        {QLatin1StringView(configkeys::maxPayloadBytes), maxPayloadBytes},
        {QLatin1StringView(configkeys::minReplicas), minReplicas},
        {QLatin1StringView(configkeys::maxReplicas), maxReplicas},
        {QLatin1StringView(configkeys::targetConcurrency), targetConcurrency},
        {QLatin1StringView(configkeys::idleToZeroSeconds), idleToZeroSeconds},
        {QLatin1StringView(configkeys::gpuCount), gpuCount},
        {QLatin1StringView(configkeys::gpuMemoryMiB), gpuMemoryMiB},
        {QLatin1StringView(configkeys::gpuPercent), gpuPercent},
        {QLatin1StringView(configkeys::asyncQueueLimit), asyncQueueLimit},
        {QLatin1StringView(configkeys::triggers), triggersToJson(triggers)},
        {QLatin1StringView(configkeys::env), envObject},
        {QLatin1StringView(configkeys::auth), functionAuthName(auth)},
    };
}

Result<FunctionConfig> FunctionConfig::fromJson(const QJsonObject &json)
{
    FunctionConfig config;
    FieldReader reader(json, {});
    reader.name(configkeys::runtime, config.runtime, &functionRuntimeFromName, u"python3, node, exec"_s);
    reader.string(configkeys::handler, config.handler);
    reader.integer(configkeys::memoryMiB, config.memoryMiB);
    reader.integer(configkeys::timeoutSeconds, config.timeoutSeconds);
    reader.integer(configkeys::maxPayloadBytes, config.maxPayloadBytes);
    reader.integer(configkeys::minReplicas, config.minReplicas);
    reader.integer(configkeys::maxReplicas, config.maxReplicas);
    reader.integer(configkeys::targetConcurrency, config.targetConcurrency);
    reader.integer(configkeys::idleToZeroSeconds, config.idleToZeroSeconds);
    reader.integer(configkeys::gpuCount, config.gpuCount);
    reader.integer(configkeys::gpuMemoryMiB, config.gpuMemoryMiB);
    reader.integer(configkeys::gpuPercent, config.gpuPercent);
    reader.integer(configkeys::asyncQueueLimit, config.asyncQueueLimit);
    reader.name(configkeys::auth, config.auth, &functionAuthFromName, u"public, token"_s);
    auto error = reader.error();
    if (!error)
        error = readNested<QJsonArray>(reader, json, configkeys::triggers, config.triggers, &readTriggers);
    if (!error)
        error = readNested<QJsonObject>(reader, json, configkeys::env, config.env, &readEnv);
    if (error)
        return std::unexpected(*error);
    return config;
}

} // namespace rune
