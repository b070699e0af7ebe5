// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/benchendpoints.h"

#include "bench/benchparameters.h"
#include "bench/benchrunner.h"
#include "benchprotocol.h"
#include "protocol.h"

#include <fstream>
#include <string>
#include <sys/statvfs.h>
#include <thread>

namespace rune::agent
{

namespace
{

namespace errorcode = protocol::errorcode;

std::uint64_t memoryAvailableBytes()
{
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::uint64_t kibibytes = 0;
    std::string unit;
    while (meminfo >> key >> kibibytes >> unit) {
        if (key == "MemAvailable:")
            return kibibytes * 1024;
    }
    return 0;
}

std::uint64_t freeBytes(const std::filesystem::path &directory)
{
    struct statvfs facts {
    };
    if (::statvfs(directory.c_str(), &facts) != 0)
        return 0;
    return std::uint64_t(facts.f_bavail) * facts.f_frsize;
}

/** The catch-all POST route's say before the body is read: /v1/bench/runs is not a test, nor an unknown name. */
std::optional<Response> admitTest(const PathParams &params, const RequestHeader &)
{
    const auto test = params.find("test");
    if (test == params.end())
        return std::nullopt;
    if (test->second == "runs") {
        Response response = makeErrorResponse(
            http::status::method_not_allowed, errorcode::methodNotAllowed, "POST is not supported on this path");
        response.set(http::field::allow, "GET, HEAD");
        return response;
    }
    if (!isBenchTest(test->second))
        return makeErrorResponse(http::status::not_found,
            errorcode::notFound,
            "no benchmark named '" + test->second + "': the tests are cpu, memory, fileio, db and rtt");
    return std::nullopt;
}

void startRun(const Exchange &exchange, BenchRunner &runner, const std::filesystem::path &stateDir)
{
    auto parameters = parseBenchParameters(exchange.param("test"), exchange.body(), readBenchRoom(stateDir));
    if (!parameters)
        return exchange.respondError(http::status::bad_request, errorcode::badRequest, parameters.error());
    auto run = runner.start(std::move(*parameters));
    if (run)
        return exchange.respondJson(http::status::accepted, {{protocol::benchrun::object, std::move(*run)}});
    if (run.error().runningId.empty())
        return exchange.respondError(
            http::status::service_unavailable, errorcode::shuttingDown, "the agent is shutting down");
    exchange.respondJson(http::status::conflict,
        {{"error",
             {{"code", errorcode::busy},
                 {"message", "benchmark " + run.error().runningId + " is running: one run at a time per node"}}},
            {protocol::benchrun::object, run.error().runningId}});
}

void respondUnknownRun(const Exchange &exchange)
{
    exchange.respondError(http::status::not_found,
        errorcode::notFound,
        "no benchmark run '" + std::string(exchange.param("id")) + "' on this node");
}

} // namespace

BenchRoom readBenchRoom(const std::filesystem::path &stateDir)
{
    return BenchRoom {memoryAvailableBytes(), freeBytes(stateDir), std::max(1u, std::thread::hardware_concurrency())};
}

void addBenchEndpoints(Router &router, std::shared_ptr<BenchRunner> runner, std::filesystem::path stateDir)
{
    const std::string runs = protocol::paths::benchRuns;
    router.add(http::verb::get, runs, [runner](Exchange exchange) {
        exchange.respondJson(http::status::ok, runner->runsJson());
    });
    router.add(http::verb::get, runs + "/{id}", [runner](Exchange exchange) {
        const auto run = runner->runJson(exchange.param("id"));
        if (!run)
            return respondUnknownRun(exchange);
        exchange.respondJson(http::status::ok, {{protocol::benchrun::object, *run}});
    });
    router.add(http::verb::delete_, runs + "/{id}", [runner](Exchange exchange) {
        // Answered once the run has stopped, from its thread: the answer shows "cancelled".
        const bool known = runner->cancel(exchange.param("id"), [exchange](const nlohmann::json &run) {
            exchange.respondJson(http::status::ok, {{protocol::benchrun::object, run}});
        });
        if (!known)
            respondUnknownRun(exchange);
    });
    std::string testPattern = protocol::paths::benchPrefix;
    testPattern += "{test}";
    RouteOptions options;
    options.maxBodyBytes = maxBenchBodyBytes;
    options.admit = admitTest;
    router.add(
        http::verb::post,
        testPattern,
        [runner, stateDir](Exchange exchange) {
            startRun(exchange, *runner, stateDir);
        },
        options);
}

} // namespace rune::agent
