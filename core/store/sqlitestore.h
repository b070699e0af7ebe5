// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "store/connectionpool.h"
#include "store/store.h"

namespace rune
{

/**
 * The Store in an SQLite file, in WAL mode so that readers never wait for the writer. Each
 * thread that uses it gets its own connection; several SqliteStore objects, in this process or
 * others, may share one file.
 */
class SqliteStore final : public Store
{
public:
    /** See Store::open(). */
    static Result<std::unique_ptr<SqliteStore>> open(const QString &path);

    ~SqliteStore() override;
    Q_DISABLE_COPY_MOVE(SqliteStore)

    QString path() const override;
    Result<qint64> dataVersion() const override;

    Result<void> saveNode(const Node &node) override;
    Result<void> removeNode(const QString &id) override;
    Result<QList<Node>> loadNodes() const override;

    Result<void> saveFunction(const Function &function) override;
    Result<void> removeFunction(const QString &id) override;
    Result<QList<Function>> loadFunctions() const override;

    Result<void> addVersion(const FunctionVersion &version) override;
    Result<QList<FunctionVersion>> loadVersions(const QString &functionId) const override;
    Result<void> setVersionState(const QString &functionId, int number, FunctionState state) override;
    Result<void> removeVersion(const QString &functionId, int number) override;

    Result<void> saveDeployment(const FunctionDeployment &deployment) override;
    Result<QList<FunctionDeployment>> loadDeployments(const QString &functionId) const override;

    Result<void> addBenchmarkRecords(const QList<BenchmarkRecord> &records) override;
    Result<QList<BenchmarkRecord>> latestBenchmarks(const QString &nodeId) const override;
    Result<QList<BenchmarkRecord>> benchmarkHistory(
        const QString &nodeId, const QString &test, const QString &metric) const override;
    Result<QList<BenchmarkRecord>> allBenchmarks() const override;

private:
    explicit SqliteStore(const QString &path);

    /** Runs one write statement in a write transaction; failures are explained with @p context. */
    Result<void> write(const QString &statement, const QVariantList &values, const QString &context);

    ConnectionPool m_pool;
};

} // namespace rune
