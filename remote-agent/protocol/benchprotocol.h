// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

// The agent's built-in benchmarks: what a run is asked for, what it answers, and the bounds of
// every parameter, defined once for the agent that measures and the console that asks.
//
//   POST   /v1/bench/<test>       start a run; body: a JSON object of parameters (may be empty)
//                                 -> 202 {"run": <run>}; 409 "busy" (with "run": the running id)
//                                 when one is running; 400 "bad_request" naming the parameter and
//                                 its limit; 404 for an unknown test
//   GET    /v1/bench/runs         {"runs": [<run>...]}: the running one and the recent finished ones,
//                                 newest first
//   GET    /v1/bench/runs/<id>    {"run": <run>}
//   DELETE /v1/bench/runs/<id>    cancel: 200 {"run": <run>} (state "cancelled" once it stopped)
//
// A run is one test on one node; it is bounded in time by its parameters, runs one at a time per
// node, and at low priority unless "priority" is "normal", so functions keep serving meanwhile.
// /v1/health carries "bench": {"id", "test", "progress"} while one runs, and /v1/events has a
// "bench_started" and a "bench_finished" event for each.

namespace rune::protocol
{

namespace paths
{
inline constexpr char benchPrefix[] = "/v1/bench/"; ///< /v1/bench/<test>
inline constexpr char benchRuns[] = "/v1/bench/runs"; ///< and /v1/bench/runs/<id>
} // namespace paths

/** The tests: the last segment of POST /v1/bench/<test>. */
namespace benchtests
{
inline constexpr char cpu[] = "cpu"; ///< prime counting, the workload of sysbench's cpu test
inline constexpr char memory[] = "memory"; ///< sequential read and write past the last-level cache
inline constexpr char fileio[] = "fileio"; ///< random 16 KiB reads and writes on a temporary file
inline constexpr char db[] = "db"; ///< SQLite read and write transactions on a temporary database
inline constexpr char rtt[] = "rtt"; ///< TCP round trips to peer agents' invoke ports
} // namespace benchtests

/** The parameters (the POST body's keys); every one is optional. */
namespace benchparams
{
inline constexpr char seconds[] = "seconds"; ///< per phase of the test (cpu: single, then all cores)
inline constexpr char priority[] = "priority"; ///< "low" (default) or "normal"
inline constexpr char priorityLow[] = "low";
inline constexpr char priorityNormal[] = "normal";
inline constexpr char maxPrime[] = "max_prime"; ///< cpu: count primes up to this (sysbench's --cpu-max-prime)
inline constexpr char threads[] = "threads"; ///< cpu: threads of the multi-core phase; 0: every core
inline constexpr char bufferMiB[] = "buffer_mib"; ///< memory
inline constexpr char fileMiB[] = "file_mib"; ///< fileio
inline constexpr char rows[] = "rows"; ///< db: rows in the table read and written
inline constexpr char peers[] = "peers"; ///< rtt: ["host:port", ...], other agents' invoke ports
inline constexpr char probes[] = "probes"; ///< rtt: round trips per peer
inline constexpr char timeoutMs[] = "timeout_ms"; ///< rtt: per probe
} // namespace benchparams

/** The bounds of the parameters; a value outside them is refused with a 400 that names the limit. */
namespace benchlimits
{
inline constexpr int defaultSeconds = 3;
inline constexpr int minSeconds = 1;
inline constexpr int maxSeconds = 60;
inline constexpr int defaultMaxPrime = 10000;
inline constexpr int minMaxPrime = 3;
inline constexpr int maxMaxPrime = 10000000;
inline constexpr int maxThreads = 1024;
inline constexpr int defaultBufferMiB = 256;
inline constexpr int minBufferMiB = 16;
inline constexpr int maxBufferMiB = 4096; ///< and no more than half the node's available memory
inline constexpr int defaultFileMiB = 64;
inline constexpr int minFileMiB = 4;
inline constexpr int maxFileMiB = 16384; ///< and no more than half the state directory's free space
inline constexpr int defaultRows = 10000;
inline constexpr int minRows = 100;
inline constexpr int maxRows = 1000000;
inline constexpr int maxPeers = 1000;
inline constexpr int defaultProbes = 20;
inline constexpr int minProbes = 1;
inline constexpr int maxProbes = 1000;
inline constexpr int defaultTimeoutMs = 1000;
inline constexpr int minTimeoutMs = 10;
inline constexpr int maxTimeoutMs = 10000;
inline constexpr int keptRuns = 50; ///< finished runs GET /v1/bench/runs remembers
} // namespace benchlimits

/** A run: {"run": {...}} and each entry of {"runs": [...]}. */
namespace benchrun
{
inline constexpr char object[] = "run";
inline constexpr char list[] = "runs";
inline constexpr char id[] = "id"; ///< unique on the node, e.g. "b-17"
inline constexpr char test[] = "test";
inline constexpr char state[] = "state"; ///< running, done, cancelled, failed
inline constexpr char stateRunning[] = "running";
inline constexpr char stateDone[] = "done";
inline constexpr char stateCancelled[] = "cancelled";
inline constexpr char stateFailed[] = "failed";
inline constexpr char node[] = "node"; ///< the node's hostname
inline constexpr char agentVersion[] = "agent_version";
inline constexpr char startedMs[] = "started_ms"; ///< Unix time in milliseconds
inline constexpr char durationMs[] = "duration_ms"; ///< so far while running
inline constexpr char progress[] = "progress"; ///< 0..1
inline constexpr char parameters[] = "parameters"; ///< every parameter, defaults filled in
inline constexpr char results[] = "results"; ///< [{"metric", "value", "unit"[, "peer"]}]; empty until done
inline constexpr char error[] = "error"; ///< state failed: why, one sentence
} // namespace benchrun

/** One entry of a run's "results". */
namespace benchresult
{
inline constexpr char metric[] = "metric";
inline constexpr char value[] = "value"; ///< a number
inline constexpr char unit[] = "unit";
inline constexpr char peer[] = "peer"; ///< rtt only: the "host:port" measured
inline constexpr char error[] = "error"; ///< rtt only: the peer could not be reached (no value)
} // namespace benchresult

/** The metrics each test reports, with their units. */
namespace benchmetrics
{
// cpu (unit "events/s": one event is counting the primes up to max_prime, as sysbench does)
inline constexpr char cpuSingle[] = "events_per_s_single";
inline constexpr char cpuMulti[] = "events_per_s_multi";
// memory (unit "MiB/s")
inline constexpr char memoryRead[] = "read_mib_s";
inline constexpr char memoryWrite[] = "write_mib_s";
// fileio (units "MiB/s" and "IOPS"); "_fsync": every write followed by fdatasync
inline constexpr char fileRead[] = "read_mib_s";
inline constexpr char fileReadIops[] = "read_iops";
inline constexpr char fileWrite[] = "write_mib_s";
inline constexpr char fileWriteIops[] = "write_iops";
inline constexpr char fileWriteFsync[] = "write_fsync_mib_s";
inline constexpr char fileWriteFsyncIops[] = "write_fsync_iops";
// db (unit "tx/s")
inline constexpr char dbRead[] = "read_tps";
inline constexpr char dbWrite[] = "write_tps";
// rtt (unit "ms"), one of each per peer
inline constexpr char rttMin[] = "rtt_min_ms";
inline constexpr char rttAvg[] = "rtt_avg_ms";
inline constexpr char rttMax[] = "rtt_max_ms";
inline constexpr char rttP99[] = "rtt_p99_ms";
} // namespace benchmetrics

namespace benchunits
{
inline constexpr char eventsPerSecond[] = "events/s";
inline constexpr char mibPerSecond[] = "MiB/s";
inline constexpr char iops[] = "IOPS";
inline constexpr char transactionsPerSecond[] = "tx/s";
inline constexpr char milliseconds[] = "ms";
} // namespace benchunits

/** The "bench" object of /v1/health while a run is going on. */
namespace benchhealth
{
inline constexpr char object[] = "bench";
inline constexpr char id[] = "id";
inline constexpr char test[] = "test";
inline constexpr char progress[] = "progress";
} // namespace benchhealth

namespace errorcode
{
inline constexpr char busy[] = "busy"; // 409: a run is going on; the answer's "run" names it
} // namespace errorcode

namespace eventkinds
{
inline constexpr char benchStarted[] = "bench_started";
inline constexpr char benchFinished[] = "bench_finished"; ///< detail: the state and the headline figure
} // namespace eventkinds

} // namespace rune::protocol
