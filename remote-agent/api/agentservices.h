// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "async/asyncqueue.h"
#include "config.h"
#include "functions/functionstore.h"
#include "gateway/gateway.h"
#include "gateway/haproxysupervisor.h"
#include "logs/eventlog.h"
#include "logs/logstore.h"
#include "metrics/functionmetrics.h"
#include "metrics/nodesampler.h"
#include "router.h"
#include "runtime/functionhost.h"
#include "triggers/triggerservice.h"

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>

namespace rune::agent
{

/** What the API endpoints work with; owned by the Agent, which outlives every request. */
struct AgentServices {
    std::shared_ptr<const LiveConfig> config;
    FunctionStore &store;
    FunctionHost &host;
    MetricsRegistry &metrics;
    NodeSampler &node;
    EventLog &events;
    LogStore &logs;
    boost::asio::any_io_executor io; ///< for timers
    boost::asio::any_io_executor blocking; ///< for work that touches the disk at length (deploys)
    std::chrono::steady_clock::time_point startedAt;
    std::shared_ptr<TriggerService> triggers; ///< null when triggers do not fire on this node
    std::shared_ptr<Gateway> gateway; ///< the controller role's gateway; null on other roles
    std::shared_ptr<AsyncQueue> async; ///< asynchronous calls
    /** The controller's HAProxy (haproxy_binary); null when it runs none. */
    std::shared_ptr<HaproxySupervisor> haproxy;
};

/** GET/PUT/DELETE /v1/functions[/{name}], :block, :unblock, POST /v1/functions/{name}/invoke. */
void addFunctionEndpoints(Router &router, std::shared_ptr<AgentServices> services);
/** POST/GET /v1/functions/{name}/trials, DELETE .../trials/{trial}, POST .../trials/{trial}/invoke. */
void addTrialEndpoints(Router &router, std::shared_ptr<AgentServices> services);
/** The invoke port: any method on /function/{name}[@vN][/path...]. */
void addInvokeEndpoints(Router &router, std::shared_ptr<AgentServices> services);
/** /async-function/{name}[@vN][/path...] on the invoke port, with the invoke route's @p options. */
void addAsyncInvokeEndpoint(Router &router, std::shared_ptr<AgentServices> services, RouteOptions options);
/** GET /v1/results/{id} and GET /v1/functions/{name}/dead-letters. */
void addAsyncEndpoints(Router &router, std::shared_ptr<AgentServices> services);
/** PUT and GET /v1/cluster: the nodes the controller's gateway forwards to. */
void addClusterEndpoints(Router &router, std::shared_ptr<AgentServices> services);
/** GET /v1/logs, /v1/events, /v1/metrics and /metrics. */
void addObservationEndpoints(Router &router, std::shared_ptr<AgentServices> services);

} // namespace rune::agent
