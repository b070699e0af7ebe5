// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "commandtable.h"
#include "output.h"

#include <QHash>
#include <QStringList>
#include <expected>

namespace rune::cli
{

/** A command line, read against the command table. */
struct Invocation {
    QString group;
    const CommandSpec *command = nullptr; ///< null when only a group was named (with --help)
    QStringList arguments;
    QHash<QString, QString> options; ///< by name without "--"; a flag's value is empty
    bool help = false;
    OutputMode mode = OutputMode::Text;
    QString dataDir;

    bool isSet(const QString &option) const;
};

/** Why a command line was refused, and how the user asked for the answer. */
struct UsageError {
    QString message;
    OutputMode mode = OutputMode::Text;
};

/** Reads @p words (the arguments after the program's name). */
std::expected<Invocation, UsageError> parseInvocation(const QStringList &words);
/** The help of the command, or of the group when no command was named. */
QString helpText(const Invocation &invocation);

} // namespace rune::cli
