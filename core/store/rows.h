// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "benchmarks/benchmarkrun.h"
#include "cluster/node.h"
#include "functions/function.h"
#include "util/result.h"

#include <QSqlQuery>
#include <QVariantList>

/**
 * The mapping between the store's rows and the domain types. Each *Columns string lists the
 * columns in the order the matching *Values function produces them.
 */
namespace rune::rows
{

extern const char nodeColumns[];
QVariantList nodeValues(const Node &node);
/** The node in @p query's current row; an unknown role, state or action fails with "store.corrupt". */
Result<Node> nodeFrom(const QSqlQuery &query);

extern const char functionColumns[];
QVariantList functionValues(const Function &function);
Result<Function> functionFrom(const QSqlQuery &query);

extern const char versionColumns[];
QVariantList versionValues(const FunctionVersion &version);
Result<FunctionVersion> versionFrom(const QSqlQuery &query);

extern const char deploymentColumns[];
QVariantList deploymentValues(const FunctionDeployment &deployment);
Result<FunctionDeployment> deploymentFrom(const QSqlQuery &query);

extern const char benchmarkColumns[];
QVariantList benchmarkValues(const BenchmarkRecord &record);
Result<BenchmarkRecord> benchmarkFrom(const QSqlQuery &query);

/** How the store writes a time: ISO 8601 in UTC with milliseconds; NULL for an invalid time. */
QVariant timeValue(const QDateTime &time);
QDateTime timeFrom(const QVariant &value);

} // namespace rune::rows
