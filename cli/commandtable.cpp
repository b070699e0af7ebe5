// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandtable.h"

#include <QCoreApplication>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace rune::cli
{

namespace
{

/** One host key, and only that one, may be trusted without a terminal to ask on. */
OptionSpec acceptHostKey()
{
    return {u"accept-host-key"_s,
        u"SHA256:fp"_s,
        tr("Trust the host key only if its fingerprint is exactly this one (for scripts without a terminal).")};
}

CommandSpec nodeAction(const QString &name, const QString &summary)
{
    return {u"node"_s, name, u"<node>..."_s, 1, 1000, summary, {acceptHostKey()}};
}

QList<CommandSpec> buildTable()
{
    const OptionSpec agentBinary {
        u"agent-binary"_s, u"path"_s, tr("The rune-agent program to run (default: the window's choice).")};
    const OptionSpec foreground {
        u"foreground"_s, {}, tr("Run the cluster in this process until interrupted instead of in the background.")};
    return {
        {u"demo"_s,
            u"up"_s,
            {},
            0,
            0,
            tr("Start the local demo cluster; it keeps running after the command returns."),
            {agentBinary, foreground}},
        {u"demo"_s, u"down"_s, {}, 0, 0, tr("Stop the demo cluster that `rune demo up` started."), {}},
        {u"node"_s, u"list"_s, {}, 0, 0, tr("List the nodes of the fleet, demo nodes included."), {}},
        {u"fn"_s, u"list"_s, {}, 0, 0, tr("List the functions with their versions."), {}},
        {u"fn"_s,
            u"new"_s,
            u"<name>"_s,
            1,
            1,
            tr("Create a function from a template and write its files to a folder to edit and deploy."),
            {{u"template"_s, u"id"_s, tr("python3 (the default), node or exec.")},
                {u"project"_s, u"name"_s, tr("Its project (default: the first one, else demo).")},
                {u"dir"_s, u"path"_s, tr("Where to write its files (default: ./<name>); must be new or empty.")}}},
        {u"fn"_s,
            u"deploy"_s,
            u"<dir>"_s,
            1,
            1,
            tr("Deploy the files of <dir> (its .runeignore applies) as a new or changed function."),
            {{u"name"_s, u"name"_s, tr("The function's name (default: made from the folder's name).")},
                {u"project"_s, u"name"_s, tr("Its project (default: the first one, else demo).")},
                {u"nodes"_s,
                    u"id,id"_s,
                    tr("The nodes to deploy to (default: where it runs, else every running compute node).")},
                {u"note"_s, u"text"_s, tr("Words about this version, shown with it.")}}},
        {u"fn"_s,
            u"invoke"_s,
            u"<function>"_s,
            1,
            1,
            tr("Call a function (name, or project/name) and print its answer."),
            {{u"data"_s, u"text"_s, tr("The request body.")},
                {u"data-file"_s, u"path"_s, tr("Read the request body from a file.")},
                {u"node"_s, u"id"_s, tr("The node to call (default: one that serves it).")}}},
        {u"fn"_s,
            u"versions"_s,
            u"<function>"_s,
            1,
            1,
            tr("List a function's versions with their states and nodes."),
            {}},
        {u"fn"_s,
            u"logs"_s,
            u"<function>"_s,
            1,
            1,
            tr("Print a function's latest log lines from every node that ran it."),
            {{u"follow"_s, {}, tr("Keep printing new lines until interrupted."), u'f'},
                {u"lines"_s, u"n"_s, tr("How many earlier lines to print from each node (default 100).")}}},
        {u"fn"_s,
            u"rollback"_s,
            u"<function> <version>"_s,
            2,
            2,
            tr("Deploy an earlier version again, as a new version, where the current one runs."),
            {}},
        {u"fn"_s, u"block"_s, u"<function>"_s, 1, 1, tr("Block calls of a function (answered 423) on every node."), {}},
        {u"fn"_s, u"unblock"_s, u"<function>"_s, 1, 1, tr("Let calls of a blocked function through again."), {}},
        {u"fn"_s,
            u"retire"_s,
            u"<function> <version>"_s,
            2,
            2,
            tr("Remove a version that serves no calls from every node; kept here for history."),
            {}},
        {u"node"_s,
            u"add"_s,
            u"<host>"_s,
            1,
            1,
            tr("Add a machine to the fleet, as the window's Add host does, after logging in to it once."),
            {{u"user"_s, u"name"_s, tr("The login user (default: the SSH configuration's, else yours).")},
                {u"port"_s, u"n"_s, tr("The SSH port (default 22).")},
                {u"key"_s, u"file"_s, tr("A private key file to log in with (default: ssh-agent and the usual keys).")},
                {u"role"_s, u"role"_s, tr("compute (the default), edge or controller.")},
                {u"name"_s, u"name"_s, tr("Its name in the fleet (default: the host).")},
                {u"labels"_s, u"a,b"_s, tr("Labels, separated by commas or spaces.")},
                {u"provision"_s, {}, tr("Provision it right away; the output is then that of rune node provision.")},
                acceptHostKey()}},
        {u"node"_s,
            u"remove"_s,
            u"<node>"_s,
            1,
            1,
            tr("Forget a node (name or id) that is not running; nothing is done on the machine."),
            {}},
        nodeAction(u"provision"_s, tr("Install the agent on nodes (names or ids) and start it.")),
        nodeAction(u"suspend"_s, tr("Suspend nodes: their functions stop serving; the agent stays.")),
        nodeAction(u"resume"_s, tr("Resume suspended nodes.")),
        nodeAction(u"reboot"_s, tr("Reboot the machines of nodes.")),
        nodeAction(u"terminate"_s, tr("Stop and remove the agent from nodes; they can then be removed.")),
        {u"fn"_s,
            u"tune"_s,
            u"<function>"_s,
            1,
            1,
            tr("Measure a function at decreasing memory sizes on one node and recommend a size."),
            {{u"node"_s, u"id"_s, tr("The node to measure on (default: the first that serves it).")},
                {u"min-memory"_s, u"MiB"_s, tr("The smallest size to try, a multiple of 64 (default 128).")},
                {u"max-memory"_s, u"MiB"_s, tr("The largest size to try, a multiple of 64 (default 1024).")},
                {u"calls"_s, u"n"_s, tr("Calls per size, the first one cold (default 5).")},
                {u"data"_s, u"text"_s, tr("The request body of every call.")},
                {u"strategy"_s,
                    u"rule"_s,
                    tr("tolerance (smallest within 5 % of the fastest; the default), cost, speed or balanced.")}}},
        {u"bench"_s,
            u"run"_s,
            {},
            0,
            0,
            tr("Run the agents' benchmarks on nodes, as the Benchmarks pane does, and keep the figures."),
            {{u"nodes"_s, u"id,id"_s, tr("The nodes to measure, by id or name (default: every running node).")},
                {u"tests"_s, u"test,test"_s, tr("cpu, memory, fileio, db, rtt (default: all of them).")},
                {u"seconds"_s, u"n"_s, tr("How long each phase of a test runs, 1 to 60 (default 3).")},
                {u"normal-priority"_s, {}, tr("Measure at normal priority instead of low.")}}},
        {u"bench"_s,
            u"show"_s,
            {},
            0,
            0,
            tr("Print the stored benchmark figures: each node's latest run of each test."),
            {{u"node"_s, u"id"_s, tr("Only this node's figures (id or name).")},
                {u"history"_s, {}, tr("Every stored figure, oldest first, not only the latest.")}}},
        {u"cost"_s,
            {},
            {},
            0,
            0,
            tr("Price a month of a workload on every option of the price tables, as the Cost pane does."),
            {{u"requests"_s, u"count"_s, tr("Calls a month: 1000000000, 1e9, 1 B, 41 M or 950 k (default 1 B).")},
                {u"duration-ms"_s, u"ms"_s, tr("The average call's duration (default 200).")},
                {u"memory"_s, u"MiB"_s, tr("Memory per call (default 512).")},
                {u"peak"_s, u"ratio"_s, tr("The busiest second's rate over the month's average (default 1).")},
                {u"all"_s, {}, tr("Every price of each table, not only the first.")}}},
    };
}

} // namespace

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::cli", text);
}

const QList<CommandSpec> &commandTable()
{
    static const QList<CommandSpec> table = buildTable();
    return table;
}

const QList<OptionSpec> &commonOptions()
{
    static const QList<OptionSpec> options = {
        {u"output"_s, u"text|json"_s, tr("How to print the result: text (the default) or one JSON object.")},
        {u"data-dir"_s, u"dir"_s, tr("The console's data directory, as the window's --data-dir.")},
        {u"help"_s, {}, tr("Show this command's help.")},
    };
    return options;
}

QStringList commandGroups()
{
    QStringList groups;
    for (const CommandSpec &command : commandTable()) {
        if (!groups.contains(command.group))
            groups.append(command.group);
    }
    return groups;
}

const CommandSpec *findCommand(const QString &group, const QString &name)
{
    for (const CommandSpec &command : commandTable()) {
        if (command.group == group && command.name == name)
            return &command;
    }
    return nullptr;
}

bool takesValue(const QString &word)
{
    const auto named = [&word](const OptionSpec &option) {
        return word == u"--"_s + option.name && !option.valueName.isEmpty();
    };
    if (std::any_of(commonOptions().begin(), commonOptions().end(), named))
        return true;
    return std::any_of(commandTable().begin(), commandTable().end(), [&named](const CommandSpec &command) {
        return std::any_of(command.options.begin(), command.options.end(), named);
    });
}

QString commandWords(const CommandSpec &command)
{
    return command.name.isEmpty() ? command.group : command.group + u' ' + command.name;
}

QStringList completions(const QStringList &words)
{
    // Only the group and the command count; options and their values may come anywhere.
    QStringList plain;
    for (qsizetype index = 0; index < words.size(); ++index) {
        if (!words.at(index).startsWith(u"--"_s))
            plain.append(words.at(index));
        else if (takesValue(words.at(index)))
            ++index;
    }
    if (plain.isEmpty())
        return commandGroups();
    const CommandSpec *groupCommand = findCommand(plain.at(0), {});
    if (plain.size() == 1 && !groupCommand) {
        QStringList names;
        for (const CommandSpec &command : commandTable()) {
            if (command.group == plain.at(0))
                names.append(command.name);
        }
        return names;
    }
    QStringList options;
    if (const CommandSpec *command = groupCommand ? groupCommand : findCommand(plain.at(0), plain.at(1))) {
        for (const OptionSpec &option : command->options)
            options.append(u"--"_s + option.name);
    }
    for (const OptionSpec &option : commonOptions())
        options.append(u"--"_s + option.name);
    return options;
}

} // namespace rune::cli
