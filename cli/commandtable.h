// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

namespace rune::cli
{

/** @p text translated in the command line's context ("rune::cli"), for code outside a QObject. */
QString tr(const char *text);

/** One option of a command: `--name` alone (a flag) or `--name <value>`. */
struct OptionSpec {
    QString name;
    QString valueName; ///< empty: a flag without a value
    QString help;
    QChar shortName = {}; ///< `-x` for the same; null: none
};

/**
 * One command of `rune <group> <name>`: what it takes and says about itself. The parser, the
 * help texts and the shell completion all read this one table, so they cannot disagree.
 */
struct CommandSpec {
    QString group;
    QString name;
    QString arguments; ///< the positional arguments in the synopsis, e.g. "<dir>"; empty: none
    int minArguments = 0;
    int maxArguments = 0;
    QString summary;
    QList<OptionSpec> options;
};

/** Every command the CLI runs. */
const QList<CommandSpec> &commandTable();
/** The options every command takes (--output, --data-dir, --help). */
const QList<OptionSpec> &commonOptions();
/** The groups in the order of the table: demo, node, fn, bench, cost. */
QStringList commandGroups();
/** @p name empty: the command that is a group of its own (`rune cost`). */
const CommandSpec *findCommand(const QString &group, const QString &name);
/** "fn deploy", or "cost" for a command that is its group. */
QString commandWords(const CommandSpec &command);
/** Whether `--name` (@p word) takes a value, in any command. */
bool takesValue(const QString &word);
/** Group, then command, then its options: the words a shell may offer after the typed @p words. */
QStringList completions(const QStringList &words);

} // namespace rune::cli
