// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "haproxyconfig.h"
#include "protocol.h"
#include "runtime/uidrange.h"

#include <array>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>

namespace rune::agent
{

namespace
{

constexpr std::array roles {std::string_view("controller"), std::string_view("compute"), std::string_view("edge")};

struct FlagSpec {
    std::string_view flag;
    std::string_view key; // the config key the flag overrides; empty for --config
};

constexpr std::array valueFlags {FlagSpec {"--config", ""},
    FlagSpec {"--listen", "listen"},
    FlagSpec {"--state-dir", "state_dir"},
    FlagSpec {"--role", "role"},
    FlagSpec {"--token-file", "token_file"},
    FlagSpec {"--invoke-listen", "invoke_listen"},
    FlagSpec {"--run-as", "run_as"}};

std::string trim(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

template <typename Number> std::expected<Number, std::string> parseNumber(std::string_view text, std::string_view what)
{
    Number value {};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc {} || end != text.data() + text.size())
        return std::unexpected("invalid " + std::string(what) + " '" + std::string(text) + "'");
    return value;
}

std::expected<ListenAddress, std::string> parseListenAddress(std::string_view text)
{
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        return std::unexpected("expected HOST:PORT, got '" + std::string(text) + "'");
    ListenAddress address {std::string(text.substr(0, colon)), 0};
    boost::system::error_code error;
    boost::asio::ip::make_address(address.host, error);
    if (error)
        return std::unexpected("'" + address.host + "' is not an IP address");
    const auto port = parseNumber<std::uint16_t>(text.substr(colon + 1), "port");
    if (!port)
        return std::unexpected(port.error());
    address.port = *port;
    return address;
}

std::expected<void, std::string> setListen(ListenAddress &target, std::string_view value)
{
    auto address = parseListenAddress(value);
    if (!address)
        return std::unexpected(address.error());
    target = std::move(*address);
    return {};
}

std::expected<void, std::string> setRole(Config &config, std::string_view value)
{
    for (const auto role : roles) {
        if (role == value) {
            config.role = value;
            return {};
        }
    }
    return std::unexpected("role must be controller, compute or edge, got '" + std::string(value) + "'");
}

std::expected<void, std::string> setMaxBody(Config &config, std::string_view value)
{
    const auto bytes = parseNumber<std::uint64_t>(value, "max_body_bytes");
    if (!bytes || *bytes == 0)
        return std::unexpected("max_body_bytes must be a positive number of bytes, got '" + std::string(value) + "'");
    config.maxBodyBytes = *bytes;
    return {};
}

std::expected<void, std::string> setSwitch(bool &target, std::string_view key, std::string_view value)
{
    if (value != "on" && value != "off")
        return std::unexpected(std::string(key) + " must be on or off, got '" + std::string(value) + "'");
    target = value == "on";
    return {};
}

template <typename Number>
std::expected<void, std::string> setPositive(Number &target, std::string_view key, std::string_view value)
{
    const auto number = parseNumber<Number>(value, key);
    if (!number || *number <= 0)
        return std::unexpected(std::string(key) + " must be a positive whole number, got '" + std::string(value) + "'");
    target = *number;
    return {};
}

// 0 to 64; @p zero says what 0 means in the error.
std::expected<void, std::string> setUpTo64(
    int &target, std::string_view key, std::string_view value, std::string_view zero)
{
    const auto number = parseNumber<int>(value, key);
    if (!number || *number < 0 || *number > 64)
        return std::unexpected(
            std::string(key) + " must be " + std::string(zero) + " to 64, got '" + std::string(value) + "'");
    target = *number;
    return {};
}

// The asynchronous calls' settings; nullopt when @p key is not one of them.
std::optional<std::expected<void, std::string>> applyAsyncSetting(
    Config &config, std::string_view key, std::string_view value)
{
    namespace keys = protocol::asynccall;
    const std::pair<const char *, int *> settings[] = {{keys::queueLimitKey, &config.asyncQueueLimit},
        {keys::maxAttemptsKey, &config.asyncMaxAttempts},
        {keys::retryDelayKey, &config.asyncRetryDelayMs},
        {keys::resultTtlKey, &config.asyncResultTtlSeconds},
        {keys::maxResultsKey, &config.asyncMaxResults},
        {keys::callbackAttemptsKey, &config.callbackMaxAttempts},
        {keys::callbackDelayKey, &config.callbackRetryDelayMs}};
    for (const auto &[name, target] : settings) {
        if (key == name)
            return setPositive(*target, key, value);
    }
    return std::nullopt;
}

// The numeric settings; nullopt when @p key is not one of them.
std::optional<std::expected<void, std::string>> applyNumberSetting(
    Config &config, std::string_view key, std::string_view value)
{
    if (key == "max_archive_bytes")
        return setPositive(config.maxArchiveBytes, key, value);
    if (key == "max_unpacked_bytes")
        return setPositive(config.maxUnpackedBytes, key, value);
    if (key == "max_archive_files")
        return setPositive(config.maxArchiveFiles, key, value);
    if (key == "max_processes_per_replica")
        return setPositive(config.maxProcessesPerReplica, key, value);
    if (key == "cpu_seconds_per_replica")
        return setPositive(config.cpuSecondsPerReplica, key, value);
    if (key == "queue_limit_per_function")
        return setPositive(config.queueLimitPerFunction, key, value);
    if (key == "warm_pool_size")
        return setUpTo64(config.warmPoolSize, key, value, "0");
    if (key == "io_threads")
        return setUpTo64(config.ioThreads, key, value, "0 (automatic)");
    if (key == "memory_budget_mib")
        return setPositive(config.memoryBudgetMiB, key, value);
    if (key == "cold_start_wait_seconds")
        return setPositive(config.coldStartWaitSeconds, key, value);
    if (key == "log_max_file_bytes")
        return setPositive(config.logMaxFileBytes, key, value);
    if (key == "log_keep_files")
        return setPositive(config.logKeepFiles, key, value);
    if (key == "max_buffered_body_bytes")
        return setPositive(config.maxBufferedBodyBytes, key, value);
    if (key == "min_body_bytes_per_second")
        return setPositive(config.minBodyBytesPerSecond, key, value);
    if (key == "body_rate_window_seconds")
        return setPositive(config.bodyRateWindowSeconds, key, value);
    if (auto async = applyAsyncSetting(config, key, value))
        return *async;
    if (key == "max_connections") {
        const auto number = parseNumber<std::uint64_t>(value, key);
        if (!number)
            return std::unexpected(
                "max_connections must be 0 (automatic) or a whole number, got '" + std::string(value) + "'");
        config.maxConnections = *number;
        return std::expected<void, std::string> {};
    }
    return std::nullopt;
}

// The HAProxy gateway's settings; nullopt when @p key is not one of them.
std::optional<std::expected<void, std::string>> applyHaproxySetting(
    Config &config, std::string_view key, std::string_view value)
{
    if (key == protocol::haproxykeys::binary) {
        if (auto problem = protocol::haproxyBinaryProblem(value); !problem.empty())
            return std::unexpected(std::move(problem));
        config.haproxyBinary = value;
        return std::expected<void, std::string> {};
    }
    if (key != protocol::haproxykeys::listen)
        return std::nullopt;
    auto listen = protocol::parseHaproxyListen(value);
    if (!listen)
        return std::unexpected(listen.error());
    config.haproxyListenHost = std::move(listen->host);
    config.haproxyListenPort = listen->port;
    return std::expected<void, std::string> {};
}

// The settings that only make sense together, checked once every source has been applied.
std::expected<void, std::string> checkCombinations(const Config &config)
{
    if (config.haproxyBinary.empty())
        return {};
    if (config.role != "controller")
        return std::unexpected(std::string("haproxy_binary is for the controller role only (this node is ")
            + config.role + "); leave it empty on other nodes");
    if (config.haproxyListenPort == 0)
        return std::unexpected(std::string("haproxy_binary needs haproxy_listen, where HAProxy takes calls (such as "
                                           "0.0.0.0:8088)"));
    const auto host = config.haproxyListenHost;
    const bool wildcard = host == "0.0.0.0" || host == "[::]";
    const std::string invokeHost = config.invokeListen.host.find(':') == std::string::npos
        ? config.invokeListen.host
        : "[" + config.invokeListen.host + "]";
    if (config.haproxyListenPort == config.invokeListen.port && (wildcard || host == invokeHost))
        return std::unexpected("haproxy_listen " + host + ":" + std::to_string(config.haproxyListenPort)
            + " is the agent's own invoke_listen port; HAProxy needs a port of its own");
    return {};
}

std::expected<void, std::string> applySetting(Config &config, std::string_view key, std::string_view value)
{
    if (key == "listen")
        return setListen(config.listen, value);
    if (key == "invoke_listen")
        return setListen(config.invokeListen, value);
    if (key == "role")
        return setRole(config, value);
    if (key == "max_body_bytes")
        return setMaxBody(config, value);
    if (key == "run_as") {
        // "" was how an earlier version said "the agent's own user".
        if (value != "isolated" && value != "agent" && !value.empty())
            return std::unexpected("run_as must be isolated (a user of its own per replica) or agent (the agent's own "
                                   "user, for development), got '"
                + std::string(value) + "'");
        config.isolateUsers = value == "isolated";
        return {};
    }
    if (auto number = applyNumberSetting(config, key, value))
        return *number;
    if (auto haproxy = applyHaproxySetting(config, key, value))
        return *haproxy;
    if (value.empty())
        return std::unexpected(std::string(key) + " needs a value");
    if (key == "state_dir")
        config.stateDir = value;
    else if (key == "token_file")
        config.tokenFile = value;
    else if (key == "invoke_token_file")
        config.invokeTokenFile = value;
    else if (key == "python3")
        config.python3 = value;
    else if (key == "node")
        config.node = value;
    else if (key == "cgroup_parent")
        config.cgroupParent = value;
    else if (key == "cgroup_name")
        config.cgroupName = value;
    else if (key == "uid_range") {
        if (value != "auto") {
            if (auto block = parseUidBlock(value); !block)
                return std::unexpected(block.error());
        }
        config.uidRange = value;
    } else if (key == "cgroups")
        return setSwitch(config.useCgroups, key, value);
    else if (key == "triggers") {
        if (value != "auto" && value != "on" && value != "off")
            return std::unexpected("triggers must be auto, on or off, got '" + std::string(value) + "'");
        config.triggers = value;
    } else if (key == "mqtt_url")
        config.mqttUrl = value;
    else if (key == "mqtt_username")
        config.mqttUsername = value;
    else if (key == "mqtt_password_file")
        config.mqttPasswordFile = value;
    else if (key == "mqtt_client_id")
        config.mqttClientId = value;
    else if (key == "proc_root")
        config.procRoot = value;
    else if (key == "nvidia_smi")
        config.nvidiaSmi = value;
    else
        return std::unexpected("unknown setting '" + std::string(key) + "'");
    return {};
}

std::expected<void, std::string> applyConfigLine(Config &config, std::string_view line)
{
    const std::string content = trim(line.substr(0, line.find('#')));
    if (content.empty())
        return {};
    const auto equals = content.find('=');
    if (equals == std::string::npos)
        return std::unexpected("expected 'key = value', got '" + content + "'");
    return applySetting(config, trim(content.substr(0, equals)), trim(content.substr(equals + 1)));
}

std::expected<void, std::string> applyConfigFile(Config &config, const std::string &path)
{
    std::ifstream file(path);
    if (!file)
        return std::unexpected("cannot read config file " + path);
    std::string line;
    for (int number = 1; std::getline(file, line); ++number) {
        if (auto applied = applyConfigLine(config, line); !applied)
            return std::unexpected(path + ":" + std::to_string(number) + ": " + applied.error());
    }
    return {};
}

std::expected<std::string, std::string> readToken(const std::string &path)
{
    std::ifstream file(path);
    if (!file)
        return std::unexpected("cannot read token file " + path);
    std::ostringstream content;
    content << file.rdbuf();
    std::string token = trim(content.str());
    if (token.empty())
        return std::unexpected("token file " + path + " is empty");
    return token;
}

const FlagSpec *findValueFlag(std::string_view flag)
{
    for (const auto &spec : valueFlags) {
        if (spec.flag == flag)
            return &spec;
    }
    return nullptr;
}

std::expected<void, std::string> applyValueFlag(
    CommandLine &commandLine, const FlagSpec &spec, std::optional<std::string> given)
{
    // `--run-as ""` is a choice (functions keep the agent's user); a missing value never is.
    if (!given || (given->empty() && spec.key != "run_as"))
        return std::unexpected(std::string(spec.flag) + " needs a value");
    std::string value = std::move(*given);
    if (spec.key.empty())
        commandLine.configFile = std::move(value);
    else
        commandLine.overrides.emplace_back(spec.key, std::move(value));
    return {};
}

} // namespace

std::string ListenAddress::toString() const
{
    return host + ":" + std::to_string(port);
}

std::expected<CommandLine, std::string> parseCommandLine(int argc, char **argv)
{
    CommandLine commandLine;
    for (int index = 1; index < argc; ++index) {
        std::string_view argument = argv[index];
        if (argument == "--version" || argument == "--help") {
            (argument == "--version" ? commandLine.showVersion : commandLine.showHelp) = true;
            continue;
        }
        if (argument == "--delegate-cgroups") {
            if (index + 1 >= argc || std::string_view(argv[index + 1]).empty())
                return std::unexpected(std::string("--delegate-cgroups needs a user name"));
            commandLine.delegateCgroupsTo = argv[++index];
            continue;
        }
        const auto equals = argument.find('=');
        const FlagSpec *spec = findValueFlag(argument.substr(0, equals));
        if (!spec)
            return std::unexpected("unknown option '" + std::string(argument) + "'");
        std::optional<std::string> value;
        if (equals != std::string_view::npos)
            value = std::string(argument.substr(equals + 1));
        else if (index + 1 < argc)
            value = std::string(argv[++index]);
        if (auto applied = applyValueFlag(commandLine, *spec, std::move(value)); !applied)
            return std::unexpected(applied.error());
    }
    return commandLine;
}

std::expected<Config, std::string> loadConfig(const CommandLine &commandLine)
{
    Config config;
    if (!commandLine.configFile.empty()) {
        if (auto applied = applyConfigFile(config, commandLine.configFile); !applied)
            return std::unexpected(applied.error());
    }
    for (const auto &[key, value] : commandLine.overrides) {
        if (auto applied = applySetting(config, key, value); !applied)
            return std::unexpected(applied.error());
    }
    if (auto combined = checkCombinations(config); !combined)
        return std::unexpected(combined.error());
    if (!config.tokenFile.empty()) {
        auto token = readToken(config.tokenFile);
        if (!token)
            return std::unexpected(token.error());
        config.token = std::move(*token);
    }
    if (!config.mqttPasswordFile.empty()) {
        auto password = readToken(config.mqttPasswordFile);
        if (!password)
            return std::unexpected(password.error());
        config.mqttPassword = std::move(*password);
    }
    if (!config.invokeTokenFile.empty()) {
        auto token = readToken(config.invokeTokenFile);
        if (!token)
            return std::unexpected(token.error());
        config.invokeToken = std::move(*token);
    }
    return config;
}

std::string usageText()
{
    return "Usage: rune-agent [options]\n"
           "  --config FILE         read settings from FILE (key = value lines, # comments)\n"
           "  --listen HOST:PORT    control API address (default 127.0.0.1:7470; port 0 picks a free one)\n"
           "  --state-dir DIR       where functions and state live (default /var/lib/rune-agent)\n"
           "  --role ROLE           controller, compute or edge (default compute)\n"
           "  --token-file FILE     bearer token clients must send; without it there is no auth\n"
           "  --invoke-listen HOST:PORT  where functions are called (default 127.0.0.1:8080)\n"
           "  --run-as isolated|agent  functions run as users of their own (default; needs root or\n"
           "                        CAP_SETUID, CAP_SETGID, CAP_KILL, CAP_SYS_ADMIN, CAP_SYS_CHROOT) or as the\n"
           "                        agent's own user (development only: no isolation)\n"
           "  --delegate-cgroups USER  (as root) make the agent's cgroups, hand them to USER, print the\n"
           "                        group to start the agent in, and exit: for an agent run as its own user\n"
           "  --version             print the version and exit\n"
           "  --help                print this help and exit\n"
           "Config keys: listen, state_dir, role, token_file, invoke_listen, invoke_token_file, max_body_bytes,\n"
           "  max_archive_bytes, max_unpacked_bytes, max_archive_files, run_as, uid_range (auto|FIRST-LAST),\n"
           "  python3, node, cgroups (on|off), cgroup_parent, cgroup_name, max_processes_per_replica,\n"
           "  cpu_seconds_per_replica, queue_limit_per_function,\n"
           "  log_max_file_bytes, log_keep_files, warm_pool_size, memory_budget_mib, cold_start_wait_seconds,\n"
           "  io_threads, triggers (auto|on|off), mqtt_url, mqtt_username, mqtt_password_file, mqtt_client_id,\n"
           "  max_connections (per port, read at start; 0: from the open-file limit), max_buffered_body_bytes (all "
           "request\n"
           "  bodies held at once, default 256 MiB), min_body_bytes_per_second (default 1024) and\n"
           "  body_rate_window_seconds (default 10): a slower upload gets 408.\n"
           "  async_queue_limit (default 1000), async_max_attempts (3), async_retry_delay_ms (1000),\n"
           "  async_result_ttl_seconds (3600), async_max_results (10000), callback_max_attempts (5),\n"
           "  callback_retry_delay_ms (1000): asynchronous calls (/async-function/<name>).\n"
           "  proc_root (default /proc): the /proc the agent reads host facts from; for tests and containers.\n"
           "  nvidia_smi (default /usr/bin/nvidia-smi): tells the GPUs' memory; read at start, like proc_root.\n"
           "  haproxy_binary (absolute path; empty: none) and haproxy_listen (IPV4:PORT or [IPV6]:PORT): a controller\n"
           "  runs HAProxy as its gateway there, with the node list of PUT /v1/cluster; read at start.\n"
           "SIGHUP re-reads the config and token files; SIGTERM stops after in-flight requests.\n";
}

LiveConfig::LiveConfig(Config config)
    : m_current(std::make_shared<const Config>(std::move(config)))
{
}

std::shared_ptr<const Config> LiveConfig::current() const
{
    const std::lock_guard lock(m_mutex);
    return m_current;
}

void LiveConfig::replace(Config config)
{
    auto next = std::make_shared<const Config>(std::move(config));
    const std::lock_guard lock(m_mutex);
    m_current = std::move(next);
}

} // namespace rune::agent
