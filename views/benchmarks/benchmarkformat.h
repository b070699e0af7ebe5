// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "benchmarks/benchmarkrun.h"

#include <QString>
#include <QStringList>

// How benchmark figures read: "9.1 GiB/s", "1,234 events/s", "0.063 ms"; tests and metrics in words.
namespace rune::views
{

/** The tests in the order the pane offers and shows them. */
QStringList benchmarkTests();
/** "CPU", "Memory", "File I/O", "Database", "RTT". */
QString benchmarkTestTitle(const QString &test);
/** A metric of @p test in words: "single core", "all cores", "read", "write + fsync", "avg". */
QString benchmarkMetricLabel(const QString &test, const QString &metric);
/** @p value in @p unit as it reads best (MiB/s as GiB/s when large, ms with enough decimals). */
QString formatBenchmarkValue(double value, const QString &unit);
/**
 * One line per test of a node's latest figures @p records, e.g.
 * "CPU 1,234 events/s single, 4,567 all cores · measured 2026-12-04 10:40".
 */
QStringList benchmarkSummaryLines(const QList<BenchmarkRecord> &records);
/** @p text, a name of the benchmark protocol (ASCII), as a QString. */
QString latin(const char *text);

} // namespace rune::views
