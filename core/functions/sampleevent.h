// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>

namespace rune
{

/** A saved request to try a function with: what the invoke panel fills in. */
struct SampleEvent {
    QString name; ///< shown in the list, unique per function
    QString method = QStringLiteral("POST");
    QString path = QStringLiteral("/"); ///< after /function/<name>, with an optional ?query
    QList<QPair<QString, QString>> headers;
    QString body;

    QJsonObject toJson() const;
    /** Reads toJson()'s form; a missing name fails with "function.bad_event". */
    static Result<SampleEvent> fromJson(const QJsonObject &json);

    bool operator==(const SampleEvent &) const = default;
};

QJsonArray sampleEventsToJson(const QList<SampleEvent> &events);
Result<QList<SampleEvent>> sampleEventsFromJson(const QJsonArray &array);

} // namespace rune

Q_DECLARE_METATYPE(rune::SampleEvent)
