// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ssh/sshtransport.h"

#include <functional>
#include <memory>

namespace rune
{
class FleetMetrics;
class GatewaySync;
class MetricHistory;
class NodeList;
class NodeMonitor;
class NodeOperations;

/**
 * The core services the fleet's panes (Overview, Nodes, Node detail) work with: every one is
 * there, as Console builds them (shell/console.h).
 */
struct FleetServices {
    NodeList *nodes = nullptr;
    FleetMetrics *metrics = nullptr;
    MetricHistory *history = nullptr;
    NodeMonitor *monitor = nullptr;
    NodeOperations *operations = nullptr;
    /** Keeps the controllers' gateways current; Overview and Node detail show them. */
    GatewaySync *gateways = nullptr;
    /** A fresh SSH connection to a host, for "Test connection" before the host is added. */
    std::function<std::unique_ptr<SshTransport>(const SshTarget &)> connectTo;
};

} // namespace rune
