// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/sampleevent.h"

#include <QCoreApplication>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace rune
{

QJsonObject SampleEvent::toJson() const
{
    QJsonObject headerObject;
    for (const auto &[header, value] : headers)
        headerObject.insert(header, value);
    return {
        {u"name"_s, name}, {u"method"_s, method}, {u"path"_s, path}, {u"headers"_s, headerObject}, {u"body"_s, body}};
}

Result<SampleEvent> SampleEvent::fromJson(const QJsonObject &json)
{
    SampleEvent event;
    event.name = json.value(u"name"_s).toString();
    if (event.name.isEmpty())
        return fail(
            u"function.bad_event"_s, QCoreApplication::translate("rune::SampleEvent", "A sample event needs a name."));
    event.method = json.value(u"method"_s).toString(u"POST"_s).toUpper();
    event.path = json.value(u"path"_s).toString(u"/"_s);
    const QJsonObject headerObject = json.value(u"headers"_s).toObject();
    for (auto it = headerObject.constBegin(); it != headerObject.constEnd(); ++it)
        event.headers.append({it.key(), it.value().toString()});
    const QJsonValue body = json.value(u"body"_s);
    // Templates may write a JSON body as JSON rather than as a string holding JSON.
    if (body.isString())
        event.body = body.toString();
    else if (body.isObject())
        event.body = QString::fromUtf8(QJsonDocument(body.toObject()).toJson(QJsonDocument::Indented));
    else if (body.isArray())
        event.body = QString::fromUtf8(QJsonDocument(body.toArray()).toJson(QJsonDocument::Indented));
    else if (!body.isUndefined() && !body.isNull())
        event.body = body.toVariant().toString();
    return event;
}

QJsonArray sampleEventsToJson(const QList<SampleEvent> &events)
{
    QJsonArray array;
    for (const SampleEvent &event : events)
        array.append(event.toJson());
    return array;
}

Result<QList<SampleEvent>> sampleEventsFromJson(const QJsonArray &array)
{
    QList<SampleEvent> events;
    for (const QJsonValue &value : array) {
        auto event = SampleEvent::fromJson(value.toObject());
        if (!event)
            return std::unexpected(event.error());
        events.append(*event);
    }
    return events;
}

} // namespace rune
