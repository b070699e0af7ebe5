// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

// A benchmark run as the agent reports it (remote-agent/protocol/benchprotocol.h) and the
// figures the console keeps of it.
namespace rune
{

/** One figure of a run: "read_mib_s" = 9321 "MiB/s"; rtt figures name the peer measured. */
struct BenchmarkFigure {
    QString metric;
    double value = 0;
    QString unit;
    QString peer; ///< rtt: the "host:port" measured; empty otherwise
    QString error; ///< rtt: why the peer could not be measured (then there is no value)

    bool operator==(const BenchmarkFigure &) const = default;
};

/** A run of one test on one node (`{"run": {...}}`). */
struct BenchmarkRun {
    enum class State { Running, Done, Cancelled, Failed };

    QString id;
    QString test;
    State state = State::Running;
    QString node; ///< the node's host name as its agent says
    QString agentVersion;
    qint64 startedMs = 0;
    qint64 durationMs = 0;
    double progress = 0; ///< 0..1
    QByteArray parameters; ///< compact JSON, every parameter with defaults filled in
    QList<BenchmarkFigure> figures; ///< empty until done
    QString error; ///< state Failed: why

    bool finished() const;
    bool operator==(const BenchmarkRun &) const = default;
};

QString benchmarkStateName(BenchmarkRun::State state);

/** Parses `{"run": {...}}`; fails with "agent.bad_response". */
Result<BenchmarkRun> parseBenchmarkRun(const QByteArray &body);
/** Parses `{"runs": [...]}`, newest first. */
Result<QList<BenchmarkRun>> parseBenchmarkRuns(const QByteArray &body);

/** One stored figure: a row of the store's benchmark results. */
struct BenchmarkRecord {
    QString nodeId;
    QString nodeName; ///< the console's name of the node when it was measured
    QString test;
    QString metric;
    double value = 0;
    QString unit;
    QString peer; ///< rtt: the "host:port" measured
    QString peerNodeId; ///< rtt: the node behind peer, when the console knows it
    QDateTime started; ///< UTC
    qint64 durationMs = 0;
    QByteArray parameters; ///< compact JSON
    QString agentVersion;
    QString runId;

    bool operator==(const BenchmarkRecord &) const = default;
};

/**
 * The records of finished run @p run on node @p nodeId (@p nodeName); rtt figures with an error
 * have no value and are left out. @p peerNodes maps the peers' "host:port" to node ids.
 */
QList<BenchmarkRecord> benchmarkRecords(const QString &nodeId,
    const QString &nodeName,
    const BenchmarkRun &run,
    const QHash<QString, QString> &peerNodes = {});

/**
 * @p records as CSV (RFC 4180: a header line, CRLF line ends, fields with a comma, quote or
 * line break quoted, quotes doubled). Text that a spreadsheet would run as a formula (starting
 * with = + - @) is prefixed with an apostrophe: node names come from the nodes.
 */
QByteArray benchmarkCsv(const QList<BenchmarkRecord> &records);

} // namespace rune

Q_DECLARE_METATYPE(rune::BenchmarkRun)
Q_DECLARE_METATYPE(rune::BenchmarkRecord)
