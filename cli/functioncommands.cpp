// SPDX-License-Identifier: GPL-3.0-or-later
// rune fn deploy|invoke|versions: the window's deploy, Invoke tab and Versions tab, on the same
// services.
#include "cluster/nodelist.h"
#include "commands.h"
#include "functions/deployjob.h"
#include "functions/functioncatalog.h"
#include "functions/functionconfig.h"
#include "functions/functioninvoker.h"
#include "functions/functionreleases.h"
#include "functions/functionworkspace.h"
#include "packaging/functionpackage.h"
#include "session.h"
#include "util/background.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace rune::cli
{

namespace
{

/** Runs @p then with the catalog loaded from the store and the buckets. */
void withCatalog(Session &session, std::function<void(const FunctionServices &)> then)
{
    Console *console = session.console();
    if (!console)
        return;
    const FunctionServices &functions = console->services().functions;
    functions.workspace->load(&session, [&session, &functions, then = std::move(then)](Result<void> loaded) {
        if (!loaded)
            return session.fail(Outcome::Failed, loaded.error().message);
        then(functions);
    });
}

QJsonObject deployJson(const DeployJob &job)
{
    QJsonArray nodes;
    for (const NodeDeployResult &result : job.results()) {
        nodes.append(QJsonObject {{u"id"_s, result.nodeId},
            {u"name"_s, result.nodeName},
            {u"ok"_s, result.ok},
            {u"agent_version"_s, result.agentVersion},
            {u"message"_s, result.message}});
    }
    return QJsonObject {{u"deploy"_s,
        QJsonObject {{u"function"_s, job.functionName()},
            {u"version"_s, job.version()},
            {u"created"_s, job.createsVersion()},
            {u"succeeded"_s, job.succeeded()},
            {u"summary"_s, job.summary()},
            {u"nodes"_s, nodes}}}};
}

/** Reports @p job's progress on stderr and its outcome, then ends the session. */
void watchDeploy(Session &session, DeployJob *job)
{
    QObject::connect(job, &DeployJob::packaged, &session, [&session](int version, bool created, qint64 bytes) {
        session.output().progress(created ? tr("Packaged v%1 (%2 bytes); uploading…").arg(version).arg(bytes)
                                          : tr("v%1 is unchanged; uploading where it is missing…").arg(version));
    });
    QObject::connect(job, &DeployJob::nodeFinished, &session, [&session](const NodeDeployResult &result) {
        session.output().progress(u"%1: %2"_s.arg(result.nodeName, result.message));
    });
    QObject::connect(job, &DeployJob::finished, &session, [&session, job](bool succeeded, const QString &summary) {
        if (!succeeded && session.output().mode() == OutputMode::Text)
            return session.fail(Outcome::Failed, summary);
        session.output().endProgress();
        session.output().result(deployJson(*job), summary);
        session.finish(exitCode(succeeded ? Outcome::Ok : Outcome::Failed));
    });
}

void deployTo(Session &session, const FunctionServices &functions, const QString &functionId)
{
    QStringList nodes = session.invocation().options.value(u"nodes"_s).split(u',', Qt::SkipEmptyParts);
    if (nodes.isEmpty())
        nodes = functions.releases->defaultTargets(functionId);
    for (const QString &node : std::as_const(nodes)) {
        if (!functions.nodes->find(node))
            return session.fail(Outcome::NotFound, tr("No node %1; see rune node list").arg(node));
    }
    if (nodes.isEmpty())
        return session.fail(Outcome::Refused, tr("No running compute node to deploy to; name nodes with --nodes"));
    watchDeploy(session, functions.releases->deploy(functionId, nodes, session.invocation().options.value(u"note"_s)));
}

/** Creates the function from @p files, or replaces the files of the one of that name, then deploys. */
void placeFiles(
    Session &session, const FunctionServices &functions, const FunctionPackage &package, const QList<CodeFile> &files)
{
    const Invocation &invocation = session.invocation();
    const QString name = invocation.options.value(u"name"_s, package.suggestedName);
    const QString project = invocation.options.value(u"project"_s, functions.catalog->projects().value(0, u"demo"_s));
    if (const Function *existing = functions.catalog->find(project, name)) {
        const QString id = existing->id;
        functions.workspace->replaceFiles(id, files, &session, [&session, &functions, id](Result<void> replaced) {
            if (!replaced)
                return session.fail(Outcome::Failed, replaced.error().message);
            deployTo(session, functions, id);
        });
        return;
    }
    FunctionConfig config;
    config.runtime = package.suggestedRuntime;
    config.handler = package.suggestedHandler;
    config.auth = FunctionAuth::Public;
    functions.workspace->createFunction(
        project, name, config, files, &session, [&session, &functions](Result<Function> made) {
            if (!made)
                return session.fail(Outcome::Failed, made.error().message);
            deployTo(session, functions, made->id);
        });
}

QJsonObject invokeJson(const InvokeResult &result)
{
    QJsonObject object {{u"node"_s, result.nodeId},
        {u"status"_s, result.status},
        {u"latency_ms"_s, result.latencyMs},
        {u"version"_s, result.agentVersion},
        {u"cold_start"_s, result.coldStart}};
    if (QUtf8StringView(result.body).isValidUtf8())
        object.insert(u"body"_s, QString::fromUtf8(result.body));
    else
        object.insert(u"body_base64"_s, QString::fromLatin1(result.body.toBase64()));
    return QJsonObject {{u"invoke"_s, object}};
}

/** The exit a release's refusal earns: a lifecycle rule is a refusal, a missing thing not found. */
Outcome outcomeOf(const Error &error)
{
    if (error.code == u"function.not_found"_s)
        return Outcome::NotFound;
    static const QStringList refusals {u"function.transition_refused"_s,
        u"function.not_deployed"_s,
        u"function.busy"_s,
        u"function.nothing_to_roll_back"_s};
    return refusals.contains(error.code) ? Outcome::Refused : Outcome::Failed;
}

/** The version argument ("3" or "v3") of @p function; reports and returns 0 when there is none. */
int versionArgument(Session &session, const FunctionCatalog &catalog, const Function &function)
{
    QString text = session.invocation().arguments.value(1);
    if (text.startsWith(u'v'))
        text.remove(0, 1);
    bool ok = false;
    const int number = text.toInt(&ok);
    if (!ok || number < 1) {
        session.fail(Outcome::Usage,
            tr("the version must be a number from 1 (or v1), not '%1'").arg(session.invocation().arguments.value(1)));
        return 0;
    }
    if (!catalog.version(function.id, number)) {
        session.fail(
            Outcome::NotFound, tr("%1 has no version v%2; see rune fn versions").arg(function.name).arg(number));
        return 0;
    }
    return number;
}

} // namespace

void withFunction(Session &session, std::function<void(const FunctionServices &, const Function &)> then)
{
    withCatalog(session, [&session, then = std::move(then)](const FunctionServices &functions) {
        if (const Function *function =
                findFunction(session, *functions.catalog, session.invocation().arguments.value(0)))
            then(functions, *function);
    });
}

const Function *findFunction(Session &session, const FunctionCatalog &catalog, const QString &text)
{
    if (text.contains(u'/')) {
        if (const Function *function = catalog.find(text.section(u'/', 0, 0), text.section(u'/', 1)))
            return function;
    } else {
        QList<const Function *> named;
        for (const Function &function : catalog.functions()) {
            if (function.name == text)
                named.append(&function);
        }
        if (named.size() == 1)
            return named.first();
        if (named.size() > 1) {
            session.fail(Outcome::Usage, tr("%1 is in more than one project; name it as project/%1").arg(text));
            return nullptr;
        }
    }
    session.fail(Outcome::NotFound, tr("No function %1; see rune fn list").arg(text));
    return nullptr;
}

/** Writes @p files under @p dir, which must be new or empty; the error when it cannot. */
std::optional<QString> writeFunctionFiles(const QString &dir, const QList<CodeFile> &files)
{
    QDir target(dir);
    if (target.exists() && !target.isEmpty())
        return tr("%1 is not empty; name another folder with --dir").arg(dir);
    for (const CodeFile &code : files) {
        const QString path = target.filePath(code.path);
        QFile file(path);
        if (!QDir().mkpath(QFileInfo(path).absolutePath()) || !file.open(QIODevice::WriteOnly)
            || file.write(code.data) != code.data.size())
            return tr("Cannot write %1: %2").arg(path, file.errorString());
        if (code.executable)
            file.setPermissions(
                file.permissions() | QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther);
    }
    return std::nullopt;
}

void runFunctionNew(Session &session)
{
    const Invocation &invocation = session.invocation();
    const QString name = invocation.arguments.value(0);
    // Before the name becomes a folder: an empty or odd one must not pick the current folder or another.
    if (const QString problem = functionNameProblem(name); !problem.isEmpty())
        return session.fail(Outcome::Usage, problem);
    const QString dir = QFileInfo(invocation.options.value(u"dir"_s, name)).absoluteFilePath();
    withCatalog(session, [&session, name, dir](const FunctionServices &functions) {
        const QString id = session.invocation().options.value(u"template"_s, u"python3"_s);
        const auto chosen = std::find_if(functions.templates.begin(), functions.templates.end(), [&id](const auto &t) {
            return t.id == id;
        });
        if (chosen == functions.templates.end()) {
            QStringList ids;
            for (const FunctionTemplate &known : functions.templates)
                ids.append(known.id);
            return session.fail(Outcome::NotFound, tr("No template %1 (templates: %2)").arg(id, ids.join(u", "_s)));
        }
        if (const auto problem = writeFunctionFiles(dir, {}))
            return session.fail(Outcome::Refused, *problem);
        const QString project =
            session.invocation().options.value(u"project"_s, functions.catalog->projects().value(0, u"demo"_s));
        functions.workspace->createFunction(
            project, name, *chosen, &session, [&session, dir, files = chosen->files](Result<Function> made) {
                if (!made)
                    return session.fail(made.error().code == u"function.exists"_s ? Outcome::Refused : Outcome::Usage,
                        made.error().message);
                if (const auto problem = writeFunctionFiles(dir, files))
                    return session.fail(Outcome::Failed, *problem);
                session.succeed(QJsonObject {{u"created"_s,
                                    QJsonObject {{u"id"_s, made->id},
                                        {u"project"_s, made->project},
                                        {u"name"_s, made->name},
                                        {u"runtime"_s, functionRuntimeName(made->runtime())},
                                        {u"dir"_s, dir}}}},
                    tr("Created %1/%2 in %3; deploy it with: rune fn deploy %3").arg(made->project, made->name, dir));
            });
    });
}

void runFunctionDeploy(Session &session)
{
    const QString dir = session.invocation().arguments.value(0);
    const QFileInfo info(dir);
    if (!info.exists())
        return session.fail(Outcome::NotFound, tr("%1 does not exist").arg(dir));
    if (!info.isDir())
        return session.fail(Outcome::Usage, tr("%1 is not a directory").arg(dir));
    session.output().progress(tr("Reading %1 (its .runeignore applies)…").arg(dir));
    withCatalog(session, [&session, path = info.absoluteFilePath()](const FunctionServices &functions) {
        using Read = Result<std::pair<FunctionPackage, QList<CodeFile>>>;
        runInBackground(
            &session,
            [path]() -> Read {
                auto package = FunctionPackage::scan({path});
                if (!package)
                    return std::unexpected(package.error());
                auto files = package->readFiles();
                if (!files)
                    return std::unexpected(files.error());
                return std::pair {*package, *files};
            },
            [&session, &functions](const Read &read) {
                if (!read)
                    return session.fail(Outcome::Failed, read.error().message);
                session.output().progress(tr("%1 files to deploy").arg(read->second.size()));
                // What is left out and why (a .runeignore pattern, a link, a pipe, a name the agent refuses).
                constexpr int shown = 10;
                int leftOut = 0;
                for (const PackageEntry &entry : read->first.entries) {
                    if (!entry.isIncluded() && ++leftOut <= shown)
                        session.output().progress(tr("left out: %1 (%2)").arg(entry.path, entry.excludedBy));
                }
                if (leftOut > shown)
                    session.output().progress(tr("left out: %1 more").arg(leftOut - shown));
                placeFiles(session, functions, read->first, read->second);
            });
    });
}

/** The call's body: --data, or --data-file up to the function's max_payload_bytes. */
std::optional<QByteArray> requestBody(Session &session, const Function &function)
{
    const Invocation &invocation = session.invocation();
    if (!invocation.isSet(u"data-file"_s))
        return invocation.options.value(u"data"_s).toUtf8();
    QFile file(invocation.options.value(u"data-file"_s));
    if (!file.open(QIODevice::ReadOnly)) {
        session.fail(Outcome::NotFound, tr("Cannot read %1: %2").arg(file.fileName(), file.errorString()));
        return std::nullopt;
    }
    const qint64 limit = function.config.maxPayloadBytes;
    QByteArray body = file.read(limit + 1);
    if (body.size() > limit) {
        session.fail(Outcome::Refused,
            tr("%1 is larger than %2's max_payload_bytes (%3)").arg(file.fileName(), function.name).arg(limit));
        return std::nullopt;
    }
    return body;
}

void runFunctionInvoke(Session &session)
{
    if (session.invocation().isSet(u"data"_s) && session.invocation().isSet(u"data-file"_s))
        return session.fail(Outcome::Usage, tr("give --data or --data-file, not both"));
    withFunction(session, [&session](const FunctionServices &functions, const Function &function) {
        const QStringList serving = functions.invoker->nodesFor(function.id);
        const QString node = session.invocation().options.value(u"node"_s, serving.value(0));
        if (node.isEmpty())
            return session.fail(Outcome::Refused, tr("%1 is not deployed on any node").arg(function.name));
        const auto body = requestBody(session, function);
        if (!body)
            return;
        InvokeRequest request;
        request.body = *body;
        functions.invoker->invoke(function.id, node, 0, request, &session, [&session](Result<InvokeResult> answered) {
            if (!answered)
                return session.fail(Outcome::Failed, answered.error().message);
            const bool ok = answered->status >= 200 && answered->status < 300;
            session.output().result(invokeJson(*answered), QString::fromUtf8(answered->body));
            if (!ok && session.output().mode() == OutputMode::Text)
                session.output().error(Outcome::Failed, tr("the function answered %1").arg(answered->status));
            session.finish(exitCode(ok ? Outcome::Ok : Outcome::Failed));
        });
    });
}

void runFunctionVersions(Session &session)
{
    withFunction(session, [&session](const FunctionServices &functions, const Function &function) {
        QJsonArray versions;
        QList<QStringList> rows {{u"VERSION"_s, u"STATE"_s, u"CREATED"_s, u"NODES"_s, u"NOTE"_s}};
        for (const FunctionVersion &version : functions.catalog->versions(function.id)) {
            const QStringList nodes = functions.catalog->nodesOf(function.id, version.number);
            versions.append(QJsonObject {{u"number"_s, version.number},
                {u"state"_s, functionStateName(version.state)},
                {u"created"_s, version.created.toString(Qt::ISODate)},
                {u"note"_s, version.note},
                {u"nodes"_s, QJsonArray::fromStringList(nodes)}});
            rows.append({u"v%1"_s.arg(version.number),
                functionStateName(version.state),
                version.created.toString(Qt::ISODate),
                nodes.join(u","_s),
                version.note});
        }
        session.succeed(QJsonObject {{u"function"_s, function.name}, {u"versions"_s, versions}},
            versions.isEmpty() ? tr("%1 has no version yet.").arg(function.name) : textTable(rows));
    });
}

void runFunctionRollback(Session &session)
{
    withFunction(session, [&session](const FunctionServices &functions, const Function &function) {
        const int number = versionArgument(session, *functions.catalog, function);
        if (number > 0)
            watchDeploy(session, functions.releases->rollback(function.id, number));
    });
}

void runFunctionBlock(Session &session)
{
    const bool blocked = session.invocation().command->name == u"block"_s;
    withFunction(session, [&session, blocked](const FunctionServices &functions, const Function &function) {
        const QString name = function.name;
        functions.releases->setBlocked(
            function.id, blocked, &session, [&session, name, blocked](Result<QString> summary) {
                if (!summary)
                    return session.fail(outcomeOf(summary.error()), summary.error().message);
                session.succeed(
                    QJsonObject {{blocked ? u"blocked"_s : u"unblocked"_s, name}, {u"summary"_s, *summary}}, *summary);
            });
    });
}

void runFunctionRetire(Session &session)
{
    withFunction(session, [&session](const FunctionServices &functions, const Function &function) {
        const int number = versionArgument(session, *functions.catalog, function);
        if (number == 0)
            return;
        const QString name = function.name;
        functions.releases->retire(function.id, number, &session, [&session, name, number](Result<void> retired) {
            if (!retired)
                return session.fail(outcomeOf(retired.error()), retired.error().message);
            session.succeed(QJsonObject {{u"retired"_s, QJsonObject {{u"function"_s, name}, {u"version"_s, number}}}},
                tr("%1 v%2 is retired.").arg(name).arg(number));
        });
    });
}

} // namespace rune::cli
