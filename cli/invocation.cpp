// SPDX-License-Identifier: GPL-3.0-or-later
#include "invocation.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace rune::cli
{

namespace
{

const OptionSpec *findOption(const QList<OptionSpec> &options, const QString &name)
{
    for (const OptionSpec &option : options) {
        if (option.name == name)
            return &option;
    }
    return nullptr;
}

/** The mode asked for, read before anything else, so that even a usage error answers in JSON. */
OutputMode requestedMode(const QStringList &words)
{
    for (qsizetype index = 0; index < words.size(); ++index) {
        if (words.at(index) == u"--output=json"_s
            || (words.at(index) == u"--output"_s && index + 1 < words.size() && words.at(index + 1) == u"json"_s))
            return OutputMode::Json;
    }
    return OutputMode::Text;
}

/** Takes the option at @p index (and its value) into @p invocation; returns the next index. */
std::expected<qsizetype, QString> takeOption(const QStringList &words, qsizetype index, Invocation &invocation)
{
    QString name = words.at(index).mid(2);
    QString value;
    const qsizetype equals = name.indexOf(u'=');
    const bool inlineValue = equals >= 0;
    if (inlineValue) {
        value = name.mid(equals + 1);
        name.truncate(equals);
    }
    const OptionSpec *option = findOption(commonOptions(), name);
    if (!option && invocation.command)
        option = findOption(invocation.command->options, name);
    if (!option)
        return std::unexpected(tr("unknown option --%1").arg(name));
    if (option->valueName.isEmpty()) {
        if (inlineValue)
            return std::unexpected(tr("--%1 takes no value").arg(name));
    } else if (!inlineValue) {
        // A value that looks like an option is one forgotten (`--name=--value` passes it anyway).
        if (index + 1 >= words.size() || words.at(index + 1).startsWith(u"--"_s))
            return std::unexpected(tr("--%1 needs a value (%2)").arg(name, option->valueName));
        value = words.at(++index);
    }
    if (invocation.options.contains(name))
        return std::unexpected(tr("--%1 is given twice").arg(name));
    invocation.options.insert(name, value);
    return index + 1;
}

std::expected<void, QString> applyCommonOptions(Invocation &invocation)
{
    invocation.help = invocation.isSet(u"help"_s);
    if (invocation.isSet(u"output"_s)) {
        const QString mode = invocation.options.value(u"output"_s);
        if (mode != u"json"_s && mode != u"text"_s)
            return std::unexpected(tr("--output takes text or json, not '%1'").arg(mode));
    }
    if (invocation.isSet(u"data-dir"_s)) {
        invocation.dataDir = invocation.options.value(u"data-dir"_s);
        if (invocation.dataDir.isEmpty())
            return std::unexpected(tr("--data-dir needs a directory"));
    }
    return {};
}

/** The long name of the short option @p letter of the command named so far, or empty. */
QString longNameOf(QChar letter, const Invocation &invocation)
{
    for (const QList<OptionSpec> *options :
        {&commonOptions(), invocation.command ? &invocation.command->options : nullptr}) {
        if (!options)
            continue;
        for (const OptionSpec &option : *options) {
            if (option.shortName == letter)
                return option.name;
        }
    }
    return {};
}

std::expected<void, QString> takeWords(const QStringList &words, Invocation &invocation)
{
    QStringList plain;
    for (qsizetype index = 0; index < words.size();) {
        const QString &word = words.at(index);
        if (word.size() == 2 && word.at(0) == u'-' && word.at(1) != u'-') {
            const QString name = longNameOf(word.at(1), invocation);
            if (name.isEmpty())
                return std::unexpected(tr("unknown option %1").arg(word));
            QStringList expanded = words;
            expanded[index] = u"--"_s + name;
            const auto next = takeOption(expanded, index, invocation);
            if (!next)
                return std::unexpected(next.error());
            index = *next;
            continue;
        }
        if (word.startsWith(u"--"_s) && word.size() > 2) {
            const auto next = takeOption(words, index, invocation);
            if (!next)
                return std::unexpected(next.error());
            index = *next;
            continue;
        }
        if (invocation.group.isEmpty()) {
            if (!commandGroups().contains(word))
                return std::unexpected(
                    tr("unknown command '%1' (commands: %2)").arg(word, commandGroups().join(u", "_s)));
            invocation.group = word;
            // A group that is itself the command (`rune cost`) has a row without a name.
            invocation.command = findCommand(word, {});
        } else if (!invocation.command) {
            invocation.command = findCommand(invocation.group, word);
            if (!invocation.command)
                return std::unexpected(tr("unknown command '%1 %2'; see rune %1 --help").arg(invocation.group, word));
        } else {
            invocation.arguments.append(word);
        }
        ++index;
    }
    return {};
}

} // namespace

bool Invocation::isSet(const QString &option) const
{
    return options.contains(option);
}

std::expected<Invocation, UsageError> parseInvocation(const QStringList &words)
{
    Invocation invocation;
    invocation.mode = requestedMode(words);
    const auto refuse = [&invocation](const QString &message) {
        return std::unexpected(UsageError {message, invocation.mode});
    };
    if (const auto taken = takeWords(words, invocation); !taken)
        return refuse(taken.error());
    if (const auto applied = applyCommonOptions(invocation); !applied)
        return refuse(applied.error());
    if (invocation.help)
        return invocation;
    if (!invocation.command)
        return refuse(tr("'%1' needs a command; see rune %1 --help").arg(invocation.group));
    const CommandSpec &command = *invocation.command;
    const qsizetype count = invocation.arguments.size();
    if (count < command.minArguments)
        return refuse(tr("rune %1 needs %2").arg(commandWords(command), command.arguments));
    if (count > command.maxArguments)
        return refuse(tr("rune %1 takes no argument '%2'")
                          .arg(commandWords(command), invocation.arguments.at(command.maxArguments)));
    return invocation;
}

QString helpText(const Invocation &invocation)
{
    const auto optionLines = [](const QList<OptionSpec> &options) {
        QString text;
        for (const OptionSpec &option : options) {
            QString usage =
                option.valueName.isEmpty() ? u"--"_s + option.name : u"--%1 <%2>"_s.arg(option.name, option.valueName);
            if (!option.shortName.isNull())
                usage = u"-"_s + option.shortName + u", "_s + usage;
            text += u"  %1  %2\n"_s.arg(usage, -24).arg(option.help);
        }
        return text;
    };
    QString text;
    if (invocation.command) {
        const CommandSpec &command = *invocation.command;
        text = u"Usage: rune %1 [options]%2\n\n%3\n"_s.arg(commandWords(command),
            command.arguments.isEmpty() ? QString() : u" "_s + command.arguments,
            command.summary);
        if (!command.options.isEmpty())
            text += u"\n"_s + tr("Options:") + u"\n"_s + optionLines(command.options);
    } else {
        text = u"Usage: rune %1 <command> [options]\n\n"_s.arg(invocation.group) + tr("Commands:") + u"\n"_s;
        for (const CommandSpec &command : commandTable()) {
            if (command.group == invocation.group)
                text += u"  %1  %2\n"_s.arg(command.name, -24).arg(command.summary);
        }
    }
    text += u"\n"_s + tr("Options of every command:") + u"\n"_s + optionLines(commonOptions());
    return text + u"\n"_s + exitCodeHelp() + u"\n"_s;
}

} // namespace rune::cli
