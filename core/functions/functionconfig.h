// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

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

/** How the agent runs a function's code (DESIGN.md "Functions"). */
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

/** The JSON field names of a function's configuration, shared by the store and the deploy request. */
namespace configkeys
{
inline constexpr char runtime[] = "runtime";
inline constexpr char handler[] = "handler";
inline constexpr char memoryMiB[] = "memory_mib";
inline constexpr char timeoutSeconds[] = "timeout_seconds";
inline constexpr char maxPayloadBytes[] = "max_payload_bytes";
inline constexpr char minReplicas[] = "min_replicas";
inline constexpr char maxReplicas[] = "max_replicas";
inline constexpr char targetConcurrency[] = "target_concurrency";
inline constexpr char idleToZeroSeconds[] = "idle_to_zero_seconds";
inline constexpr char triggers[] = "triggers";
inline constexpr char triggerType[] = "type";
inline constexpr char triggerValue[] = "value";
inline constexpr char env[] = "env";
inline constexpr char auth[] = "auth";
} // namespace configkeys

/** One problem of a configuration and the field it is about, for a form to show beside it. */
struct ConfigProblem {
    QString field; ///< a configkeys name: "memory_mib", "triggers", ...
    QString message; ///< a sentence the user can act on

    bool operator==(const ConfigProblem &) const = default;
};

/**
 * How a function runs and scales. The defaults make a working python3 function that scales to
 * zero after five idle minutes and is invoked over HTTP with a token.
 */
struct FunctionConfig {
    static constexpr int memoryStepMiB = 64;
    static constexpr int minMemoryMiB = 64;
    static constexpr int maxMemoryMiB = 16384;
    static constexpr int maxTimeoutSeconds = 900;
    static constexpr qint64 maxPayloadLimitBytes = 64 * 1024 * 1024; ///< the agent holds a payload in memory
    static constexpr char reservedEnvPrefix[] = "RUNE_"; ///< set by the agent itself

    FunctionRuntime runtime = FunctionRuntime::Python3;
    QString handler = QStringLiteral("handler.handle"); ///< module.function; for exec, a path in the files
    int memoryMiB = 128;
    int timeoutSeconds = 30;
    qint64 maxPayloadBytes = 6 * 1024 * 1024;
    int minReplicas = 0;
    int maxReplicas = 4;
    int targetConcurrency = 1; ///< in-flight calls per replica before scaling up
    int idleToZeroSeconds = 300; ///< 0: never scale to zero
    QList<Trigger> triggers = {Trigger {}};
    QMap<QString, QString> env;
    FunctionAuth auth = FunctionAuth::Token;

    /**
     * Every problem with this configuration, each a sentence the user can act on, e.g.
     * "memory must be a multiple of 64 MiB (got 100 MiB)". Empty when the configuration is valid.
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
 * Checks a function name: 1 to 63 characters, lowercase letters, digits and '-', starting with
 * a letter (it appears in URLs, directory names and unit names).
 *
 * @return empty if valid, else a sentence naming the problem.
 */
QString functionNameProblem(const QString &name);

/** Checks an environment variable name for a function: a valid name, not reserved. Empty if valid. */
QString envNameProblem(const QString &name);

} // namespace rune

Q_DECLARE_METATYPE(rune::FunctionRuntime)
Q_DECLARE_METATYPE(rune::FunctionAuth)
Q_DECLARE_METATYPE(rune::FunctionConfig)
