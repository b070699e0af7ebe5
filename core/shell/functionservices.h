// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/functiontemplate.h"

#include <QList>
#include <QString>

namespace rune
{
class BenchmarkResults;
class FleetMetrics;
class FunctionAgents;
class FunctionCatalog;
class FunctionInvoker;
class FunctionReleases;
class FunctionWorkspace;
class NodeList;

/** The core services the Functions pane and its dialogs work with; Console builds them. */
struct FunctionServices {
    FunctionCatalog *catalog = nullptr;
    FunctionWorkspace *workspace = nullptr;
    FunctionReleases *releases = nullptr;
    FunctionInvoker *invoker = nullptr;
    FunctionAgents *agents = nullptr;
    NodeList *nodes = nullptr;
    QList<FunctionTemplate> templates;
    FleetMetrics *metrics = nullptr; ///< the nodes' free memory, for placement
    BenchmarkResults *benchmarks = nullptr; ///< the nodes' figures, for placement
    QString pricingDir; ///< the shipped price tables, for the memory tuner's cost per call
    QString pricingEditsDir; ///< the user's edited price tables
};

} // namespace rune
