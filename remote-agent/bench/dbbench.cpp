// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/dbbench.h"

#include "bench/benchparameters.h"
#include "benchprotocol.h"

#include <memory>
#include <random>
#include <sqlite3.h>

namespace rune::agent
{

namespace
{

// sysbench's OLTP read-only transaction makes ten point selects; so does ours.
constexpr int selectsPerTransaction = 10;
constexpr int rowsPerProgressStep = 1000;

struct DatabaseCloser {
    void operator()(sqlite3 *database) const
    {
        sqlite3_close_v2(database);
    }
};
struct StatementFinalizer {
    void operator()(sqlite3_stmt *statement) const
    {
        sqlite3_finalize(statement);
    }
};
using Database = std::unique_ptr<sqlite3, DatabaseCloser>;
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

std::string failure(sqlite3 *database, const std::string &what)
{
    return "SQLite: " + what + " failed: " + sqlite3_errmsg(database);
}

std::expected<void, std::string> execute(sqlite3 *database, const char *sql)
{
    if (sqlite3_exec(database, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        return std::unexpected(failure(database, sql));
    return {};
}

std::expected<Statement, std::string> prepare(sqlite3 *database, const char *sql)
{
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v2(database, sql, -1, &statement, nullptr) != SQLITE_OK)
        return std::unexpected(failure(database, sql));
    return Statement(statement);
}

/** Runs @p statement once with @p id bound to its one parameter, reading every row it gives. */
bool step(sqlite3_stmt *statement, sqlite3_int64 id)
{
    sqlite3_reset(statement);
    sqlite3_bind_int64(statement, 1, id);
    int result = SQLITE_ROW;
    while ((result = sqlite3_step(statement)) == SQLITE_ROW) { }
    return result == SQLITE_DONE;
}

std::expected<Database, std::string> openDatabase(const std::filesystem::path &path)
{
    sqlite3 *raw = nullptr;
    const int opened =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    Database database(raw);
    if (opened != SQLITE_OK)
        return std::unexpected(raw ? failure(raw, "opening " + path.string()) : "SQLite: out of memory");
    // WAL with synchronous=FULL: every committed write transaction is on the disk (a WAL sync per
    // commit), as a database that must not lose a commit runs.
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"}) {
        if (auto done = execute(raw, pragma); !done)
            return std::unexpected(done.error());
    }
    return database;
}

std::expected<void, std::string> fillTable(sqlite3 *database, int rows, BenchControl &control)
{
    control.beginPhase(0);
    for (const char *sql : {"CREATE TABLE bench (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL, "
                            "payload TEXT NOT NULL)",
             "BEGIN"}) {
        if (auto done = execute(database, sql); !done)
            return done;
    }
    auto insert = prepare(database, "INSERT INTO bench (id, counter, payload) VALUES (?1, 0, printf('%0100d', ?1))");
    if (!insert)
        return std::unexpected(insert.error());
    for (int row = 1; row <= rows; ++row) {
        if (!step(insert->get(), row))
            return std::unexpected(failure(database, "inserting the rows"));
        if (row % rowsPerProgressStep == 0) {
            if (control.cancelled())
                return {};
            control.setPhaseProgress(double(row) / rows);
        }
    }
    return execute(database, "COMMIT");
}

/** Transactions of @p body until the phase is over; how many were committed per second. */
template <typename Body>
std::expected<double, std::string> transactionsPerSecond(sqlite3 *database, const BenchControl &control, Body body)
{
    auto begin = prepare(database, "BEGIN");
    auto commit = prepare(database, "COMMIT");
    if (!begin || !commit)
        return std::unexpected(begin ? commit.error() : begin.error());
    std::uint64_t transactions = 0;
    while (!control.phaseOver()) {
        if (!step(begin->get(), 0) || !body() || !step(commit->get(), 0))
            return std::unexpected(failure(database, "a transaction"));
        ++transactions;
    }
    return double(transactions) / std::chrono::duration<double>(control.phaseElapsed()).count();
}

} // namespace

BenchOutcome runDbBench(const BenchParameters &parameters, BenchControl &control)
{
    namespace metrics = protocol::benchmetrics;
    std::error_code error;
    std::filesystem::create_directories(control.scratch(), error);
    if (error)
        return std::unexpected("cannot create " + control.scratch().string() + ": " + error.message());
    // The runner empties the scratch directory (database, WAL and shared memory) after the run.
    auto database = openDatabase(control.scratch() / "bench.db");
    if (!database)
        return std::unexpected(database.error());
    sqlite3 *db = database->get();
    if (auto filled = fillTable(db, parameters.rows, control); !filled || control.cancelled())
        return filled ? BenchOutcome(std::vector<BenchResult> {}) : std::unexpected(filled.error());
    auto select = prepare(db, "SELECT counter, payload FROM bench WHERE id = ?1");
    auto update = prepare(db, "UPDATE bench SET counter = counter + 1 WHERE id = ?1");
    if (!select || !update)
        return std::unexpected(select ? update.error() : select.error());
    std::mt19937_64 random(std::random_device {}());
    std::uniform_int_distribution<int> row(1, parameters.rows);
    const auto phase = std::chrono::seconds(parameters.seconds);
    control.beginPhase(1, phase);
    const auto reads = transactionsPerSecond(db, control, [&] {
        for (int index = 0; index < selectsPerTransaction; ++index) {
            if (!step(select->get(), row(random)))
                return false;
        }
        return true;
    });
    if (!reads || control.cancelled())
        return reads ? BenchOutcome(std::vector<BenchResult> {}) : std::unexpected(reads.error());
    control.beginPhase(2, phase);
    const auto writes = transactionsPerSecond(db, control, [&] {
        return step(update->get(), row(random));
    });
    if (!writes)
        return std::unexpected(writes.error());
    return std::vector<BenchResult> {{metrics::dbRead, *reads, protocol::benchunits::transactionsPerSecond, {}, {}},
        {metrics::dbWrite, *writes, protocol::benchunits::transactionsPerSecond, {}, {}}};
}

} // namespace rune::agent
