// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "benchmarks/benchmarkrun.h"
#include "cluster/node.h"
#include "functions/function.h"
#include "util/result.h"

#include <QList>
#include <QString>
#include <memory>

namespace rune
{

/**
 * The console's persistent metadata: nodes, functions and their versions, benchmark figures.
 *
 * Every method may be called from any thread, including several threads at once; each thread
 * gets its own connection. Every method returns a Result whose Error says what could not be
 * done and why. Error codes: "store.open_failed", "store.corrupt", "store.too_new",
 * "store.query_failed", "store.not_found", "store.duplicate".
 *
 * This is an interface so that tests can inject faults with a fake; open() gives the real one.
 */
class Store
{
public:
    /**
     * Opens (creating if needed) the SQLite store at @p path and brings its schema up to date.
     * A file that is not a store fails with "store.corrupt" and is left untouched; a store
     * written by a newer Rune fails with "store.too_new".
     */
    static Result<std::unique_ptr<Store>> open(const QString &path);

    Store() = default;
    virtual ~Store();
    Q_DISABLE_COPY_MOVE(Store)

    /** The file this store lives in. */
    virtual QString path() const = 0;

    /**
     * A number that changes whenever another connection (another thread, another process)
     * commits a change to the store. Only values read on one thread compare: each thread has
     * its own connection, and a connection's own commits leave its number as it was.
     */
    virtual Result<qint64> dataVersion() const = 0;

    /** Inserts @p node, or replaces the stored node with the same id. */
    virtual Result<void> saveNode(const Node &node) = 0;
    /** Forgets the node @p id; forgetting an unknown node succeeds. */
    virtual Result<void> removeNode(const QString &id) = 0;
    /** Every stored node, in the order they were first saved. */
    virtual Result<QList<Node>> loadNodes() const = 0;

    /** Inserts @p function, or replaces the stored one with the same id. Names are unique per project. */
    virtual Result<void> saveFunction(const Function &function) = 0;
    /** Forgets the function @p id and all its versions; forgetting an unknown function succeeds. */
    virtual Result<void> removeFunction(const QString &id) = 0;
    /** Every stored function, ordered by project and name. */
    virtual Result<QList<Function>> loadFunctions() const = 0;

    /**
     * Records a new version. Versions are immutable: adding a number that exists fails with
     * "store.duplicate", and a version of an unknown function fails with "store.not_found".
     */
    virtual Result<void> addVersion(const FunctionVersion &version) = 0;
    /** The versions of function @p functionId, oldest first. */
    virtual Result<QList<FunctionVersion>> loadVersions(const QString &functionId) const = 0;
    /**
     * Changes the lifecycle state of one version; the only change a version allows. Whether
     * the move is allowed is the caller's business (see transition()); the store records it.
     */
    virtual Result<void> setVersionState(const QString &functionId, int number, FunctionState state) = 0;
    /**
     * Removes a version that never reached any node (a deploy that failed everywhere), so the
     * history holds only code that ran. Removing an unknown version succeeds.
     */
    virtual Result<void> removeVersion(const QString &functionId, int number) = 0;

    /** Records (or replaces) where a version runs; an unknown version fails with "store.not_found". */
    virtual Result<void> saveDeployment(const FunctionDeployment &deployment) = 0;
    /** Where the versions of function @p functionId run, by version then node. */
    virtual Result<QList<FunctionDeployment>> loadDeployments(const QString &functionId) const = 0;

    /** Adds the figures of benchmark runs, all or none. */
    virtual Result<void> addBenchmarkRecords(const QList<BenchmarkRecord> &records) = 0;
    /**
     * The figures of the latest run of each test on node @p nodeId (empty: on every node), by
     * node, test, metric and peer.
     */
    virtual Result<QList<BenchmarkRecord>> latestBenchmarks(const QString &nodeId = {}) const = 0;
    /**
     * Every figure of node @p nodeId, oldest first; only test @p test and metric @p metric when
     * they are given.
     */
    virtual Result<QList<BenchmarkRecord>> benchmarkHistory(
        const QString &nodeId, const QString &test = {}, const QString &metric = {}) const = 0;
    /** Every stored figure, oldest first (the CSV export of everything). */
    virtual Result<QList<BenchmarkRecord>> allBenchmarks() const = 0;
};

} // namespace rune
