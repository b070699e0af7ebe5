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
} // namespace info

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
} // namespace paths

} // namespace rune::protocol
