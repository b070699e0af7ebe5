// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/metricsformat.h"

#include <cstdio>
#include <map>
#include <sstream>

namespace rune::agent
{

namespace
{

std::string number(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.15g", value);
    return text;
}

std::string label(const std::string &value)
{
    std::string escaped;
    for (const char c : value) {
        if (c == '\\' || c == '"')
            escaped += '\\';
        escaped += c == '\n' ? 'n' : c;
    }
    return escaped;
}

class Exposition
{
public:
    void family(const char *name, const char *type, const char *help)
    {
        m_out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
    }

    void sample(const std::string &name, const std::string &labels, double value)
    {
        m_out << name;
        if (!labels.empty())
            m_out << '{' << labels << '}';
        m_out << ' ' << number(value) << '\n';
    }

    void histogram(const char *name, const std::string &labels, const LatencyHistogram::Copy &copy)
    {
        std::uint64_t cumulative = 0;
        const std::string prefix = labels.empty() ? "" : labels + ",";
        for (std::size_t index = 0; index < copy.counts.size(); ++index) {
            cumulative += copy.counts[index];
            const std::string bound =
                index < LatencyHistogram::bounds.size() ? number(LatencyHistogram::bounds[index]) : "+Inf";
            sample(std::string(name) + "_bucket", prefix + "le=\"" + bound + "\"", double(cumulative));
        }
        sample(std::string(name) + "_sum", labels, copy.sumSeconds);
        sample(std::string(name) + "_count", labels, double(copy.count));
    }

    std::string text() const
    {
        return m_out.str();
    }

private:
    std::ostringstream m_out;
};

std::string functionLabel(const std::string &name)
{
    return "function=\"" + label(name) + "\"";
}

void nodeFamilies(Exposition &out, const MetricsView &view)
{
    const NodeSample &node = view.node;
    const std::pair<const char *, std::pair<const char *, double>> gauges[] = {
        {"rune_node_cpu_usage_percent", {"CPU time in use over the last interval, all cores, 0-100.", node.cpuPercent}},
        {"rune_node_load1", {"One-minute load average.", node.load1}},
        {"rune_node_memory_total_bytes", {"Physical memory.", double(node.memoryTotalBytes)}},
        {"rune_node_memory_available_bytes", {"Memory available to new work.", double(node.memoryAvailableBytes)}},
        {"rune_node_disk_total_bytes", {"Size of the file system holding functions.", double(node.diskTotalBytes)}},
        {"rune_node_disk_free_bytes", {"Free space on that file system.", double(node.diskFreeBytes)}},
        {"rune_node_disk_read_bytes_per_second", {"Disk reads.", node.diskReadBytesPerSecond}},
        {"rune_node_disk_write_bytes_per_second", {"Disk writes.", node.diskWriteBytesPerSecond}},
        {"rune_node_network_receive_bytes_per_second",
            {"Network input, loopback excluded.", node.netReceiveBytesPerSecond}},
        {"rune_node_network_transmit_bytes_per_second",
            {"Network output, loopback excluded.", node.netTransmitBytesPerSecond}},
        {"rune_agent_uptime_seconds", {"Seconds since the agent started.", view.uptimeSeconds}},
    };
    for (const auto &[name, gauge] : gauges) {
        out.family(name, "gauge", gauge.first);
        out.sample(name, {}, gauge.second);
    }
    out.family("rune_node_network_receive_bytes_total", "counter", "Network input since boot, loopback excluded.");
    out.sample("rune_node_network_receive_bytes_total", {}, double(node.netReceiveBytesTotal));
    out.family("rune_node_network_transmit_bytes_total", "counter", "Network output since boot, loopback excluded.");
    out.sample("rune_node_network_transmit_bytes_total", {}, double(node.netTransmitBytesTotal));
}

void callFamilies(Exposition &out, const MetricsView &view)
{
    out.family("rune_function_invocations_total", "counter", "Calls answered, by status class.");
    for (const auto &[name, metrics] : view.calls) {
        for (int statusClass = 1; statusClass <= 5; ++statusClass) {
            out.sample("rune_function_invocations_total",
                functionLabel(name) + ",code=\"" + std::to_string(statusClass) + "xx\"",
                double(metrics->byStatusClass[statusClass].load()));
        }
    }
    const std::pair<const char *, const char *> counters[] = {
        {"rune_function_errors_total", "Calls that failed: 5xx answers and handler exceptions."},
        {"rune_function_cold_starts_total", "Calls that waited for a replica to start."},
        {"rune_function_timeouts_total", "Calls that ran past the function's timeout."},
    };
    for (const auto &[family, help] : counters) {
        out.family(family, "counter", help);
        for (const auto &[name, metrics] : view.calls) {
            const std::string which = family;
            const auto value = which == "rune_function_errors_total" ? metrics->errors.load()
                : which == "rune_function_cold_starts_total"         ? metrics->coldStarts.load()
                                                                     : metrics->timeouts.load();
            out.sample(family, functionLabel(name), double(value));
        }
    }
    out.family("rune_function_duration_seconds", "histogram", "Latency of warm calls, from arrival to answer.");
    for (const auto &[name, metrics] : view.calls)
        out.histogram("rune_function_duration_seconds", functionLabel(name), metrics->warm.copy());
    out.family("rune_function_cold_start_duration_seconds",
        "histogram",
        "Latency of calls that waited for a replica to start, from arrival to answer.");
    for (const auto &[name, metrics] : view.calls)
        out.histogram("rune_function_cold_start_duration_seconds", functionLabel(name), metrics->cold.copy());
}

void poolFamilies(Exposition &out, const MetricsView &view)
{
    const std::pair<const char *, const char *> scaling[] = {
        {"rune_function_scale_ups_total", "Replicas started because calls were waiting."},
        {"rune_function_scale_downs_total", "Replicas stopped for being idle or to make room in memory."},
    };
    for (const auto &[family, help] : scaling) {
        out.family(family, "counter", help);
        const bool ups = std::string(family) == "rune_function_scale_ups_total";
        for (const FunctionStatus &status : view.functions)
            out.sample(
                family, functionLabel(status.record.name), double(ups ? status.pool.scaleUps : status.pool.scaleDowns));
    }
    const std::pair<const char *, const char *> gauges[] = {
        {"rune_function_replicas", "Replicas running or starting."},
        {"rune_function_in_flight", "Calls running in a replica now."},
        {"rune_function_queued", "Calls waiting for a free replica."},
        {"rune_function_version", "The serving version."},
    };
    for (const auto &[family, help] : gauges) {
        out.family(family, "gauge", help);
        const std::string which = family;
        for (const FunctionStatus &status : view.functions) {
            const double value = which == "rune_function_replicas" ? status.pool.replicas
                : which == "rune_function_in_flight"               ? status.pool.busy
                : which == "rune_function_queued"                  ? status.pool.queued
                                                                   : status.record.version;
            out.sample(family, functionLabel(status.record.name), value);
        }
    }
}

nlohmann::json latencyJson(const LatencyHistogram::Copy &copy)
{
    return {{"count", copy.count},
        {"mean_ms", copy.count ? copy.sumSeconds * 1000 / double(copy.count) : 0.0},
        {"p50_ms", copy.quantile(0.5) * 1000},
        {"p90_ms", copy.quantile(0.9) * 1000},
        {"p99_ms", copy.quantile(0.99) * 1000}};
}

} // namespace

nlohmann::json metricsJson(const MetricsView &view)
{
    const NodeSample &node = view.node;
    nlohmann::json functions = nlohmann::json::array();
    std::map<std::string, const FunctionStatus *> deployed;
    for (const FunctionStatus &status : view.functions)
        deployed[status.record.name] = &status;
    for (const auto &[name, metrics] : view.calls) {
        nlohmann::json entry = {{"name", name},
            {"invocations", metrics->invocations()},
            {"errors", metrics->errors.load()},
            {"cold_starts", metrics->coldStarts.load()},
            {"timeouts", metrics->timeouts.load()},
            {"by_status",
                {{"2xx", metrics->byStatusClass[2].load()},
                    {"3xx", metrics->byStatusClass[3].load()},
                    {"4xx", metrics->byStatusClass[4].load()},
                    {"5xx", metrics->byStatusClass[5].load()}}},
            {"latency", latencyJson(metrics->warm.copy())},
            {"cold_start_latency", latencyJson(metrics->cold.copy())}};
        if (const auto recent = view.recent.byFunction.find(name); recent != view.recent.byFunction.end()) {
            entry["recent_latency"] = latencyJson(recent->second);
            entry["recent_latency"]["window_s"] = view.recentSeconds;
        }
        if (const auto found = deployed.find(name); found != deployed.end()) {
            entry["version"] = found->second->record.version;
            entry["replicas"] = found->second->pool.replicas;
            entry["replicas_ready"] = found->second->pool.ready;
            entry["in_flight"] = found->second->pool.busy;
            entry["queued"] = found->second->pool.queued;
            entry["scale_ups"] = found->second->pool.scaleUps;
            entry["scale_downs"] = found->second->pool.scaleDowns;
        }
        functions.push_back(std::move(entry));
    }
    return {{"time_ms", node.timeMs},
        {"role", view.role},
        {"uptime_s", view.uptimeSeconds},
        {"node",
            {{"cpu_percent", node.cpuPercent},
                {"load1", node.load1},
                {"memory_total_bytes", node.memoryTotalBytes},
                {"memory_available_bytes", node.memoryAvailableBytes},
                {"disk_total_bytes", node.diskTotalBytes},
                {"disk_free_bytes", node.diskFreeBytes},
                {"disk_read_bytes_per_s", node.diskReadBytesPerSecond},
                {"disk_write_bytes_per_s", node.diskWriteBytesPerSecond},
                {"net_rx_bytes_per_s", node.netReceiveBytesPerSecond},
                {"net_tx_bytes_per_s", node.netTransmitBytesPerSecond}}},
        {"functions", std::move(functions)}};
}

std::string prometheusText(const MetricsView &view)
{
    Exposition out;
    nodeFamilies(out, view);
    callFamilies(out, view);
    poolFamilies(out, view);
    return out.text();
}

} // namespace rune::agent
