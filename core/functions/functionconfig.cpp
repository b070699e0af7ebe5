// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionconfig.h"

#include <QCoreApplication>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::FunctionConfig", text);
}

QString handlerProblem(FunctionRuntime runtime, const QString &handler)
{
    if (handler.isEmpty())
        return tr("the handler must not be empty");
    if (runtime == FunctionRuntime::Exec) {
        const QStringList parts = handler.split(u'/');
        if (handler.startsWith(u'/') || parts.contains(u".."_s) || handler.contains(QChar(u'\0')))
            return tr("the handler must be a path inside the function's files, e.g. bin/handler (got \"%1\")")
                .arg(handler);
        return {};
    }
    // module.function, where the module may be a dotted or slashed path to a file in the function.
    static const QRegularExpression pattern(u"^[A-Za-z0-9_][A-Za-z0-9_./-]*\\.[A-Za-z_$][A-Za-z0-9_$]*$"_s);
    if (!pattern.match(handler).hasMatch())
        return tr("the handler must be module.function, e.g. handler.handle (got \"%1\")").arg(handler);
    return {};
}

void checkMemory(int memoryMiB, QList<ConfigProblem> &problems)
{
    using C = FunctionConfig;
    if (memoryMiB < C::minMemoryMiB || memoryMiB > C::maxMemoryMiB)
        problems << ConfigProblem {QLatin1StringView(configkeys::memoryMiB),
            tr("memory must be between %1 and %2 MiB (got %3 MiB)")
                .arg(C::minMemoryMiB)
                .arg(C::maxMemoryMiB)
                .arg(memoryMiB)};
    if (memoryMiB % C::memoryStepMiB != 0)
        problems << ConfigProblem {QLatin1StringView(configkeys::memoryMiB),
            tr("memory must be a multiple of %1 MiB (got %2 MiB)").arg(C::memoryStepMiB).arg(memoryMiB)};
}

void checkLimits(const FunctionConfig &config, QList<ConfigProblem> &problems)
{
    if (config.timeoutSeconds < 1 || config.timeoutSeconds > FunctionConfig::maxTimeoutSeconds)
        problems << ConfigProblem {QLatin1StringView(configkeys::timeoutSeconds),
            tr("the timeout must be between 1 and %1 seconds (got %2 s)")
                .arg(FunctionConfig::maxTimeoutSeconds)
                .arg(config.timeoutSeconds)};
    if (config.maxPayloadBytes < 1 || config.maxPayloadBytes > FunctionConfig::maxPayloadLimitBytes)
        problems << ConfigProblem {QLatin1StringView(configkeys::maxPayloadBytes),
            tr("the maximum payload must be between 1 byte and %1 MiB (got %2 bytes)")
                .arg(FunctionConfig::maxPayloadLimitBytes / (1024 * 1024))
                .arg(config.maxPayloadBytes)};
}

void checkScaling(const FunctionConfig &config, QList<ConfigProblem> &problems)
{
    if (config.minReplicas < 0)
        problems << ConfigProblem {QLatin1StringView(configkeys::minReplicas),
            tr("the minimum number of replicas must not be negative (got %1)").arg(config.minReplicas)};
    if (config.maxReplicas < 1)
        problems << ConfigProblem {QLatin1StringView(configkeys::maxReplicas),
            tr("the maximum number of replicas must be at least 1 (got %1)").arg(config.maxReplicas)};
    else if (config.maxReplicas < config.minReplicas)
        problems << ConfigProblem {QLatin1StringView(configkeys::maxReplicas),
            tr("the maximum number of replicas (%1) must not be below the minimum (%2)")
                .arg(config.maxReplicas)
                .arg(config.minReplicas)};
    if (config.targetConcurrency < 1)
        problems << ConfigProblem {QLatin1StringView(configkeys::targetConcurrency),
            tr("the target concurrency must be at least 1 call per replica (got %1)").arg(config.targetConcurrency)};
    if (config.idleToZeroSeconds < 0)
        problems << ConfigProblem {QLatin1StringView(configkeys::idleToZeroSeconds),
            tr("the idle time before scaling to zero must not be negative; use 0 for never (got %1 s)")
                .arg(config.idleToZeroSeconds)};
}

void checkTriggersAndEnv(const FunctionConfig &config, QList<ConfigProblem> &problems)
{
    for (qsizetype i = 0; i < config.triggers.size(); ++i) {
        const QString problem = triggerProblem(config.triggers.at(i));
        if (!problem.isEmpty())
            problems << ConfigProblem {
                QLatin1StringView(configkeys::triggers), tr("trigger %1: %2").arg(i + 1).arg(problem)};
    }
    for (auto it = config.env.cbegin(); it != config.env.cend(); ++it) {
        const QString problem = envNameProblem(it.key());
        if (!problem.isEmpty())
            problems << ConfigProblem {QLatin1StringView(configkeys::env), problem};
    }
}

} // namespace

QString functionRuntimeName(FunctionRuntime runtime)
{
    switch (runtime) {
    case FunctionRuntime::Python3:
        return u"python3"_s;
    case FunctionRuntime::Node:
        return u"node"_s;
    case FunctionRuntime::Exec:
        return u"exec"_s;
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
    return auth == FunctionAuth::Public ? u"public"_s : u"token"_s;
}

std::optional<FunctionAuth> functionAuthFromName(QStringView name)
{
    for (auto auth : {FunctionAuth::Public, FunctionAuth::Token}) {
        if (name.compare(functionAuthName(auth), Qt::CaseInsensitive) == 0)
            return auth;
    }
    return std::nullopt;
}

QList<ConfigProblem> FunctionConfig::problems() const
{
    QList<ConfigProblem> problems;
    const QString handlerIssue = handlerProblem(runtime, handler);
    if (!handlerIssue.isEmpty())
        problems << ConfigProblem {QLatin1StringView(configkeys::handler), handlerIssue};
    checkMemory(memoryMiB, problems);
    checkLimits(*this, problems);
    checkScaling(*this, problems);
    checkTriggersAndEnv(*this, problems);
    return problems;
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
    static const QRegularExpression pattern(u"^[a-z][a-z0-9-]*$"_s);
    if (name.isEmpty())
        return tr("the function name must not be empty");
    if (name.size() > 63)
        return tr("the function name must be at most 63 characters long (got %1)").arg(name.size());
    if (!pattern.match(name).hasMatch())
        return tr("the function name \"%1\" must start with a letter and use only lowercase letters, digits and "
                  "'-'")
            .arg(name);
    return {};
}

QString envNameProblem(const QString &name)
{
    static const QRegularExpression pattern(u"^[A-Za-z_][A-Za-z0-9_]*$"_s);
    if (!pattern.match(name).hasMatch())
        return tr("the environment variable name \"%1\" is not valid: use letters, digits and '_', and do not start "
                  "with a digit")
            .arg(name);
    if (name.startsWith(QLatin1StringView(FunctionConfig::reservedEnvPrefix)))
        return tr("the environment variable name \"%1\" is reserved: names starting with %2 are set by Rune")
            .arg(name, QLatin1StringView(FunctionConfig::reservedEnvPrefix));
    return {};
}

} // namespace rune
