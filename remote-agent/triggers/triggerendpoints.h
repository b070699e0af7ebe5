// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/agentservices.h"
#include "router.h"
#include "triggers/brokerfile.h"

#include <expected>
#include <functional>
#include <memory>
#include <string>

namespace rune::agent
{

/** What PUT /v1/triggers/broker needs beside the services: where the broker is kept, and how to apply it. */
struct BrokerControl {
    BrokerFile file;
    /** Reads the broker again (the stored one, else the config file's) and connects to it. */
    std::function<std::expected<void, std::string>()> apply;
};

/** PUT /v1/triggers/broker and POST /v1/triggers/publish (GET /v1/triggers is an observation). */
void addTriggerEndpoints(
    Router &router, std::shared_ptr<AgentServices> services, std::shared_ptr<BrokerControl> control);

} // namespace rune::agent
