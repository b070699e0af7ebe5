// SPDX-License-Identifier: GPL-3.0-or-later
// rune fn logs [-f]: a function's output on every node that ran it, as the window's log panel.
#include "agent/functionagents.h"
#include "commands.h"
#include "functions/functioncatalog.h"
#include "functions/functionlog.h"
#include "functions/functionworkspace.h"
#include "session.h"

#include <QJsonDocument>
#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace rune::cli
{

namespace
{

QJsonObject logLineJson(const FunctionLogLine &line)
{
    return QJsonObject {{u"node"_s, line.nodeId},
        {u"time"_s, line.time.toString(Qt::ISODateWithMs)},
        {u"function"_s, line.function},
        {u"version"_s, line.version},
        {u"replica"_s, line.replica},
        {u"request_id"_s, line.requestId},
        {u"stream"_s, line.stream},
        {u"text"_s, line.text}};
}

/** Prints @p lines at once: a line of text each, or a JSON object each (NDJSON) while following. */
void printLines(const QList<FunctionLogLine> &lines, const FunctionAgents &agents, OutputMode mode)
{
    QByteArray out;
    for (const FunctionLogLine &line : lines) {
        if (mode == OutputMode::Json)
            out += QJsonDocument(logLineJson(line)).toJson(QJsonDocument::Compact) + '\n';
        else
            out += u"%1 %2 %3 %4\n"_s
                       .arg(line.time.toString(Qt::ISODateWithMs), agents.nodeName(line.nodeId), line.stream, line.text)
                       .toUtf8();
    }
    std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
    std::fflush(stdout);
}

/** The lines of every node read once, merged by time; a node that fails is named on stderr. */
class LogCollector final : public QObject
{
public:
    LogCollector(Session &session, const FunctionAgents &agents, QStringList nodes)
        : QObject(&session)
        , m_session(session)
        , m_agents(agents)
        , m_waiting(std::move(nodes))
    {
    }

    void add(const QString &nodeId, Result<QList<FunctionLogLine>> lines)
    {
        m_waiting.removeOne(nodeId);
        if (lines)
            m_lines += *lines;
        else
            m_problems.append(u"%1: %2"_s.arg(m_agents.nodeName(nodeId), lines.error().message));
        if (!m_waiting.isEmpty())
            return;
        std::stable_sort(m_lines.begin(), m_lines.end(), [](const auto &a, const auto &b) {
            return a.time < b.time;
        });
        for (const QString &problem : std::as_const(m_problems))
            m_session.output().progress(problem);
        if (m_lines.isEmpty() && !m_problems.isEmpty())
            return m_session.fail(Outcome::Failed, tr("No node answered with the log."));
        QJsonArray array;
        for (const FunctionLogLine &line : std::as_const(m_lines))
            array.append(logLineJson(line));
        if (m_session.output().mode() == OutputMode::Json)
            m_session.output().result(QJsonObject {{u"lines"_s, array}}, {});
        else
            printLines(m_lines, m_agents, OutputMode::Text);
        m_session.finish(exitCode(Outcome::Ok));
    }

private:
    Session &m_session;
    const FunctionAgents &m_agents;
    QStringList m_waiting;
    QList<FunctionLogLine> m_lines;
    QStringList m_problems;
};

void follow(Session &session, const FunctionAgents &agents, const QString &name, const QStringList &nodes, int lines)
{
    for (const QString &nodeId : nodes) {
        agents.resolve(nodeId, &session, [&session, &agents, name, nodeId, lines](Result<AgentAddress> address) {
            if (!address)
                return session.output().progress(u"%1: %2"_s.arg(agents.nodeName(nodeId), address.error().message));
            auto *follower = new FunctionLogFollower(agents.network(), *address, name, lines, &session);
            QObject::connect(follower,
                &FunctionLogFollower::linesArrived,
                &session,
                [&session, &agents](const QList<FunctionLogLine> &arrived) {
                    printLines(arrived, agents, session.output().mode());
                });
            QObject::connect(follower,
                &FunctionLogFollower::connectionChanged,
                &session,
                [&session, &agents, nodeId](bool connected, const QString &problem) {
                    if (!connected)
                        session.output().progress(u"%1: %2"_s.arg(agents.nodeName(nodeId), problem));
                });
            follower->start();
        });
    }
    session.onStopSignal([&session] {
        session.finish(exitCode(Outcome::Ok));
    });
}

} // namespace

void runFunctionLogs(Session &session)
{
    bool ok = false;
    const QString linesText = session.invocation().options.value(u"lines"_s, u"100"_s);
    const int lines = linesText.toInt(&ok);
    if (!ok || lines < 1)
        return session.fail(Outcome::Usage, tr("--lines takes a whole number from 1, not '%1'").arg(linesText));
    Console *console = session.console();
    if (!console)
        return;
    const FunctionServices &functions = console->services().functions;
    functions.workspace->load(&session, [&session, &functions, lines](Result<void> loaded) {
        if (!loaded)
            return session.fail(Outcome::Failed, loaded.error().message);
        const Function *function = findFunction(session, *functions.catalog, session.invocation().arguments.value(0));
        if (!function)
            return;
        const QStringList nodes = functions.catalog->everyNodeOf(function->id);
        if (nodes.isEmpty())
            return session.fail(Outcome::Refused, tr("%1 has not been deployed, so it has no log").arg(function->name));
        if (session.invocation().isSet(u"follow"_s))
            return follow(session, *functions.agents, function->name, nodes, lines);
        auto *collector = new LogCollector(session, *functions.agents, nodes);
        for (const QString &nodeId : nodes) {
            functions.agents->resolve(nodeId,
                collector,
                [collector, &functions, name = function->name, nodeId, lines](Result<AgentAddress> address) {
                    if (!address)
                        return collector->add(nodeId, std::unexpected(address.error()));
                    fetchFunctionLog(functions.agents->network(),
                        *address,
                        name,
                        lines,
                        collector,
                        [collector, nodeId](Result<QList<FunctionLogLine>> read) {
                            collector->add(nodeId, std::move(read));
                        });
                });
        }
    });
}

} // namespace rune::cli
