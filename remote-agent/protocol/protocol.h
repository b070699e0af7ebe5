// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The agent's API: its paths, the JSON field names of its answers and its error codes, defined
// once for the agent that serves them and the console that reads them. The answers' shapes are
// also pinned by the fixtures in tests/fixtures/protocol/, which both sides are tested against.
// A function's configuration (the body of a deploy) is in deployconfig.h.

#include <cstddef>

namespace rune::protocol
{

namespace paths
{
inline constexpr char apiPrefix[] = "/v1/"; ///< the control API; everything else is the invoke port's
inline constexpr char health[] = "/v1/health";
inline constexpr char info[] = "/v1/info";
inline constexpr char metrics[] = "/v1/metrics";
inline constexpr char functions[] = "/v1/functions"; ///< and /v1/functions/<name>[/...]
inline constexpr char events[] = "/v1/events";
inline constexpr char logs[] = "/v1/logs";
inline constexpr char triggers[] = "/v1/triggers";
inline constexpr char triggerBroker[] = "/v1/triggers/broker"; ///< PUT: the node's MQTT broker
inline constexpr char triggerPublish[] = "/v1/triggers/publish"; ///< POST: a test message through the broker
inline constexpr char invokePrefix[] = "/function/"; ///< /function/<name>[@v<N>][/path] on the invoke port
inline constexpr char trialsSuffix[] = "/trials"; ///< /v1/functions/<name>/trials[/<id>[/invoke]]
/** /async-function/<name>[@v<N>][/path] on the invoke port: queued, answered 202 (namespace asynccall). */
inline constexpr char asyncInvokePrefix[] = "/async-function/";
inline constexpr char results[] = "/v1/results"; ///< /v1/results/<request id>: an asynchronous call's state
inline constexpr char deadLettersSuffix[] = "/dead-letters"; ///< /v1/functions/<name>/dead-letters
} // namespace paths

/**
 * POST /v1/functions/<name>/trials {"memory_mib": N}: the serving code run at another memory size,
 * for the memory tuner. Kept in memory, listed by GET .../trials, called only by POST
 * .../trials/<id>/invoke (never on the invoke port), removed by DELETE .../trials/<id>, by
 * deleting the function, by a restart, or after trial_idle_s without a call.
 */
namespace trial
{
inline constexpr char list[] = "trials";
inline constexpr char id[] = "id";
inline constexpr char function[] = "function";
inline constexpr char version[] = "version"; ///< the serving version whose code it runs
inline constexpr char memoryMiB[] = "memory_mib";
inline constexpr char idleSeconds[] = "idle_s";
inline constexpr char idleLimitSeconds[] = "trial_idle_s";
inline constexpr char replicas[] = "replicas";
/** On a trial's answers: the microseconds the agent took for the call, cold start included. */
inline constexpr char durationHeader[] = "X-Rune-Duration-Us";
inline constexpr char coldStartHeader[] = "X-Rune-Cold-Start"; ///< "1" on a call that started its replica
inline constexpr int maxBodyBytes = 4096;
} // namespace trial

/**
 * Asynchronous calls: POST /async-function/<name>[/path] is written to disk (fsync'd) and answered
 * 202 {"request_id"} at once; a worker runs it at least once, retrying failures (5xx, crash,
 * timeout) with backoff, and keeps its outcome for GET /v1/results/<id> (control API). A call that
 * fails every attempt is a dead letter, listed by GET /v1/functions/<name>/dead-letters.
 */
namespace asynccall
{
inline constexpr char requestId[] = "request_id";
inline constexpr char function[] = "function";
inline constexpr char status[] = "status"; ///< one of the status values below
inline constexpr char attempts[] = "attempts"; ///< attempts started so far
inline constexpr char result[] = "result"; ///< absent until the call ended
inline constexpr char resultStatus[] = "status"; ///< in "result": the HTTP status the function (or the agent) answered
inline constexpr char resultBody[] = "body";
inline constexpr char resultBodyEncoding[] = "body_encoding"; ///< encodingText (UTF-8 as is) or encodingBase64
inline constexpr char resultContentType[] = "content_type";
inline constexpr char resultError[] = "error"; ///< in "result", when the agent ran no function: its error code
inline constexpr char acceptedAt[] = "accepted_at"; ///< milliseconds since the epoch
inline constexpr char finishedAt[] = "finished_at"; ///< milliseconds since the epoch; null until the call ended
inline constexpr char deadLetters[] = "dead_letters"; ///< GET .../dead-letters: a list of results, oldest first
inline constexpr char encodingText[] = "text";
inline constexpr char encodingBase64[] = "base64";
inline constexpr char statusQueued[] = "queued";
inline constexpr char statusRunning[] = "running";
inline constexpr char statusSucceeded[] = "succeeded";
inline constexpr char statusFailed[] = "failed"; ///< ended with a 4xx from the function: not retried
inline constexpr char statusDead[] = "dead"; ///< every attempt failed
inline constexpr char requestIdHeader[] = "X-Rune-Request-Id"; ///< on the 202 and on the callback
inline constexpr char callbackUrlHeader[] = "X-Callback-Url"; ///< http://host[:port][/path]: where the outcome goes
inline constexpr char statusHeader[] = "X-Rune-Status"; ///< on the callback: succeeded or failed
inline constexpr char resultStatusHeader[] = "X-Rune-Result-Status"; ///< on the callback: the function's HTTP status
inline constexpr std::size_t maxCallbackUrlBytes = 2048;
inline constexpr std::size_t requestIdHexDigits = 32; ///< 128 random bits
// The agent's config keys and their defaults.
inline constexpr char queueLimitKey[] = "async_queue_limit"; ///< unfinished calls a function may have
inline constexpr char maxAttemptsKey[] = "async_max_attempts";
inline constexpr char retryDelayKey[] = "async_retry_delay_ms"; ///< before the first retry; doubles, at most 60 s
inline constexpr char resultTtlKey[] = "async_result_ttl_seconds";
inline constexpr char maxResultsKey[] = "async_max_results";
inline constexpr char callbackAttemptsKey[] = "callback_max_attempts";
inline constexpr char callbackDelayKey[] = "callback_retry_delay_ms"; ///< doubles, at most 60 s
inline constexpr int defaultQueueLimit = 1000;
inline constexpr int defaultMaxAttempts = 3;
inline constexpr int defaultRetryDelayMs = 1000;
inline constexpr int defaultResultTtlSeconds = 3600;
inline constexpr int defaultMaxResults = 10000;
inline constexpr int defaultCallbackAttempts = 5;
inline constexpr int defaultCallbackDelayMs = 1000;
inline constexpr int maxRetryDelayMs = 60000;
inline constexpr int queueFullRetryAfterSeconds = 5;
} // namespace asynccall

/** PUT /v1/functions/<name>: the code archive and the configuration (deployconfig.h). */
namespace deploy
{
inline constexpr char configHeader[] = "X-Rune-Config"; ///< the configuration beside a bare archive body
inline constexpr char configPart[] = "config"; ///< multipart/form-data: the configuration
inline constexpr char archivePart[] = "archive"; ///< multipart/form-data: the tar or tar.gz
} // namespace deploy

/** GET /v1/health. */
namespace health
{
inline constexpr char status[] = "status";
inline constexpr char version[] = "version";
inline constexpr char role[] = "role";
inline constexpr char uptimeSeconds[] = "uptime_s";
inline constexpr char statusOk[] = "ok";
} // namespace health

/** GET /v1/info: the node's facts. */
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
inline constexpr char gpus[] = "gpus"; ///< a list, empty without GPUs; absent from agents before GPUs were reported
} // namespace info

/** One entry of the "gpus" list of /v1/info, in the order of their indices. */
namespace gpu
{
inline constexpr char index[] = "index"; ///< what CUDA_VISIBLE_DEVICES names it by
inline constexpr char model[] = "model";
inline constexpr char memoryBytes[] = "memory_bytes"; ///< 0 when the node cannot tell (no nvidia-smi)
} // namespace gpu

/** The "isolation" object of /v1/info: how the agent keeps replicas apart, and what it could not do. */
namespace isolation
{
inline constexpr char users[] = "users"; ///< usersPerReplica or usersAgent
inline constexpr char usersPerReplica[] = "per-replica";
inline constexpr char usersAgent[] = "agent";
inline constexpr char memory[] = "memory"; ///< "cgroup2", "cgroup1" or "rlimit"
inline constexpr char processes[] = "processes"; ///< "cgroup2" or "subreaper"
inline constexpr char filesystem[] = "filesystem"; ///< filesystemPrivate or filesystemShared
inline constexpr char filesystemPrivate[] = "private";
inline constexpr char filesystemShared[] = "shared";
inline constexpr char uidRange[] = "uid_range";
inline constexpr char warnings[] = "warnings"; ///< sentences; empty when nothing is missing
} // namespace isolation

/** GET /v1/metrics. */
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
inline constexpr char replicasReady[] = "replicas_ready"; ///< started and able to take calls
inline constexpr char inFlight[] = "in_flight";
inline constexpr char queued[] = "queued";
inline constexpr char scaleUps[] = "scale_ups";
inline constexpr char scaleDowns[] = "scale_downs";
inline constexpr char asyncQueued[] = "async_queued"; ///< asynchronous calls waiting (retries included)
inline constexpr char asyncRunning[] = "async_running";
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

/** GET /v1/functions: {"functions": [...]}, and GET /v1/functions/<name>: one of them. */
namespace functions
{
inline constexpr char list[] = "functions";
inline constexpr char name[] = "name";
inline constexpr char version[] = "version";
inline constexpr char state[] = "state";
inline constexpr char runtime[] = "runtime";
inline constexpr char handler[] = "handler";
inline constexpr char replicas[] = "replicas";
inline constexpr char replicasReady[] = "replicas_ready";
inline constexpr char inFlight[] = "in_flight";
inline constexpr char queued[] = "queued";
inline constexpr char config[] = "config"; ///< the deployed configuration (deployconfig.h)
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

/** GET /v1/events?since=<seq>&limit=<n>: {"events": [...]}. */
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

/**
 * GET /v1/triggers: {"enabled", "broker", "mqtt": [...], "cron": [...]}; "broker" is null without a
 * broker. PUT /v1/triggers/broker takes {"url", "username", "password"} ("url" empty: back to the
 * config file's mqtt_url; "password" absent: the stored one is kept) and answers with "broker".
 */
namespace triggers
{
inline constexpr char enabled[] = "enabled"; ///< false where triggers do not fire (compute nodes by default)
inline constexpr char broker[] = "broker";
inline constexpr char url[] = "url"; ///< never holds the password
inline constexpr char username[] = "username";
inline constexpr char password[] = "password"; ///< PUT only; never answered
inline constexpr char state[] = "state"; ///< stateConnected, stateConnecting or stateFailed
inline constexpr char stateConnected[] = "connected";
inline constexpr char stateConnecting[] = "connecting";
inline constexpr char stateFailed[] = "failed";
inline constexpr char connected[] = "connected"; ///< bool, the same as state == "connected"
inline constexpr char lastError[] = "last_error"; ///< empty while connected
inline constexpr char sinceMs[] = "since_ms"; ///< when the state began (Unix ms)
inline constexpr char source[] = "source"; ///< sourceConfig (mqtt_url) or sourceApi (set by PUT)
inline constexpr char sourceConfig[] = "config";
inline constexpr char sourceApi[] = "api";
inline constexpr char mqtt[] = "mqtt"; ///< the MQTT triggers: function, filter, result_topic, qos
inline constexpr char cron[] = "cron";
} // namespace triggers

/**
 * POST /v1/triggers/publish {"topic", "payload", "qos", "await_topic", "timeout_ms"}: the agent
 * publishes "payload" (text) on "topic" and, with "await_topic" (a topic filter), answers with the
 * first message that arrives there within "timeout_ms": {"published": true, "message": {"topic",
 * "payload", "payload_utf8"}}; without one it answers {"published": true} at once.
 */
namespace publish
{
inline constexpr char topic[] = "topic";
inline constexpr char payload[] = "payload";
inline constexpr char qos[] = "qos";
inline constexpr char awaitTopic[] = "await_topic";
inline constexpr char timeoutMs[] = "timeout_ms";
inline constexpr char published[] = "published";
inline constexpr char message[] = "message";
inline constexpr char payloadIsUtf8[] = "payload_utf8"; ///< false: bytes that were not UTF-8 became U+FFFD
inline constexpr int defaultTimeoutMs = 10000;
} // namespace publish

/** The one error shape of the API: {"error": {"code", "message"}}; a refused deploy adds "problems". */
namespace error
{
inline constexpr char object[] = "error";
inline constexpr char code[] = "code";
inline constexpr char message[] = "message";
inline constexpr char problems[] = "problems"; ///< invalid_config: every problem, one sentence each
} // namespace error

// The machine-readable error codes; the HTTP status of an answer always agrees with its code.
namespace errorcode
{
// The control API.
inline constexpr char badRequest[] = "bad_request"; // 400
inline constexpr char unauthorized[] = "unauthorized"; // 401
inline constexpr char notFound[] = "not_found"; // 404
inline constexpr char methodNotAllowed[] = "method_not_allowed"; // 405
inline constexpr char internal[] = "internal"; // 500
// A deploy.
inline constexpr char invalidConfig[] = "invalid_config"; // 400: with "problems"
inline constexpr char badArchive[] = "bad_archive"; // 400
inline constexpr char storage[] = "storage"; // 500: the node could not store the function
inline constexpr char insufficientResources[] = "insufficient_resources"; // 409: the node lacks what it asks for
inline constexpr char tooManyTrials[] = "too_many_trials"; // 409: the node runs as many trials as it allows
// Triggers.
inline constexpr char triggersDisabled[] = "triggers_disabled"; // 409: triggers do not fire on this node
inline constexpr char noBroker[] = "no_broker"; // 409: no MQTT broker is set
inline constexpr char brokerUnavailable[] = "broker_unavailable"; // 503: not connected to the broker now
inline constexpr char awaitTimeout[] = "await_timeout"; // 504: nothing came on await_topic in time
// HTTP itself.
inline constexpr char payloadTooLarge[] = "payload_too_large"; // 413: also a body over max_payload_bytes
inline constexpr char uriTooLong[] = "uri_too_long"; // 414
inline constexpr char headerTooLarge[] = "header_too_large"; // 431
inline constexpr char versionNotSupported[] = "http_version_not_supported"; // 505
inline constexpr char notImplemented[] = "not_implemented"; // 501
inline constexpr char requestTimeout[] = "request_timeout"; // 408
inline constexpr char tooManyConnections[] = "too_many_connections"; // 503
// Calling a function.
inline constexpr char blocked[] = "blocked"; // 423
inline constexpr char timeout[] = "timeout"; // 504
inline constexpr char crashed[] = "crashed"; // 502
inline constexpr char outOfMemory[] = "out_of_memory"; // 502
inline constexpr char initFailed[] = "init_failed"; // 502: the handler could not be loaded
inline constexpr char spawnFailed[] = "spawn_failed"; // 502: the process could not be started
inline constexpr char responseTooLarge[] = "response_too_large"; // 502
inline constexpr char protocolError[] = "protocol_error"; // 502: the worker broke the framing or the result's fields
inline constexpr char badResponse[] = "bad_response"; // 502: the function's answer is not valid HTTP
inline constexpr char startFailed[] = "start_failed"; // 503: the function fails to start; retried with backoff
inline constexpr char overloaded[] = "overloaded"; // 503: replicas busy and the wait queue full, or the node's
inline constexpr char shuttingDown[] = "shutting_down"; // 503
inline constexpr char coldStartTimeout[] = "cold_start_timeout"; // 503: the first replica is still starting
// Asynchronous calls.
inline constexpr char queueFull[] = "queue_full"; // 429: the function's asynchronous queue is full
inline constexpr char invalidCallbackUrl[] = "invalid_callback_url"; // 400
inline constexpr char resultNotFound[] = "result_not_found"; // 404: unknown, expired or malformed request id
inline constexpr char queueStorage[] = "queue_storage"; // 507: the call could not be written to disk
// The controller's gateway.
inline constexpr char noNodeAvailable[] = "no_node_available"; // 502: nothing was sent
inline constexpr char upstreamFailed[] = "upstream_failed"; // 502: the node went away after the call was sent
inline constexpr char invalidUpstreamAnswer[] = "invalid_upstream_answer"; // 502
inline constexpr char upstreamTimeout[] = "upstream_timeout"; // 504
} // namespace errorcode

} // namespace rune::protocol
