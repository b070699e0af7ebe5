// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "configkeys.h"
#include "functions/trigger.h"
#include "util/result.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace rune
{

/** How the agent runs a function's code. */
enum class FunctionRuntime {
    Python3, ///< long-running worker that imports the handler once
    Node, ///< long-running worker that requires the handler once
    Exec, ///< any executable, one process per invocation, request on stdin
};

/** "python3", "node" or "exec". */
QString functionRuntimeName(FunctionRuntime runtime);
/** Parses a name made by functionRuntimeName(), ignoring case. */
std::optional<FunctionRuntime> functionRuntimeFromName(QStringView name);

/** Who may invoke a function through the invoke API. */
enum class FunctionAuth {
    Public, ///< anyone who reaches the invoke port
    Token, ///< callers must send the function's bearer token
};

/** "public" or "token". */
QString functionAuthName(FunctionAuth auth);
/** Parses a name made by functionAuthName(), ignoring case. */
std::optional<FunctionAuth> functionAuthFromName(QStringView name);

/** The JSON keys of a function's configuration: the agent's (remote-agent/protocol/configkeys.h). */
namespace configkeys = protocol::configkeys;

/** One problem of a configuration and the field it is about, for a form to show beside it. */
struct ConfigProblem {
    QString field; ///< a configkeys name: "memory_mib", "triggers", ...; empty: the whole configuration
    QString message; ///< the agent's sentence for it, word for word

    bool operator==(const ConfigProblem &) const = default;
};

/**
 * How a function runs and scales. Defaults and limits are the agent's (protocol::defaults and
 * protocol::limits), but for two choices of the console for a new function: an HTTP trigger,
 * and callers must send the invoke token.
 */
struct FunctionConfig {
    static constexpr int memoryStepMiB = protocol::limits::memoryStepMiB;
    static constexpr int minMemoryMiB = protocol::limits::minMemoryMiB;
    static constexpr int maxMemoryMiB = protocol::limits::maxMemoryMiB;
    static constexpr int maxTimeoutSeconds = protocol::limits::maxTimeoutSeconds;
    static constexpr qint64 maxPayloadLimitBytes = protocol::limits::maxPayloadBytes;

    FunctionRuntime runtime = FunctionRuntime::Python3;
    QString handler = QLatin1StringView(protocol::defaults::handler); ///< module.function; for exec, a path
    int memoryMiB = protocol::defaults::memoryMiB;
    int timeoutSeconds = protocol::defaults::timeoutSeconds;
    qint64 maxPayloadBytes = qint64(protocol::defaults::maxPayloadBytes);
    int minReplicas = protocol::defaults::minReplicas;
    int maxReplicas = protocol::defaults::maxReplicas;
    int targetConcurrency = protocol::defaults::targetConcurrency; ///< in-flight calls per replica before scaling up
    int idleToZeroSeconds = protocol::defaults::idleToZeroSeconds; ///< 0: never scale to zero
    int gpuCount = protocol::defaults::gpuCount; ///< GPUs each replica gets; 0: none (nor may it use any)
    int gpuMemoryMiB = protocol::defaults::gpuMemoryMiB; ///< memory each of those GPUs must have; 0: any
    int gpuPercent = protocol::defaults::gpuPercent; ///< share of each GPU's compute, 1 to 100
    /** Asynchronous calls queued or running before 429 queue_full; 0: only the node's async_queue_limit. */
    int asyncQueueLimit = protocol::defaults::asyncQueueLimit;
    QList<Trigger> triggers = {Trigger {}};
    QMap<QString, QString> env;
    FunctionAuth auth = FunctionAuth::Token;

    /**
     * Every problem with this configuration, in the agent's words: the configuration as a deploy
     * sends it (toJson()), checked by the agent's own validator. Empty when every agent accepts it.
     */
    QStringList validate() const;
    /** validate()'s problems, each with the field it is about. */
    QList<ConfigProblem> problems() const;

    /** The configuration as JSON with snake_case field names (see configkeys). */
    QJsonObject toJson() const;

    /**
     * Reads a configuration written by toJson(). Missing fields keep their defaults and unknown
     * fields are ignored, so older and newer consoles can read each other's configurations.
     * A field of the wrong type or an unknown name fails with code "function.config_invalid"
     * and a message naming the field. Values are not range-checked here: call validate().
     */
    static Result<FunctionConfig> fromJson(const QJsonObject &json);

    bool operator==(const FunctionConfig &) const = default;
};

/**
 * The problems an agent finds with @p config, the JSON of a configuration as a deploy sends it
 * (FunctionConfig::toJson(), or a stored version's configuration): the same check, the same words.
 */
QList<ConfigProblem> deployConfigProblems(const QJsonObject &config);

/**
 * Checks a function name as the agent does: 1 to 63 characters, lowercase letters, digits and
 * '-', starting with a letter (it appears in URLs, directory names and unit names).
 *
 * @return empty if valid, else the agent's sentence naming the problem.
 */
QString functionNameProblem(const QString &name);

/** Checks an environment variable name as the agent does: a valid name, not reserved. Empty if valid. */
QString envNameProblem(const QString &name);

} // namespace rune

Q_DECLARE_METATYPE(rune::FunctionRuntime)
Q_DECLARE_METATYPE(rune::FunctionAuth)
Q_DECLARE_METATYPE(rune::FunctionConfig)
