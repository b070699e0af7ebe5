// SPDX-License-Identifier: GPL-3.0-or-later
// The console's parsers of what a node sends. The first byte picks the parser, the rest is the
// body as it came off the wire. Every parser must return a value or an Error, never crash, hang or
// balloon; what it accepts must be within the bounds the views rely on.
#include "agent/agentclient.h"
#include "agent/agentmetrics.h"
#include "agent/functionagentclient.h"
#include "agent/gatewaystatus.h"
#include "functions/functionlog.h"
#include "metrics/nodesample.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

using namespace rune;

namespace
{

enum Parser : std::uint8_t {
    Health,
    Info,
    Metrics,
    Functions,
    Events,
    Function,
    LogLine,
    ErrorBody,
    Trial,
    Cluster,
    ParserCount
};

void require(bool condition)
{
    if (!condition)
        std::abort(); // a bound the console relies on was broken: libFuzzer keeps the input
}

void checkText(const QString &text)
{
    require(text.size() <= 4097); // agentjson::maxTextLength and its ellipsis
}

void checkMetrics(const AgentMetrics &metrics)
{
    require(metrics.cpuPercent >= 0 && metrics.cpuPercent <= 100);
    require(metrics.memoryTotalBytes >= 0 && metrics.diskFreeBytes >= 0);
    // Rates from an answer against itself and against the answer before: finite, never negative.
    AgentMetrics later = metrics;
    later.receivedMs = metrics.receivedMs + 1000;
    for (const NodeSample &sample : {deriveSample(nullptr, metrics), deriveSample(&metrics, later)}) {
        require(sample.invocationsPerSecond >= 0 && std::isfinite(sample.invocationsPerSecond));
        require(sample.memoryUsedBytes >= 0 && sample.replicas >= 0);
        require(sample.memoryPercent() >= 0 && std::isfinite(sample.meanLatencyMs));
    }
    for (const FunctionSample &sample : deriveFunctionSamples(&metrics, later))
        require(sample.errorsPerSecond >= 0 && std::isfinite(sample.errorsPerSecond));
}

void parse(Parser parser, const QByteArray &body, std::uint8_t extra)
{
    switch (parser) {
    case Health:
        if (const auto health = parseAgentHealth(body))
            checkText(health->status);
        break;
    case Info:
        if (const auto facts = parseAgentInfo(body)) {
            checkText(facts->hostname);
            require(facts->cores >= 0 && facts->memoryBytes >= 0);
            for (const QString &warning : facts->isolation.warnings)
                checkText(warning);
        }
        break;
    case Metrics:
        if (const auto metrics = parseAgentMetrics(body))
            checkMetrics(*metrics);
        break;
    case Functions:
        if (const auto functions = parseAgentFunctions(body)) {
            for (const AgentFunction &function : *functions)
                require(function.replicas >= 0 && (!function.startFailure || function.startFailure->failures >= 0));
        }
        break;
    case Events:
        if (const auto events = parseAgentEvents(body)) {
            for (const AgentEvent &event : *events)
                checkText(event.detail);
        }
        break;
    case Function:
        if (const auto function = parseAgentFunction(body))
            require(function->version >= 0);
        break;
    case LogLine:
        (void)parseFunctionLogLine(body, QStringLiteral("node"));
        break;
    case ErrorBody:
        checkText(parseAgentError(400 + extra, body).message);
        break;
    case Trial:
        if (const auto trial = parseAgentTrial(body)) {
            checkText(trial->id);
            require(trial->memoryMiB >= 0 && trial->version >= 0);
        }
        break;
    case Cluster:
        if (const auto cluster = parseGatewayStatus(body)) {
            require(cluster->nodes.size() <= 10000); // agentjson::maxListEntries
            for (const GatewayNodeStatus &node : cluster->nodes) {
                require(!node.name.isEmpty() && !node.url.isEmpty());
                checkText(node.name);
                checkText(node.url);
                require(node.inFlight >= 0 && node.forwarded >= 0 && node.errors >= 0);
                for (const QString &function : node.functions)
                    checkText(function);
            }
            const GatewayHaproxyStatus &haproxy = cluster->haproxy;
            require(haproxy.state.isEmpty() || haproxy.state == u"off" || haproxy.state == u"starting"
                || haproxy.state == u"running" || haproxy.state == u"failed");
            checkText(haproxy.listen);
            checkText(haproxy.lastError);
            require(haproxy.pid >= 0 && haproxy.reloads >= 0 && haproxy.restarts >= 0 && haproxy.generation >= 0);
        }
        break;
    case ParserCount:
        break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 2)
        return 0;
    const auto parser = Parser(data[0] % ParserCount);
    parse(parser, QByteArray(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2)), data[1]);
    return 0;
}
