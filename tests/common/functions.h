// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Deploying and calling functions on a real agent, for the agent's integration tests.

#include "archives.h"
#include "testagent.h"

#include <QJsonDocument>
#include <nlohmann/json.hpp>

namespace rune::test
{

/** Where Debian's HAProxy package puts the program the gateway tests run. */
inline const QString haproxyBinary = QStringLiteral("/usr/sbin/haproxy");

/** A python3 handler that answers with the request's body, or "echo" when there is none. */
inline const QString echoHandler = QStringLiteral("def handle(event, context):\n"
                                                  "    return event['body'] or 'echo'\n");

/** A code archive with one file. */
inline QByteArray archiveWith(const QString &name, const QString &source, int mode = 0644)
{
    return makeArchive(QJsonArray {file(name, source, mode)});
}

/** PUT /v1/functions/<name> with the archive as body and @p config in the X-Rune-Config header. */
inline HttpReply deployFunction(
    quint16 port, const QString &token, const QString &name, const QByteArray &archive, const QJsonObject &config = {})
{
    HttpConnection connection(port);
    QList<QByteArray> headers {
        "Content-Type: application/gzip", "X-Rune-Config: " + QJsonDocument(config).toJson(QJsonDocument::Compact)};
    if (!token.isEmpty())
        headers << "Authorization: Bearer " + token.toUtf8();
    return connection.request("PUT", "/v1/functions/" + name.toUtf8(), headers, archive);
}

/** Deploys a python3 function whose handler.py is @p source. */
inline HttpReply deployPython(TestAgent &agent, const QString &name, const QString &source, QJsonObject config = {})
{
    config.insert(QStringLiteral("runtime"), QStringLiteral("python3"));
    return deployFunction(agent.port(), agent.token(), name, archiveWith(QStringLiteral("handler.py"), source), config);
}

/** One call on the invoke port. */
inline HttpReply callFunction(quint16 invokePort,
    const QByteArray &method,
    const QByteArray &path,
    const QByteArray &body = {},
    const QList<QByteArray> &headers = {},
    int timeoutMs = 15000)
{
    HttpConnection connection(invokePort);
    QByteArray raw = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const QByteArray &line : headers)
        raw += line + "\r\n";
    raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    return connection.sendRaw(raw, timeoutMs);
}

/** A JSON string as a QString; "" for anything else, so a comparison fails readably. */
inline QString textOf(const nlohmann::json &value)
{
    return value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString();
}

inline nlohmann::json jsonOf(const HttpReply &reply)
{
    return nlohmann::json::parse(reply.body.toStdString(), nullptr, false);
}

/** The "code" of a JSON error answer, or "" when the body is not one. */
inline QString errorCodeOf(const HttpReply &reply)
{
    const auto json = jsonOf(reply);
    if (!json.is_object() || !json.contains("error") || !json["error"].is_object())
        return {};
    return QString::fromStdString(json["error"].value("code", std::string()));
}

inline QString errorMessageOf(const HttpReply &reply)
{
    const auto json = jsonOf(reply);
    if (!json.is_object() || !json.contains("error") || !json["error"].is_object())
        return {};
    return QString::fromStdString(json["error"].value("message", std::string()));
}

/** GET on the control port with the agent's token. */
inline HttpReply controlGet(TestAgent &agent, const QByteArray &path)
{
    return httpRequest(agent.port(), "GET", path, agent.token());
}

inline HttpReply controlPost(TestAgent &agent, const QByteArray &path, const QByteArray &body = {})
{
    return httpRequest(agent.port(), "POST", path, agent.token(), body);
}

} // namespace rune::test
