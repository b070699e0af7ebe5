// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchmarks/benchmarkrun.h"

#include "agent/agentjson.h"
#include "benchprotocol.h"
#include "util/csv.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonDocument>
#include <QLocale>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

namespace b = protocol::benchrun;
namespace r = protocol::benchresult;
using agentjson::FieldReader;

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::BenchmarkRun", text);
}

std::optional<BenchmarkRun::State> stateFromName(const QString &name)
{
    if (name == QLatin1StringView(b::stateRunning))
        return BenchmarkRun::State::Running;
    if (name == QLatin1StringView(b::stateDone))
        return BenchmarkRun::State::Done;
    if (name == QLatin1StringView(b::stateCancelled))
        return BenchmarkRun::State::Cancelled;
    if (name == QLatin1StringView(b::stateFailed))
        return BenchmarkRun::State::Failed;
    return std::nullopt;
}

/** A figure of "results"; one that is neither a number nor a peer's error is a protocol problem. */
std::optional<BenchmarkFigure> figureFrom(const QJsonValue &entry, FieldReader &run)
{
    if (!entry.isObject()) {
        run.note(tr("the list \"results\" holds %1, not objects.").arg(agentjson::kindName(entry)));
        return std::nullopt;
    }
    FieldReader reader(entry.toObject(), tr("a result"), run);
    BenchmarkFigure figure;
    figure.metric = reader.text(r::metric);
    figure.unit = reader.text(r::unit);
    figure.peer = reader.text(r::peer);
    figure.error = reader.text(r::error);
    const bool hasValue = entry.toObject().value(agentjson::field(r::value)).isDouble();
    figure.value = reader.number(r::value);
    if (figure.metric.isEmpty() || (!hasValue && figure.error.isEmpty())) {
        run.note(tr("a result without a metric or a value."));
        return std::nullopt;
    }
    return figure;
}

Result<BenchmarkRun> runFrom(const QJsonObject &object, FieldReader *parent)
{
    FieldReader reader = parent ? FieldReader(object, tr("a run"), *parent) : FieldReader(object, tr("the run"));
    BenchmarkRun run;
    run.id = reader.text(b::id);
    run.test = reader.text(b::test);
    const QString state = reader.text(b::state);
    const auto known = stateFromName(state);
    if (run.id.isEmpty() || run.test.isEmpty() || !known)
        return std::unexpected(
            agentjson::notProtocol(tr("a run without an id, a test or a known state (\"%1\").").arg(state.left(40))));
    run.state = *known;
    run.node = reader.text(b::node);
    run.agentVersion = reader.text(b::agentVersion);
    run.startedMs = reader.count(b::startedMs);
    run.durationMs = reader.count(b::durationMs);
    run.progress = std::clamp(reader.number(b::progress), 0.0, 1.0);
    run.parameters = QJsonDocument(reader.object(b::parameters)).toJson(QJsonDocument::Compact);
    run.error = reader.text(b::error);
    for (const QJsonValue &entry : reader.list(b::results)) {
        if (auto figure = figureFrom(entry, reader))
            run.figures.append(std::move(*figure));
        else
            break;
    }
    if (const auto error = reader.error())
        return std::unexpected(*error);
    return run;
}

} // namespace

bool BenchmarkRun::finished() const
{
    return state != State::Running;
}

QString benchmarkStateName(BenchmarkRun::State state)
{
    switch (state) {
    case BenchmarkRun::State::Running:
        return QString::fromLatin1(b::stateRunning);
    case BenchmarkRun::State::Done:
        return QString::fromLatin1(b::stateDone);
    case BenchmarkRun::State::Cancelled:
        return QString::fromLatin1(b::stateCancelled);
    case BenchmarkRun::State::Failed:
        return QString::fromLatin1(b::stateFailed);
    }
    return {};
}

Result<BenchmarkRun> parseBenchmarkRun(const QByteArray &body)
{
    const auto object = agentjson::parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    const QJsonValue run = object->value(agentjson::field(b::object));
    if (!run.isObject())
        return std::unexpected(agentjson::notProtocol(tr("an answer without its \"run\".")));
    return runFrom(run.toObject(), nullptr);
}

Result<QList<BenchmarkRun>> parseBenchmarkRuns(const QByteArray &body)
{
    const auto object = agentjson::parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    FieldReader reader(*object, tr("the runs"));
    QList<BenchmarkRun> runs;
    for (const QJsonValue &entry : reader.list(b::list)) {
        if (!entry.isObject())
            return std::unexpected(
                agentjson::notProtocol(tr("the list \"runs\" holds %1, not objects.").arg(agentjson::kindName(entry))));
        auto run = runFrom(entry.toObject(), &reader);
        if (!run)
            return std::unexpected(run.error());
        runs.append(std::move(*run));
    }
    if (const auto error = reader.error())
        return std::unexpected(*error);
    return runs;
}

QList<BenchmarkRecord> benchmarkRecords(
    const QString &nodeId, const QString &nodeName, const BenchmarkRun &run, const QHash<QString, QString> &peerNodes)
{
    QList<BenchmarkRecord> records;
    for (const BenchmarkFigure &figure : run.figures) {
        if (!figure.error.isEmpty())
            continue;
        BenchmarkRecord record;
        record.nodeId = nodeId;
        record.nodeName = nodeName;
        record.test = run.test;
        record.metric = figure.metric;
        record.value = figure.value;
        record.unit = figure.unit;
        record.peer = figure.peer;
        record.peerNodeId = peerNodes.value(figure.peer);
        record.started = QDateTime::fromMSecsSinceEpoch(run.startedMs, QTimeZone::utc());
        record.durationMs = run.durationMs;
        record.parameters = run.parameters;
        record.agentVersion = run.agentVersion;
        record.runId = run.id;
        records.append(std::move(record));
    }
    return records;
}

QByteArray benchmarkCsv(const QList<BenchmarkRecord> &records)
{
    QString csv = csvLine({u"node"_s,
        u"node_id"_s,
        u"test"_s,
        u"metric"_s,
        u"value"_s,
        u"unit"_s,
        u"peer"_s,
        u"peer_node_id"_s,
        u"started"_s,
        u"duration_ms"_s,
        u"parameters"_s,
        u"agent_version"_s,
        u"run_id"_s});
    const QLocale c = QLocale::c();
    for (const BenchmarkRecord &record : records) {
        csv += csvLine({record.nodeName,
            record.nodeId,
            record.test,
            record.metric,
            c.toString(record.value, 'g', 12),
            record.unit,
            record.peer,
            record.peerNodeId,
            record.started.toUTC().toString(Qt::ISODateWithMs),
            QString::number(record.durationMs),
            QString::fromUtf8(record.parameters),
            record.agentVersion,
            record.runId});
    }
    return csv.toUtf8();
}

} // namespace rune
