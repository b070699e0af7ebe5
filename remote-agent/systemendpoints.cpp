// SPDX-License-Identifier: GPL-3.0-or-later
#include "systemendpoints.h"

#include "bench/benchrunner.h"
#include "benchprotocol.h"
#include "hostinfo.h"
#include "protocol.h"
#include "runtime/sandbox.h"

#include <nlohmann/json.hpp>

namespace rune::agent
{

nlohmann::json healthJson(const Config &config, std::chrono::steady_clock::duration uptime)
{
    namespace health = protocol::health;
    return {{health::status, health::statusOk},
        {health::version, RUNE_VERSION},
        {health::role, config.role},
        {health::uptimeSeconds, std::chrono::duration_cast<std::chrono::seconds>(uptime).count()}};
}

nlohmann::json infoJson(const Config &config)
{
    namespace info = protocol::info;
    const HostFacts facts = readHostFacts(config.stateDir);
    return {{info::hostname, facts.hostname},
        {info::os, facts.os},
        {info::kernel, facts.kernel},
        {info::arch, facts.arch},
        {info::cores, facts.cores},
        {info::memoryBytes, facts.memoryBytes},
        {info::diskBytes, facts.diskBytes},
        {info::diskFreeBytes, facts.diskFreeBytes},
        {info::agentVersion, RUNE_VERSION},
        {info::role, config.role}};
}

nlohmann::json isolationJson(const SandboxReport &report)
{
    namespace isolation = protocol::isolation;
    nlohmann::json json = {
        {isolation::users, report.isolatedUsers ? isolation::usersPerReplica : isolation::usersAgent},
        {isolation::memory, report.memoryName()},
        {isolation::processes, report.processesName()},
        {isolation::filesystem, report.privateFilesystem ? isolation::filesystemPrivate : isolation::filesystemShared},
        {isolation::warnings, report.warnings}};
    if (report.isolatedUsers)
        json[isolation::uidRange] = report.uids.toString();
    return json;
}

void addSystemEndpoints(Router &router,
    std::shared_ptr<const LiveConfig> config,
    std::chrono::steady_clock::time_point startedAt,
    std::shared_ptr<const nlohmann::json> isolation,
    std::shared_ptr<const nlohmann::json> gpus,
    std::shared_ptr<const BenchRunner> bench)
{
    router.add(
        http::verb::get,
        protocol::paths::health,
        [config, startedAt, bench](Exchange exchange) {
            const auto uptime = std::chrono::steady_clock::now() - startedAt;
            nlohmann::json health = healthJson(*config->current(), uptime);
            if (auto run = bench->healthJson())
                health[protocol::benchhealth::object] = std::move(*run);
            exchange.respondJson(http::status::ok, health);
        },
        healthCheckRoute());
    router.add(http::verb::get, protocol::paths::info, [config, isolation, gpus](Exchange exchange) {
        nlohmann::json info = infoJson(*config->current());
        info[protocol::info::isolation] = *isolation;
        info[protocol::info::gpus] = *gpus;
        exchange.respondJson(http::status::ok, info);
    });
}

} // namespace rune::agent
