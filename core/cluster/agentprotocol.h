// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The JSON field names of the agent's control API as the console reads them. The agent keeps
// its own copy in remote-agent/protocol.h; both are tested against tests/fixtures/protocol/.

namespace rune::protocol
{

namespace health
{
inline constexpr char status[] = "status";
inline constexpr char version[] = "version";
inline constexpr char role[] = "role";
inline constexpr char uptimeSeconds[] = "uptime_s";
} // namespace health

namespace info
{
inline constexpr char hostname[] = "hostname";
inline constexpr char os[] = "os";
inline constexpr char kernel[] = "kernel";
inline constexpr char arch[] = "arch";
inline constexpr char cores[] = "cores";
inline constexpr char memoryBytes[] = "memory_bytes";
inline constexpr char diskBytes[] = "disk_bytes";
inline constexpr char diskFreeBytes[] = "disk_free_bytes";
inline constexpr char agentVersion[] = "agent_version";
inline constexpr char role[] = "role";
inline constexpr char isolation[] = "isolation"; ///< absent from agents before isolation was reported
} // namespace info

/** The "isolation" object of /v1/info: how the agent keeps replicas apart, and what it could not do. */
namespace isolation
{
inline constexpr char users[] = "users"; ///< "per-replica" or "agent"
inline constexpr char memory[] = "memory"; ///< "cgroup2", "cgroup1" or "rlimit"
inline constexpr char processes[] = "processes"; ///< "cgroup2" or "subreaper"
inline constexpr char filesystem[] = "filesystem"; ///< "private" or "shared"
inline constexpr char warnings[] = "warnings"; ///< sentences; empty when nothing is missing
} // namespace isolation

namespace metrics
{
inline constexpr char timeMs[] = "time_ms";
inline constexpr char role[] = "role";
inline constexpr char uptimeSeconds[] = "uptime_s";
inline constexpr char node[] = "node";
inline constexpr char functions[] = "functions";
} // namespace metrics

/** The "node" object of /v1/metrics. */
namespace nodemetrics
{
inline constexpr char cpuPercent[] = "cpu_percent";
inline constexpr char load1[] = "load1";
inline constexpr char memoryTotalBytes[] = "memory_total_bytes";
inline constexpr char memoryAvailableBytes[] = "memory_available_bytes";
inline constexpr char diskTotalBytes[] = "disk_total_bytes";
inline constexpr char diskFreeBytes[] = "disk_free_bytes";
inline constexpr char diskReadBytesPerSecond[] = "disk_read_bytes_per_s";
inline constexpr char diskWriteBytesPerSecond[] = "disk_write_bytes_per_s";
inline constexpr char netReceiveBytesPerSecond[] = "net_rx_bytes_per_s";
inline constexpr char netTransmitBytesPerSecond[] = "net_tx_bytes_per_s";
} // namespace nodemetrics

/** One entry of the "functions" array of /v1/metrics. */
namespace functionmetrics
{
inline constexpr char name[] = "name";
inline constexpr char version[] = "version";
inline constexpr char invocations[] = "invocations";
inline constexpr char errors[] = "errors";
inline constexpr char coldStarts[] = "cold_starts";
inline constexpr char timeouts[] = "timeouts";
inline constexpr char latency[] = "latency";
inline constexpr char coldStartLatency[] = "cold_start_latency";
inline constexpr char recentLatency[] = "recent_latency"; ///< the warm calls of ?window=N seconds
inline constexpr char replicas[] = "replicas";
inline constexpr char inFlight[] = "in_flight";
inline constexpr char queued[] = "queued";
} // namespace functionmetrics

/** The "latency" and "cold_start_latency" objects (since the agent started) and "recent_latency". */
namespace latency
{
inline constexpr char count[] = "count";
inline constexpr char meanMs[] = "mean_ms";
inline constexpr char p50Ms[] = "p50_ms";
inline constexpr char p90Ms[] = "p90_ms";
inline constexpr char p99Ms[] = "p99_ms";
inline constexpr char windowSeconds[] = "window_s"; ///< recent_latency only: the seconds it covers
} // namespace latency

/** GET /v1/functions: {"functions": [...]}. */
namespace functions
{
inline constexpr char list[] = "functions";
inline constexpr char name[] = "name";
inline constexpr char version[] = "version";
inline constexpr char state[] = "state";
inline constexpr char runtime[] = "runtime";
inline constexpr char replicas[] = "replicas";
inline constexpr char replicasReady[] = "replicas_ready";
inline constexpr char inFlight[] = "in_flight";
inline constexpr char queued[] = "queued";
inline constexpr char startFailure[] = "start_failure"; ///< only while the replicas cannot start
inline constexpr char versions[] = "versions"; ///< GET /v1/functions/<name> only
} // namespace functions

/** The "start_failure" object of a function in /v1/functions and /v1/functions/<name>. */
namespace startfailure
{
inline constexpr char message[] = "message";
inline constexpr char failures[] = "failures"; ///< failed starts in a row
inline constexpr char retryInMs[] = "retry_in_ms"; ///< until the agent tries again
} // namespace startfailure

/** GET /v1/events?since=<seq>: {"events": [...]}. */
namespace events
{
inline constexpr char list[] = "events";
inline constexpr char seq[] = "seq";
inline constexpr char timeMs[] = "time_ms";
inline constexpr char kind[] = "kind";
inline constexpr char function[] = "function";
inline constexpr char version[] = "version";
inline constexpr char replica[] = "replica";
inline constexpr char detail[] = "detail";
inline constexpr char sinceQuery[] = "since";
inline constexpr char limitQuery[] = "limit";
} // namespace events

namespace error
{
inline constexpr char object[] = "error";
inline constexpr char code[] = "code";
inline constexpr char message[] = "message";
} // namespace error

namespace paths
{
inline constexpr char health[] = "/v1/health";
inline constexpr char info[] = "/v1/info";
inline constexpr char metrics[] = "/v1/metrics";
inline constexpr char functions[] = "/v1/functions";
inline constexpr char events[] = "/v1/events";
} // namespace paths

} // namespace rune::protocol
