// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <memory>
#include <optional>

// Reading the agent's JSON answers (field names in remote-agent/protocol/protocol.h). A node's answer is
// untrusted: every parser of what a node sends goes through parseObject(), and reads fields with
// the helpers below, which bound what a hostile or broken node can make the console hold or show.
namespace rune::agentjson
{

/** The largest JSON answer of the control API the console reads (the agent's own are far smaller). */
inline constexpr qint64 maxAnswerBytes = 8 * 1024 * 1024;
/** How deep an answer may nest; the agent's answers nest four levels at most. */
inline constexpr int maxDepth = 64;
/** The longest text kept from one field: names, states and messages are far shorter. */
inline constexpr qsizetype maxTextLength = 4096;
/** The most entries read from one list (functions, events, warnings). */
inline constexpr qsizetype maxListEntries = 10000;
/** Counters and byte sizes are read within [0, maxCount]: sums over a fleet cannot overflow. */
inline constexpr qint64 maxCount = qint64(1) << 50;

/** A protocol field name as a QString key. */
QString field(const char *name);
/** The JSON kind of @p value in words ("text", "a number", "a list"), for messages. */
QString kindName(const QJsonValue &value);

/** The error of an answer that is not the agent's protocol; @p detail says what was wrong. */
Error notProtocol(const QString &detail);

/**
 * @p body as a JSON object. Longer than @p maxBytes, nested deeper than maxDepth (checked by a
 * linear scan before parsing), not JSON, or not an object: fails with "agent.bad_response".
 */
Result<QJsonObject> parseObject(const QByteArray &body, qint64 maxBytes = maxAnswerBytes);

/**
 * Reads the fields of the objects of one answer. A field that is absent or null reads as empty
 * or zero (an older or newer agent); a field of the wrong kind also does, and is noted: the first
 * such field makes error() say which, so the parser can refuse the answer in words. Numbers are
 * kept within [-maxCount, maxCount] and text within maxTextLength characters.
 */
class FieldReader
{
public:
    /** Reads @p object; @p what names it in messages ("the metrics", "a function"). */
    FieldReader(const QJsonObject &object, QString what);
    /** Reads a nested object, noting its problems in @p parent's. */
    FieldReader(const QJsonObject &object, QString what, FieldReader &parent);

    bool contains(const char *name) const;
    QString text(const char *name);
    double number(const char *name);
    /** A whole number within [0, maxCount]; negative is a problem. */
    qint64 count(const char *name);
    /** count() for small figures (versions, replicas, calls in flight), within [0, 1'000'000]. */
    int smallCount(const char *name);
    /** The object @p name; empty when absent. */
    QJsonObject object(const char *name);
    /** The list @p name; empty when absent. Longer than maxListEntries is a problem. */
    QJsonArray list(const char *name);
    /** The strings of list @p name. */
    QStringList texts(const char *name);

    /** Notes a problem the caller found (the first one noted is the one reported). */
    void note(const QString &problem);
    /** The first problem met by this reader or one of its nested readers. */
    std::optional<Error> error() const;

private:
    QJsonValue take(const char *name, QJsonValue::Type type);

    QJsonObject m_object;
    QString m_what;
    std::shared_ptr<QString> m_problem;
};

} // namespace rune::agentjson
