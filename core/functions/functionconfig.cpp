// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionconfig.h"

#include "deployconfig.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

// The checks themselves are the agent's (remote-agent/protocol/deployconfig.h): the console only
// converts. A configuration is checked in the very bytes a deploy sends, so no conversion can
// make the console accept what an agent refuses, or the other way round.

namespace rune
{

QString functionRuntimeName(FunctionRuntime runtime)
{
    switch (runtime) {
    case FunctionRuntime::Python3:
        return QLatin1StringView(protocol::configvalues::python3);
    case FunctionRuntime::Node:
        return QLatin1StringView(protocol::configvalues::node);
    case FunctionRuntime::Exec:
        return QLatin1StringView(protocol::configvalues::exec);
    }
    return {};
}

std::optional<FunctionRuntime> functionRuntimeFromName(QStringView name)
{
    for (auto runtime : {FunctionRuntime::Python3, FunctionRuntime::Node, FunctionRuntime::Exec}) {
        if (name.compare(functionRuntimeName(runtime), Qt::CaseInsensitive) == 0)
            return runtime;
    }
    return std::nullopt;
}

QString functionAuthName(FunctionAuth auth)
{
    return QLatin1StringView(
        auth == FunctionAuth::Public ? protocol::configvalues::authPublic : protocol::configvalues::authToken);
}

std::optional<FunctionAuth> functionAuthFromName(QStringView name)
{
    for (auto auth : {FunctionAuth::Public, FunctionAuth::Token}) {
        if (name.compare(functionAuthName(auth), Qt::CaseInsensitive) == 0)
            return auth;
    }
    return std::nullopt;
}

QList<ConfigProblem> deployConfigProblems(const QJsonObject &config)
{
    const QByteArray text = QJsonDocument(config).toJson(QJsonDocument::Compact);
    const auto json = protocol::parseConfigText(std::string_view(text.constData(), std::size_t(text.size())));
    if (!json)
        return {ConfigProblem {{}, QString::fromStdString(json.error())}};
    const auto parsed = protocol::parseFunctionConfig(*json);
    if (parsed)
        return {};
    QList<ConfigProblem> problems;
    for (const protocol::ConfigProblem &problem : parsed.error())
        problems << ConfigProblem {QString::fromStdString(problem.field), QString::fromStdString(problem.message)};
    return problems;
}

QList<ConfigProblem> FunctionConfig::problems() const
{
    return deployConfigProblems(toJson());
}

QStringList FunctionConfig::validate() const
{
    QStringList messages;
    for (const ConfigProblem &problem : problems())
        messages << problem.message;
    return messages;
}

QString functionNameProblem(const QString &name)
{
    const auto problems = protocol::checkFunctionName(name.toStdString());
    return problems.empty() ? QString() : QString::fromStdString(problems.front());
}

QString envNameProblem(const QString &name)
{
    return QString::fromStdString(protocol::envNameProblem(name.toStdString()));
}

} // namespace rune
