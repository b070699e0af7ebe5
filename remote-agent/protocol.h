// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The JSON field names of the agent's control API, defined once on the agent's side. The console
// keeps its own copy (core/cluster/agentprotocol.h); both sides are tested against the same
// fixtures in tests/fixtures/protocol/, so a rename shows up as a failing test, not a silent break.

namespace rune::agent::protocol
{

namespace health
{
inline constexpr char status[] = "status";
inline constexpr char version[] = "version";
inline constexpr char role[] = "role";
inline constexpr char uptimeSeconds[] = "uptime_s";
inline constexpr char statusOk[] = "ok";
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
inline constexpr char isolation[] = "isolation";
} // namespace info

// How functions are kept apart on the node (GET /v1/info's "isolation").
namespace isolation
{
inline constexpr char users[] = "users";
inline constexpr char usersPerReplica[] = "per-replica";
inline constexpr char usersAgent[] = "agent";
inline constexpr char memory[] = "memory"; // cgroup2, cgroup1 or rlimit
inline constexpr char processes[] = "processes"; // cgroup2 or subreaper
inline constexpr char filesystem[] = "filesystem";
inline constexpr char filesystemPrivate[] = "private";
inline constexpr char filesystemShared[] = "shared";
inline constexpr char uidRange[] = "uid_range";
inline constexpr char warnings[] = "warnings";
} // namespace isolation

namespace error
{
inline constexpr char object[] = "error";
inline constexpr char code[] = "code";
inline constexpr char message[] = "message";
} // namespace error

// The machine-readable error codes; the HTTP status always agrees with the code.
namespace errorcode
{
inline constexpr char badRequest[] = "bad_request";
inline constexpr char unauthorized[] = "unauthorized";
inline constexpr char notFound[] = "not_found";
inline constexpr char methodNotAllowed[] = "method_not_allowed";
inline constexpr char payloadTooLarge[] = "payload_too_large";
inline constexpr char internal[] = "internal";
} // namespace errorcode

namespace paths
{
inline constexpr char apiPrefix[] = "/v1/";
inline constexpr char health[] = "/v1/health";
inline constexpr char info[] = "/v1/info";
} // namespace paths

} // namespace rune::agent::protocol
