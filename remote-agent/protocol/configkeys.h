// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>

// A function's configuration: its JSON keys, the names its text settings take, what a deploy
// that leaves a key out gets, and the limits of every setting. Light on purpose (no JSON
// library), so the console's model includes it; the check itself is in deployconfig.h.

namespace rune::protocol
{

/** The JSON keys of a configuration (the body of a deploy; "config" in /v1/functions/<name>). */
namespace configkeys
{
inline constexpr char runtime[] = "runtime";
inline constexpr char handler[] = "handler";
inline constexpr char memoryMiB[] = "memory_mib";
inline constexpr char timeoutSeconds[] = "timeout_seconds";
inline constexpr char maxPayloadBytes[] = "max_payload_bytes";
inline constexpr char minReplicas[] = "min_replicas";
inline constexpr char maxReplicas[] = "max_replicas";
inline constexpr char targetConcurrency[] = "target_concurrency";
inline constexpr char idleToZeroSeconds[] = "idle_to_zero_seconds";
inline constexpr char gpuCount[] = "gpu_count"; ///< GPUs each replica gets (CUDA_VISIBLE_DEVICES); 0: none
inline constexpr char gpuMemoryMiB[] = "gpu_memory_mib"; ///< memory each of those GPUs must have; 0: any
inline constexpr char gpuPercent[] = "gpu_percent"; ///< share of each GPU's compute (NVIDIA MPS)
/** Asynchronous calls the function may have queued or running; 0: only the agent's async_queue_limit. */
inline constexpr char asyncQueueLimit[] = "async_queue_limit";
inline constexpr char triggers[] = "triggers";
inline constexpr char triggerType[] = "type";
inline constexpr char triggerValue[] = "value";
inline constexpr char triggerResultTopic[] = "result_topic";
inline constexpr char triggerQos[] = "qos";
inline constexpr char env[] = "env";
inline constexpr char auth[] = "auth";
} // namespace configkeys

/** The names the text settings take. */
namespace configvalues
{
inline constexpr char python3[] = "python3"; ///< runtime: a worker that imports the handler once
inline constexpr char node[] = "node"; ///< runtime: a worker that requires the handler once
inline constexpr char exec[] = "exec"; ///< runtime: any executable, one process per call
inline constexpr char authPublic[] = "public"; ///< auth: anyone who reaches the invoke port
inline constexpr char authToken[] = "token"; ///< auth: callers send the invoke token
inline constexpr char http[] = "http"; ///< trigger type
inline constexpr char cron[] = "cron"; ///< trigger type: value is a schedule (cronexpression.h)
inline constexpr char mqtt[] = "mqtt"; ///< trigger type: value is a topic filter (topicfilter.h)
} // namespace configvalues

/** What a configuration may hold, so no setting can exhaust memory, the stack or exec(). */
namespace limits
{
inline constexpr int minMemoryMiB = 64;
inline constexpr int maxMemoryMiB = 16384;
inline constexpr int memoryStepMiB = 64;
inline constexpr int minTimeoutSeconds = 1;
inline constexpr int maxTimeoutSeconds = 900;
inline constexpr std::int64_t minPayloadBytes = 1;
/** A call's body is held in memory; all bodies at once are bounded by the agent's max_buffered_body_bytes. */
inline constexpr std::int64_t maxPayloadBytes = std::int64_t(1) << 30;
inline constexpr int maxMinReplicas = 1000;
inline constexpr int minMaxReplicas = 1;
inline constexpr int maxMaxReplicas = 1000;
inline constexpr int minTargetConcurrency = 1;
inline constexpr int maxTargetConcurrency = 10000;
inline constexpr int maxIdleToZeroSeconds = 7 * 86400; ///< 0: never scale to zero
inline constexpr int maxGpuCount = 64;
inline constexpr int gpuMemoryStepMiB = 256;
inline constexpr int maxGpuMemoryMiB = 1 << 20; ///< 1 TiB, past any GPU made
inline constexpr int minGpuPercent = 1;
inline constexpr int maxGpuPercent = 100;
/** Each queued call keeps a file and a little memory on the node; the agent's own limit applies too. */
inline constexpr int maxAsyncQueueLimit = 1000000;
inline constexpr std::size_t maxSettingBytes = 1024; ///< runtime, handler, auth
inline constexpr std::size_t maxCronBytes = 256;
inline constexpr std::size_t maxTriggers = 64;
inline constexpr std::size_t maxEnvVariables = 1000;
inline constexpr std::size_t maxEnvNameBytes = 256;
inline constexpr std::size_t maxEnvValueBytes = 32 * 1024;
/** Linux refuses to start a process whose environment and arguments pass a quarter of its stack (2 MiB). */
inline constexpr std::size_t maxEnvTotalBytes = 256 * 1024;
inline constexpr char reservedEnvPrefix[] = "RUNE_"; ///< the agent sets these itself
inline constexpr std::size_t maxFunctionNameLength = 63;
/** A configuration's JSON text; a configuration is a few KiB. */
inline constexpr std::size_t maxConfigBytes = std::size_t(1) << 20;
} // namespace limits

/** What a configuration that leaves a key out gets. */
namespace defaults
{
inline constexpr const char *runtime = configvalues::python3;
inline constexpr char handler[] = "handler.handle";
inline constexpr int memoryMiB = 128;
inline constexpr int timeoutSeconds = 30;
inline constexpr std::uint64_t maxPayloadBytes = std::uint64_t(6) << 20;
inline constexpr int minReplicas = 0;
inline constexpr int maxReplicas = 4;
inline constexpr int targetConcurrency = 1;
inline constexpr int idleToZeroSeconds = 300;
inline constexpr int gpuCount = 0;
inline constexpr int gpuMemoryMiB = 0;
inline constexpr int gpuPercent = 100;
inline constexpr int asyncQueueLimit = 0; ///< no limit of its own
inline constexpr const char *auth = configvalues::authPublic;
} // namespace defaults

} // namespace rune::protocol
