// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent.h"

#include "api/followstream.h"
#include "bench/benchendpoints.h"
#include "log.h"
#include "protocol.h"
#include "runtime/embeddedfiles.h"
#include "runtime/memorybudget.h"
#include "runtime/process.h"
#include "runtime/standbypool.h"
#include "sdnotify.h"
#include "systemendpoints.h"
#include "triggers/triggerendpoints.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <pwd.h>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace rune::agent
{

namespace
{

RuntimeOptions runtimeOptions(const Config &config, LogStore &logs)
{
    RuntimeOptions options;
    options.python3 = config.python3;
    options.node = config.node;
    options.sandbox.isolateUsers = config.isolateUsers;
    options.sandbox.uidRange = config.uidRange;
    options.sandbox.stateDir = std::filesystem::absolute(config.stateDir);
    options.sandbox.useCgroups = config.useCgroups;
    options.sandbox.cgroupParent = config.cgroupParent;
    options.sandbox.cgroupName = config.cgroupName;
    for (const auto &file : {config.tokenFile, config.invokeTokenFile, config.mqttPasswordFile}) {
        if (!file.empty())
            options.sandbox.secrets.emplace_back(file);
    }
    options.sandbox.secrets.push_back(BrokerFile(options.sandbox.stateDir).passwordPath());
    options.maxProcessesPerReplica = config.maxProcessesPerReplica;
    options.cpuSecondsPerReplica = config.cpuSecondsPerReplica;
    options.queueLimitPerFunction = config.queueLimitPerFunction;
    options.coldStartWait = std::chrono::seconds(config.coldStartWaitSeconds);
    options.logSink = [&logs](LogLine line) {
        logs.append(std::move(line));
    };
    return options;
}

nlohmann::json eventJson(const RuntimeEvent &event)
{
    nlohmann::json json = {{"kind", event.kind}, {"function", event.function}, {"version", event.version}};
    if (!event.replica.empty())
        json["replica"] = event.replica;
    if (!event.detail.empty())
        json["detail"] = event.detail;
    return json;
}

// The soft open-file limit after raising it to the hard one: systemd and most shells start
// daemons at 1024, which a busy port passes alone.
rlim_t raiseOpenFileLimit()
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    rlim_t wanted = limit.rlim_max;
    if (wanted == RLIM_INFINITY) {
        // The kernel refuses more than fs.nr_open.
        wanted = 1 << 20;
        std::ifstream("/proc/sys/fs/nr_open") >> wanted;
    }
    const rlim_t before = limit.rlim_cur;
    if (wanted > before) {
        limit.rlim_cur = wanted;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
            limit.rlim_cur = before;
    }
    logLine("open files: soft limit " + std::to_string(before) + " raised to " + std::to_string(limit.rlim_cur)
        + " (hard limit "
        + (limit.rlim_max == RLIM_INFINITY ? std::string("unlimited") : std::to_string(limit.rlim_max)) + ")");
    return limit.rlim_cur;
}

// Each port's share of the descriptors: a quarter, after a reserve for the agent's own files.
// The two ports (and their spare room for health checks) take about half, the function
// processes' pipes and files the rest.
std::size_t automaticConnectionCap(rlim_t openFiles)
{
    constexpr rlim_t reserve = 256;
    return std::max<std::size_t>(64, std::size_t(openFiles > reserve ? (openFiles - reserve) / 4 : 0));
}

long long millisecondsBetween(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

/**
 * Times the steps of the agent's end. After a stop signal, one log line says how long the stop
 * took and which steps took a noticeable part of it; an end without a signal (a failed start)
 * says nothing.
 */
class ShutdownSteps
{
public:
    ShutdownSteps(std::optional<std::chrono::steady_clock::time_point> signalled,
        std::optional<std::chrono::steady_clock::time_point> drained)
        : m_signalled(signalled)
        , m_drained(drained)
    {
    }

    template <typename Step> void time(const char *name, Step &&step)
    {
        const auto start = std::chrono::steady_clock::now();
        step();
        if (const auto took = millisecondsBetween(start, std::chrono::steady_clock::now()); took >= noticeable)
            m_slow += std::string(m_slow.empty() ? "" : ", ") + name + ' ' + std::to_string(took) + " ms";
    }

    void report() const
    {
        if (!m_signalled)
            return;
        std::string line = "the stop took "
            + std::to_string(millisecondsBetween(*m_signalled, std::chrono::steady_clock::now()))
            + " ms from the stop signal";
        if (m_drained)
            line +=
                "; connections closed after " + std::to_string(millisecondsBetween(*m_signalled, *m_drained)) + " ms";
        if (!m_slow.empty())
            line += "; then " + m_slow;
        logLine(line);
    }

private:
    static constexpr long long noticeable = 100;
    std::optional<std::chrono::steady_clock::time_point> m_signalled;
    std::optional<std::chrono::steady_clock::time_point> m_drained;
    std::string m_slow;
};

} // namespace

int Agent::ioThreadCount(const Config &config)
{
    if (config.ioThreads > 0)
        return config.ioThreads;
    // The functions run on the same cores. Every call costs a worker about as much CPU as it
    // costs the agent, and each io thread more adds hand-offs between threads to every call:
    // on two cores one io thread serves ~15 % more calls than two (tests/bench/invoke.sh).
    // Nothing slow runs on these threads; deploys go to m_blocking.
    return int(std::clamp(std::thread::hardware_concurrency() / 2, 1u, 8u));
}

Agent::Agent(CommandLine commandLine, Config config, AgentHooks hooks)
    : m_commandLine(std::move(commandLine))
    , m_hooks(std::move(hooks))
    , m_startedAt(std::chrono::steady_clock::now())
    , m_ioThreads(ioThreadCount(config))
    , m_io(m_ioThreads)
    , m_config(std::make_shared<LiveConfig>(std::move(config)))
    , m_router(std::make_shared<Router>())
    , m_invokeRouter(std::make_shared<Router>())
    , m_server(m_io, ServerContext {m_router, m_config, m_bodyBudget})
    , m_invokeServer(m_io, ServerContext {m_invokeRouter, m_config, m_bodyBudget})
    , m_signals(m_io, SIGTERM, SIGINT, SIGHUP)
    , m_sampleTimer(m_io)
    , m_reapTimer(m_io)
{
    const std::filesystem::path state = std::filesystem::absolute(m_config->current()->stateDir);
    m_bench = std::make_shared<BenchRunner>(state / "bench", m_events);
    addSystemEndpoints(*m_router, m_config, m_startedAt, m_isolationInfo, m_gpuInfo, m_bench);
    addBenchEndpoints(*m_router, m_bench, state);
}

Agent::~Agent()
{
    // A stop that keeps a service manager waiting says where its time went.
    ShutdownSteps steps(m_stopRequestedAt, m_drainedAt);
    // Its thread appends to m_events, which goes before the routes that share the runner.
    steps.time("benchmarks", [this] {
        m_bench->stop();
    });
    // Before the functions stop: a call they fail now stays queued on disk for the next start.
    if (m_async)
        steps.time("asynchronous calls", [this] {
            m_async->stop();
        });
    if (m_gateway)
        steps.time("gateway", [this] {
            m_gateway->stop();
        });
    if (m_haproxy)
        steps.time("haproxy", [this] {
            m_haproxy->stop();
        });
    if (m_triggers)
        steps.time("triggers", [this] {
            m_triggers->stop();
        });
    if (m_host) {
        steps.time("functions", [this] {
            m_host->setChangeListener({});
            m_host->shutdown();
        });
    }
    steps.time("process groups", [] {
        ProcessGroupRegistry::killAll();
    });
    steps.time("deploys in progress", [this] {
        m_blocking.join();
    });
    if (m_runtime)
        steps.time("sandbox", [this] {
            m_runtime->sandbox.teardown();
        });
    steps.report();
}

Router &Agent::router()
{
    return *m_router;
}

std::expected<void, std::string> Agent::prepareRuntime()
{
    const auto config = m_config->current();
    const std::filesystem::path state = config->stateDir;
    m_store = std::make_unique<FunctionStore>(state, ArchiveLimits {config->maxUnpackedBytes, config->maxArchiveFiles});
    m_store->recover();
    if (m_hooks.afterDeployStep)
        m_store->setAfterStep(m_hooks.afterDeployStep);
    m_logs = std::make_unique<LogStore>(
        state / "logs", LogStore::Limits {config->logMaxFileBytes, config->logKeepFiles, 20000});
    m_node = std::make_unique<NodeSampler>(config->stateDir);
    auto context = std::make_shared<RuntimeContext>();
    context->options = runtimeOptions(*config, *m_logs);
    auto sandbox = Sandbox::detect(context->options.sandbox);
    if (!sandbox)
        return std::unexpected(sandbox.error());
    context->sandbox = std::move(*sandbox);
    if (const std::string swept = context->sandbox.sweep(); !swept.empty())
        logLine(swept);
    auto runtimes = installRuntimeFiles(state / "runtimes");
    if (!runtimes)
        return std::unexpected(runtimes.error());
    context->runtimesDir = *runtimes;
    const std::uint64_t budget = config->memoryBudgetMiB > 0
        ? config->memoryBudgetMiB
        : m_node->latest().memoryTotalBytes / (1024 * 1024) * 9 / 10;
    context->memory = std::make_shared<MemoryBudget>(budget);
    // Eight at most: idle interpreters cost memory the functions could use.
    context->standby = std::make_shared<StandbyPool>(m_io, *context, config->warmPoolSize, 8);
    // Before the servers start: nvidia-smi can take seconds, which no request should wait for.
    context->gpus = detectGpus(GpuSources {config->procRoot, config->nvidiaSmi});
    *m_gpuInfo = gpusJson(context->gpus);
    logLine(std::to_string(context->gpus.size()) + (context->gpus.size() == 1 ? " GPU" : " GPUs"));
    const SandboxReport &report = context->sandbox.report();
    logLine(report.summary());
    for (const std::string &note : report.notes)
        logLine("  " + note);
    for (const std::string &warning : report.warnings)
        logLine("warning: " + warning);
    *m_isolationInfo = isolationJson(report);
    m_store->setDeployCheck([sandbox = &context->sandbox] {
        return sandbox->codeUnreachable();
    });
    m_runtime = context;
    m_host = std::make_unique<FunctionHost>(m_io, std::move(context), *m_store, [this](RuntimeEvent event) {
        m_events.append(eventJson(event));
    });
    if (auto triggers = prepareTriggers(); !triggers)
        return triggers;
    if (config->role == "controller")
        m_gateway = std::make_shared<Gateway>(m_io, m_events);
    if (m_gateway && !config->haproxyBinary.empty())
        m_haproxy = std::make_shared<HaproxySupervisor>(HaproxyOptions {config->haproxyBinary,
                                                            {config->haproxyListenHost, config->haproxyListenPort},
                                                            std::filesystem::absolute(state) / "haproxy",
                                                            std::chrono::seconds(10)},
            m_events);
    m_async = std::make_shared<AsyncQueue>(m_io, *m_host, m_metrics, m_config, state / "async");
    m_async->recover();
    m_services = std::make_shared<AgentServices>(AgentServices {m_config,
        *m_store,
        *m_host,
        m_metrics,
        *m_node,
        m_events,
        *m_logs,
        m_io.get_executor(),
        m_blocking.get_executor(),
        m_startedAt,
        m_triggers,
        m_gateway,
        m_async,
        m_haproxy});
    addFunctionEndpoints(*m_router, m_services);
    addTrialEndpoints(*m_router, m_services);
    addObservationEndpoints(*m_router, m_services);
    addClusterEndpoints(*m_router, m_services);
    addAsyncEndpoints(*m_router, m_services);
    addTriggerEndpoints(*m_router, m_services, m_brokerControl);
    addInvokeEndpoints(*m_invokeRouter, m_services);
    m_host->loadAll();
    m_async->start();
    if (m_gateway)
        m_gateway->start();
    if (m_haproxy)
        m_haproxy->start();
    if (!m_triggers)
        return {};
    if (auto started = m_triggers->start(); !started)
        return started;
    // A broker that cannot be used (a damaged file, a URL Paho refuses) is in GET /v1/triggers
    // and the log; it does not stop the node from serving its functions.
    if (auto applied = applyBroker(); !applied)
        logLine("mqtt: " + applied.error());
    return {};
}

std::expected<void, std::string> Agent::prepareTriggers()
{
    const auto config = m_config->current();
    m_brokerControl =
        std::make_shared<BrokerControl>(BrokerControl {BrokerFile(std::filesystem::absolute(config->stateDir)), [this] {
                                                           return applyBroker();
                                                       }});
    const bool enabled = config->triggers == "on" || (config->triggers == "auto" && config->role == "edge");
    if (!enabled)
        return {};
    m_mqttClientId = config->mqttClientId;
    if (m_mqttClientId.empty()) {
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        m_mqttClientId = "rune-agent-" + std::string(host) + "-" + std::to_string(::getpid());
    }
    m_triggers = std::make_shared<TriggerService>(m_io, *m_host, m_events, m_metrics, std::nullopt);
    m_host->setChangeListener([triggers = std::weak_ptr<TriggerService>(m_triggers)] {
        if (const auto service = triggers.lock())
            service->refresh();
    });
    logLine("triggers fire on this node");
    return {};
}

std::expected<Agent::BrokerChoice, std::string> Agent::chooseBroker() const
{
    const auto config = m_config->current();
    auto stored = m_brokerControl->file.load();
    if (!stored)
        return std::unexpected(stored.error());
    if (*stored) {
        auto password = m_brokerControl->file.password();
        if (!password)
            return std::unexpected(password.error());
        return BrokerChoice {MqttSettings {(*stored)->url, (*stored)->username, std::move(*password), m_mqttClientId},
            protocol::triggers::sourceApi};
    }
    if (config->mqttUrl.empty())
        return BrokerChoice {std::nullopt, protocol::triggers::sourceConfig};
    return BrokerChoice {MqttSettings {config->mqttUrl, config->mqttUsername, config->mqttPassword, m_mqttClientId},
        protocol::triggers::sourceConfig};
}

std::expected<void, std::string> Agent::applyBroker()
{
    if (!m_triggers)
        return {};
    auto choice = chooseBroker();
    if (!choice)
        return std::unexpected(choice.error());
    if (!choice->settings)
        logLine("triggers: cron only (no MQTT broker: set mqtt_url or a broker from the console)");
    return m_triggers->setBroker(std::move(choice->settings), choice->source);
}

std::expected<std::string, std::string> Agent::listenAll()
{
    const auto config = m_config->current();
    const auto control = m_server.listen(config->listen);
    if (!control)
        return std::unexpected(control.error());
    const auto invoke = m_invokeServer.listen(config->invokeListen);
    if (!invoke)
        return std::unexpected(invoke.error());
    const auto where = [](const boost::asio::ip::tcp::endpoint &endpoint) {
        return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    };
    // Whoever started the agent with port 0 learns the ports from these lines.
    std::cout << "invoke on " << where(*invoke) << '\n';
    return where(*control);
}

int Agent::run()
{
    becomeSubreaper();
    const auto config = m_config->current();
    std::error_code dirError;
    std::filesystem::create_directories(config->stateDir, dirError);
    // Nothing under the state directory is anyone else's business; functions see only their own
    // code and the worker scripts, mounted into their own namespace.
    if (!dirError && config->isolateUsers)
        std::filesystem::permissions(config->stateDir, std::filesystem::perms(0700), dirError);
    if (dirError) {
        std::cerr << "rune-agent: cannot create state directory " << config->stateDir << ": " << dirError.message()
                  << '\n';
        return 1;
    }
    m_bench->removeLeftovers();
    if (auto prepared = prepareRuntime(); !prepared) {
        std::cerr << "rune-agent: " << prepared.error() << '\n';
        return 1;
    }
    limitConnections();
    const auto where = listenAll();
    if (!where) {
        std::cerr << "rune-agent: " << where.error() << '\n';
        return 1;
    }
    logLine("rune-agent " RUNE_VERSION " (" + config->role + ") listening on " + *where
        + (config->token.empty() ? " without authentication" : ""));
    // The line a supervisor or test waits for; the control port, after the invoke port above.
    std::cout << "listening on " << *where << std::endl;
    waitForSignal();
    sampleNode();
    reapOrphansRegularly();
    m_server.start();
    m_invokeServer.start();
    notifySystemd("READY=1");
    runThreads();
    logLine("stopped");
    return 0;
}

void Agent::limitConnections()
{
    const rlim_t openFiles = raiseOpenFileLimit();
    const auto config = m_config->current();
    const std::size_t cap = config->maxConnections > 0 ? config->maxConnections : automaticConnectionCap(openFiles);
    if (config->maxConnections > 0 && 2 * cap + 512 > openFiles)
        logLine("max_connections " + std::to_string(cap) + " per port leaves few of the " + std::to_string(openFiles)
            + " open files for functions");
    logLine("at most " + std::to_string(cap) + " connections per port");
    m_server.setMaxConnections(cap);
    m_invokeServer.setMaxConnections(cap);
}

void Agent::sampleNode()
{
    m_sampleTimer.expires_after(std::chrono::seconds(1));
    m_sampleTimer.async_wait([this](boost::system::error_code error) {
        if (error || m_shuttingDown)
            return;
        m_node->sample();
        m_metrics.rememberLatencies(std::chrono::steady_clock::now());
        if (m_host)
            m_host->expireTrials();
        sampleNode();
    });
}

// Orphans of functions' processes come to the agent (a subreaper): collect them, and where
// nothing else tracks a function's processes, end them.
void Agent::reapOrphansRegularly()
{
    m_reapTimer.expires_after(std::chrono::seconds(1));
    m_reapTimer.async_wait([this](boost::system::error_code error) {
        if (error || m_shuttingDown)
            return;
        const SandboxReport &report = m_runtime->sandbox.report();
        reapOrphans(!report.isolatedUsers && !report.cgroupTracking);
        reapOrphansRegularly();
    });
}

void Agent::runThreads()
{
    const auto work = [this] {
        // A throwing handler must not take the whole daemon down with it.
        for (;;) {
            try {
                m_io.run();
                return;
            } catch (const std::exception &failure) {
                logLine(std::string("unexpected error: ") + failure.what());
            }
        }
    };
    std::vector<std::jthread> pool;
    for (int index = 1; index < m_ioThreads; ++index)
        pool.emplace_back(work);
    work();
}

void Agent::waitForSignal()
{
    m_signals.async_wait([this](boost::system::error_code error, int signalNumber) {
        if (!error)
            onSignal(signalNumber);
    });
}

void Agent::onSignal(int signalNumber)
{
    if (signalNumber == SIGHUP) {
        reload();
        return waitForSignal();
    }
    if (m_shuttingDown) {
        logLine("second stop signal: leaving now");
        return m_io.stop();
    }
    logLine(std::string("received ") + (signalNumber == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
    beginShutdown();
    waitForSignal();
}

void Agent::reload()
{
    auto next = loadConfig(m_commandLine);
    if (!next) {
        logLine("SIGHUP: keeping the current configuration: " + next.error());
        return;
    }
    const auto current = m_config->current();
    if (next->listen != current->listen || next->stateDir != current->stateDir
        || next->invokeListen != current->invokeListen)
        logLine("SIGHUP: listen, invoke_listen and state_dir changes take effect after a restart");
    next->listen = current->listen;
    next->invokeListen = current->invokeListen;
    next->stateDir = current->stateDir;
    const bool hasToken = !next->token.empty();
    m_config->replace(std::move(*next));
    logLine(std::string("SIGHUP: configuration and token reloaded") + (hasToken ? "" : " (no authentication)"));
    if (auto applied = applyBroker(); !applied)
        logLine("SIGHUP: mqtt: " + applied.error());
}

void Agent::beginShutdown()
{
    m_shuttingDown = true;
    m_stopRequestedAt = std::chrono::steady_clock::now();
    notifySystemd("STOPPING=1");
    m_sampleTimer.cancel();
    m_reapTimer.cancel();
    m_bench->refuseNewRuns();
    FollowStream::closeAll();
    // Calls in flight finish first; then the replicas go, then the event loop.
    auto pending = std::make_shared<std::atomic<int>>(2);
    const auto drained = [this, pending] {
        if (--*pending > 0)
            return;
        m_drainedAt = std::chrono::steady_clock::now();
        // Asynchronous calls the replicas' end fails stay queued on disk, for the next start.
        m_async->halt();
        m_host->shutdown();
        m_signals.cancel();
        m_io.stop();
    };
    m_server.shutdown(shutdownGrace, drained);
    m_invokeServer.shutdown(shutdownGrace, drained);
}

int delegateCgroupsCommand(const Config &config, const std::string &user)
{
    std::vector<char> buffer(16384);
    passwd entry {};
    passwd *found = nullptr;
    if (::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
        std::cerr << "rune-agent: no user named '" << user << "'\n";
        return 1;
    }
    if (::geteuid() != 0) {
        std::cerr << "rune-agent: --delegate-cgroups must run as root\n";
        return 1;
    }
    const auto leaf =
        delegateCgroups(config.cgroupName.empty() ? "rune-agent" : config.cgroupName, found->pw_uid, found->pw_gid);
    if (!leaf) {
        std::cerr << "rune-agent: " << leaf.error() << '\n';
        return 1;
    }
    std::cout << leaf->string() << '\n';
    return 0;
}

} // namespace rune::agent
