// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace rune::agent
{

struct ListenAddress {
    std::string host;
    std::uint16_t port = 0;

    std::string toString() const;
    bool operator==(const ListenAddress &) const = default;
};

// Everything the agent is configured with. Defaults are the values a packaged node runs with.
struct Config {
    ListenAddress listen {"127.0.0.1", 7470};
    std::string stateDir = "/var/lib/rune-agent";
    std::string role = "compute";
    std::string tokenFile;
    ListenAddress invokeListen {"127.0.0.1", 8080};
    std::uint64_t maxBodyBytes = 8ull * 1024 * 1024;
    // Read from tokenFile; empty means no authentication (local development only).
    std::string token;

    // Callers of functions whose auth is "token" send this; empty: the control token.
    std::string invokeTokenFile;
    std::string invokeToken;

    // Function archives: the upload and what it may unpack to.
    std::uint64_t maxArchiveBytes = 64ull << 20;
    std::uint64_t maxUnpackedBytes = 256ull << 20;
    std::uint64_t maxArchiveFiles = 10000;

    // The function runtime.
    // isolated: every replica runs as a user of its own from uid_range (needs root or the
    // capabilities of the installed unit); agent: as the agent's own user (development only).
    bool isolateUsers = true;
    std::string uidRange = "auto"; // or FIRST-LAST
    std::string cgroupName; // the agent's directory in each cgroup hierarchy; empty: rune-agent-<first uid>
    std::string python3 = "/usr/bin/python3";
    std::string node = "/usr/bin/node";
    bool useCgroups = true;
    std::string cgroupParent; // empty: the agent's own cgroup, when delegated
    int maxProcessesPerReplica = 64;
    int cpuSecondsPerReplica = 3600;
    std::uint64_t queueLimitPerFunction = 256;
    int warmPoolSize = 1; // pre-started interpreters per runtime and memory size in use; 0: none
    std::uint64_t memoryBudgetMiB = 0; // what replicas may take together; 0: 90% of the machine's memory
    int coldStartWaitSeconds = 10; // a call waits this long for a function at zero, then 503
    // Threads serving the network, up to 64; 0: half the cores (the functions need the rest),
    // at least one and at most eight.
    int ioThreads = 0;

    // Triggers: cron and MQTT fire functions on this node ("auto": on the edge role only).
    std::string triggers = "auto";
    std::string mqttUrl; // tcp://host:port; empty: no MQTT
    std::string mqttUsername;
    std::string mqttPasswordFile;
    std::string mqttPassword;
    std::string mqttClientId; // empty: rune-agent-<hostname>-<control port>

    // The HTTP servers. Connections per listening port; 0: from the open-file limit at start.
    std::uint64_t maxConnections = 0;
    // Request bodies all connections may hold at once; a body that does not fit gets 503.
    std::uint64_t maxBufferedBodyBytes = 256ull << 20;
    // A body slower than this, averaged over each window (the first twice as long), gets 408.
    std::uint64_t minBodyBytesPerSecond = 1024;
    int bodyRateWindowSeconds = 10;

    // Asynchronous calls (protocol.h, namespace asynccall): the queue, retries, results, callbacks.
    int asyncQueueLimit = 1000; // unfinished calls per function; more get 429
    int asyncMaxAttempts = 3; // then the call is a dead letter
    int asyncRetryDelayMs = 1000; // before the first retry, doubling
    int asyncResultTtlSeconds = 3600; // outcomes are kept this long
    int asyncMaxResults = 10000; // and at most this many (the oldest go first)
    int callbackMaxAttempts = 5;
    int callbackRetryDelayMs = 1000; // before the first retry of a callback, doubling

    // Function logs on disk: rotated past this size, this many old files kept.
    std::uint64_t logMaxFileBytes = 8ull << 20;
    int logKeepFiles = 3;

    // Host facts: the /proc the agent reads them from (GPUs), for tests and containers, and the
    // nvidia-smi that tells the GPUs' memory.
    std::string procRoot = "/proc";
    // The controller's HAProxy gateway (haproxyconfig.h, namespace haproxykeys): the program,
    // empty for none, and where it listens (host in HAProxy's form: [v6] bracketed; port 0: unset).
    std::string haproxyBinary;
    std::string haproxyListenHost;
    std::uint16_t haproxyListenPort = 0;
    std::string nvidiaSmi = "/usr/bin/nvidia-smi";
};

// What the command line asked for. Kept after start-up so SIGHUP can re-read the config file and
// re-apply the same flags on top of it: a flag always wins over the file.
struct CommandLine {
    std::string configFile;
    std::vector<std::pair<std::string, std::string>> overrides; // config key -> value
    bool showVersion = false;
    bool showHelp = false;
    // --delegate-cgroups USER: as root, make the agent's groups and hand them to USER, then exit.
    std::string delegateCgroupsTo;
};

std::expected<CommandLine, std::string> parseCommandLine(int argc, char **argv);

// Reads the config file (if any), applies the flags, validates, and reads the token file.
std::expected<Config, std::string> loadConfig(const CommandLine &commandLine);

std::string usageText();

// The configuration in force, replaced as a whole on reload so readers on other threads always
// see one consistent version.
class LiveConfig final
{
public:
    explicit LiveConfig(Config config);

    std::shared_ptr<const Config> current() const;
    void replace(Config config);

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const Config> m_current;
};

} // namespace rune::agent
