// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <functional>

namespace rune
{
class FunctionCatalog;
struct Function;
struct FunctionServices;
class NodeList;
struct Node;
} // namespace rune

namespace rune::cli
{

class Session;

/**
 * The function named `project/name`, or `name` when only one project has it, in the loaded
 * catalog; null after reporting (not found, or in more than one project).
 */
const Function *findFunction(Session &session, const FunctionCatalog &catalog, const QString &text);
/** Runs @p then with the function the command's first argument names; reports when there is none. */
void withFunction(Session &session, std::function<void(const FunctionServices &, const Function &)> then);
/** The node of id or name @p text; null when there is none. */
const Node *findNode(const NodeList &nodes, const QString &text);
/** A node as every command prints it in JSON (README, "Command line"). */
QJsonObject nodeJson(const Node &node);
/** Columns padded to their widest cell, the first row being the heading. */
QString textTable(const QList<QStringList> &rows);

// Each command starts its work and ends the session (Session::finish) when it is done; the
// event loop runs in between.
void runDemoUp(Session &session);
void runDemoDown(Session &session);
void runNodeList(Session &session);
void runFunctionList(Session &session);
void runFunctionNew(Session &session);
void runFunctionDeploy(Session &session);
void runFunctionInvoke(Session &session);
void runFunctionVersions(Session &session);
void runFunctionLogs(Session &session);
void runFunctionRollback(Session &session);
/** block or unblock, as the command's name says. */
void runFunctionBlock(Session &session);
void runFunctionRetire(Session &session);
void runBenchRun(Session &session);
void runBenchShow(Session &session);
void runCost(Session &session);
void runFunctionTune(Session &session);
void runNodeAdd(Session &session);
void runNodeRemove(Session &session);
/** suspend, resume, reboot, terminate or provision, as the command's name says. */
void runNodeAction(Session &session);

} // namespace rune::cli
