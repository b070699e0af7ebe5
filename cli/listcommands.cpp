// SPDX-License-Identifier: GPL-3.0-or-later
// rune node list, rune fn list: what the store (and a running demo cluster) holds.
#include "cluster/nodelist.h"
#include "commands.h"
#include "functions/functioncatalog.h"
#include "functions/functionworkspace.h"
#include "session.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace rune::cli
{

QJsonObject nodeJson(const Node &node)
{
    return QJsonObject {{u"id"_s, node.id},
        {u"name"_s, node.name},
        {u"role"_s, nodeRoleName(node.role)},
        {u"state"_s, nodeStateName(node.state)},
        {u"address"_s, node.address()},
        {u"demo"_s, node.agent.local},
        {u"labels"_s, QJsonArray::fromStringList(node.labels)}};
}

namespace
{

QJsonObject functionJson(const Function &function, const QList<FunctionVersion> &versions)
{
    QJsonArray versionArray;
    for (const FunctionVersion &version : versions) {
        versionArray.append(QJsonObject {{u"number"_s, version.number},
            {u"state"_s, functionStateName(version.state)},
            {u"created"_s, version.created.toString(Qt::ISODate)}});
    }
    return QJsonObject {{u"id"_s, function.id},
        {u"project"_s, function.project},
        {u"name"_s, function.name},
        {u"runtime"_s, functionRuntimeName(function.runtime())},
        {u"current_version"_s, function.currentVersion},
        {u"versions"_s, versionArray}};
}

} // namespace

QString textTable(const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QStringList &row : rows) {
        for (qsizetype column = 0; column < row.size(); ++column) {
            if (widths.size() <= column)
                widths.append(0);
            widths[column] = std::max(widths[column], row.at(column).size());
        }
    }
    QString text;
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype column = 0; column < row.size(); ++column)
            line += row.at(column).leftJustified(widths.at(column) + 2);
        text += line.trimmed() + u'\n';
    }
    return text;
}

void runNodeList(Session &session)
{
    Console *console = session.console();
    if (!console)
        return;
    QJsonArray nodes;
    QList<QStringList> rows {{u"NAME"_s, u"ROLE"_s, u"STATE"_s, u"ADDRESS"_s, u"ID"_s}};
    for (const Node &node : console->services().fleet.nodes->nodes()) {
        nodes.append(nodeJson(node));
        rows.append({node.name, nodeRoleName(node.role), nodeStateName(node.state), node.address(), node.id});
    }
    session.succeed(QJsonObject {{u"nodes"_s, nodes}},
        nodes.isEmpty() ? QObject::tr("No nodes. Add one in the window, or start the demo: rune demo up")
                        : textTable(rows));
}

void runFunctionList(Session &session)
{
    Console *console = session.console();
    if (!console)
        return;
    const FunctionServices &functions = console->services().functions;
    functions.workspace->load(&session, [&session, catalog = functions.catalog](Result<void> loaded) {
        if (!loaded)
            return session.fail(Outcome::Failed, loaded.error().message);
        QJsonArray array;
        QList<QStringList> rows {{u"PROJECT"_s, u"NAME"_s, u"RUNTIME"_s, u"VERSION"_s, u"STATE"_s}};
        for (const Function &function : catalog->functions()) {
            const QList<FunctionVersion> versions = catalog->versions(function.id);
            array.append(functionJson(function, versions));
            const auto current = catalog->currentVersion(function.id);
            rows.append({function.project,
                function.name,
                functionRuntimeName(function.runtime()),
                function.currentVersion > 0 ? u"v%1"_s.arg(function.currentVersion) : u"-"_s,
                current ? functionStateName(current->state) : QObject::tr("not deployed")});
        }
        session.succeed(
            QJsonObject {{u"functions"_s, array}}, array.isEmpty() ? QObject::tr("No functions.") : textTable(rows));
    });
}

} // namespace rune::cli
