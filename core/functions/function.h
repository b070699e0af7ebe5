// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/functionconfig.h"
#include "functions/functionstate.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace rune
{

/** A function of a project: what the admin edits and deploys. */
struct Function {
    QString id; ///< stable, generated when the function is created
    QString project; ///< the project it belongs to
    QString name; ///< unique in its project; see functionNameProblem()
    FunctionConfig config;
    int currentVersion = 0; ///< the version number deployed last; 0 before the first deploy

    /** The runtime, which lives in config so that a deploy sends it along. */
    FunctionRuntime runtime() const
    {
        return config.runtime;
    }

    /** The handler, which lives in config so that a deploy sends it along. */
    QString handler() const
    {
        return config.handler;
    }

    bool operator==(const Function &) const = default;
};

/** One immutable version of a function's code, made by a deploy of changed code. */
struct FunctionVersion {
    QString functionId;
    int number = 0; ///< 1, 2, ... per function; called as name@v<number> once published
    QDateTime created; ///< UTC
    QString codeDigest; ///< SHA-256 of the code archive, lowercase hex
    FunctionState state = FunctionState::Updating;
    QString note; ///< the admin's words about this version

    bool operator==(const FunctionVersion &) const = default;
};

/**
 * Where a version of a function runs: one row per node that received it. The agent numbers its
 * versions itself, so a node that missed a deploy, or had functions before, calls the same code
 * by another number; this is how the console finds it (name@v<agentVersion> on that node).
 */
struct FunctionDeployment {
    QString functionId;
    int number = 0; ///< the console's version number
    QString nodeId;
    int agentVersion = 0; ///< the number the node's agent gave the deploy
    QDateTime deployed; ///< UTC

    bool operator==(const FunctionDeployment &) const = default;
};

/** The lowercase hex SHA-256 of @p code, as FunctionVersion::codeDigest holds it. */
QString codeDigestOf(const QByteArray &code);

/** Whether @p digest looks like a codeDigestOf() result: 64 lowercase hex digits. */
bool isCodeDigest(const QString &digest);

} // namespace rune

Q_DECLARE_METATYPE(rune::Function)
Q_DECLARE_METATYPE(rune::FunctionVersion)
Q_DECLARE_METATYPE(rune::FunctionDeployment)
