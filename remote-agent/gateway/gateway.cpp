// SPDX-License-Identifier: GPL-3.0-or-later
#include "gateway/gateway.h"

#include "gateway/forwardedcall.h"
#include "gateway/upstreamresponse.h"
#include "log.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace rune::agent
{

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace
{

constexpr auto healthInterval = 1s;
constexpr auto healthTimeout = 2s;
constexpr int downAfterFailures = 2;
constexpr std::uint64_t maxHealthAnswerBytes = 64 * 1024;

} // namespace

/** One GET /healthz against a node's invoke port, on a fresh connection, read like any answer. */
class HealthProbe final : public std::enable_shared_from_this<HealthProbe>
{
public:
    using Done = std::function<void(bool ok, std::string why)>;

    HealthProbe(net::io_context &io, std::shared_ptr<Upstream> node, Done done)
        : m_strand(net::make_strand(io))
        , m_resolver(m_strand)
        , m_stream(m_strand)
        , m_node(std::move(node))
        , m_done(std::move(done))
        , m_reader(false, maxHealthAnswerBytes)
    {
        m_request.method(http::verb::get);
        m_request.target("/healthz");
        m_request.version(11);
        m_request.set(http::field::host, authorityOf(m_node->host, m_node->port));
        m_request.keep_alive(false);
    }

    void start()
    {
        m_stream.expires_after(healthTimeout);
        m_resolver.async_resolve(m_node->host,
            std::to_string(m_node->port),
            [self = shared_from_this()](boost::beast::error_code error, const tcp::resolver::results_type &results) {
                if (error)
                    return self->m_done(false, error.message());
                self->m_stream.async_connect(
                    results, [self](boost::beast::error_code connectError, const tcp::endpoint &) {
                        if (connectError)
                            return self->m_done(false, connectError.message());
                        self->send();
                    });
            });
    }

private:
    void send()
    {
        http::async_write(
            m_stream, m_request, [self = shared_from_this()](boost::beast::error_code error, std::size_t) {
                if (error)
                    return self->m_done(false, error.message());
                self->readMore();
            });
    }

    void readMore()
    {
        m_stream.async_read_some(
            m_buffer.prepare(4096), [self = shared_from_this()](boost::beast::error_code error, std::size_t received) {
                self->onRead(error, received);
            });
    }

    void onRead(boost::beast::error_code error, std::size_t received)
    {
        using Progress = UpstreamResponseReader::Progress;
        m_buffer.commit(received);
        const auto *data = static_cast<const char *>(m_buffer.data().data());
        m_buffer.consume(m_reader.feed(std::string_view(data, m_buffer.size())));
        if (m_reader.progress() == Progress::needMore) {
            if (!error)
                return readMore();
            if (error != net::error::eof || m_reader.finish() != Progress::complete)
                return m_done(false, error == net::error::eof ? m_reader.fault() : error.message());
        }
        if (m_reader.progress() == Progress::failed)
            return m_done(false, "answered with " + m_reader.fault());
        const auto status = m_reader.takeResponse().result();
        m_done(status == http::status::ok, "answered " + std::to_string(static_cast<unsigned>(status)));
    }

    net::strand<net::io_context::executor_type> m_strand;
    tcp::resolver m_resolver;
    boost::beast::tcp_stream m_stream;
    std::shared_ptr<Upstream> m_node;
    Done m_done;
    http::request<http::empty_body> m_request;
    boost::beast::flat_buffer m_buffer;
    UpstreamResponseReader m_reader;
};

Gateway::Gateway(net::io_context &io, EventLog &events, GatewayTimeouts timeouts)
    : m_io(io)
    , m_events(events)
    , m_timeouts(timeouts)
    , m_strand(net::make_strand(io))
    , m_healthTimer(m_strand)
{
}

std::expected<void, std::string> Gateway::setNodes(const nlohmann::json &body)
{
    if (!body.is_object() || !body.contains("nodes") || !body["nodes"].is_array())
        return std::unexpected(
            std::string("the cluster must be {\"nodes\": [{\"name\", \"url\", \"functions\"}, ...]}"));
    std::vector<std::shared_ptr<Upstream>> nodes;
    std::set<std::string> names;
    for (const auto &entry : body["nodes"]) {
        if (!entry.is_object() || !entry.value("name", nlohmann::json()).is_string()
            || !entry.value("url", nlohmann::json()).is_string())
            return std::unexpected(
                std::string("every node needs a \"name\" and a \"url\" (http://host:port of its invoke port)"));
        const std::string name = entry["name"].get<std::string>();
        if (!names.insert(name).second)
            return std::unexpected("the node '" + name + "' is listed twice");
        auto address = parseNodeUrl(entry["url"].get<std::string>());
        if (!address)
            return std::unexpected("node '" + name + "': " + address.error());
        auto node = std::make_shared<Upstream>();
        node->name = name;
        node->host = address->host;
        node->port = address->port;
        const auto functions = entry.value("functions", nlohmann::json::array());
        if (!functions.is_array())
            return std::unexpected("node '" + name + "': \"functions\" must be a list of names");
        for (const auto &function : functions) {
            if (!function.is_string())
                return std::unexpected("node '" + name + "': \"functions\" must be a list of names");
            node->functions.insert(function.get<std::string>());
        }
        nodes.push_back(std::move(node));
    }
    {
        const std::lock_guard lock(m_mutex);
        // A node that stays keeps its health and counters: a re-push must not mark a dead one up.
        for (auto &node : nodes) {
            for (const auto &old : m_nodes) {
                if (old->name == node->name && old->host == node->host && old->port == node->port) {
                    old->functions = std::move(node->functions);
                    node = old;
                }
            }
        }
        m_nodes = std::move(nodes);
    }
    m_events.append({{"kind", "cluster_updated"}, {"nodes", names.size()}});
    return {};
}

std::vector<std::shared_ptr<Upstream>> Gateway::nodes() const
{
    const std::lock_guard lock(m_mutex);
    return m_nodes;
}

bool Gateway::routes(std::string_view function) const
{
    const std::lock_guard lock(m_mutex);
    for (const auto &node : m_nodes) {
        if (node->functions.contains(function))
            return true;
    }
    return false;
}

std::shared_ptr<Upstream> Gateway::pick(std::string_view function, const std::set<Upstream *> &tried) const
{
    std::vector<std::shared_ptr<Upstream>> candidates;
    {
        // Under the lock: a new node list from PUT /v1/cluster replaces a kept node's functions.
        const std::lock_guard lock(m_mutex);
        for (const auto &node : m_nodes) {
            if (node->functions.contains(function) && !tried.contains(node.get()))
                candidates.push_back(node);
        }
    }
    if (candidates.empty())
        return nullptr;
    // Healthy nodes first; among them the fewest calls in flight, ties taken in turn.
    const std::size_t offset = m_roundRobin.fetch_add(1);
    std::shared_ptr<Upstream> best;
    for (std::size_t index = 0; index < candidates.size(); ++index) {
        const auto &node = candidates[(index + offset) % candidates.size()];
        if (!best || (node->healthy && !best->healthy)
            || (node->healthy == best->healthy && node->inFlight < best->inFlight))
            best = node;
    }
    return best;
}

void Gateway::forward(const Exchange &exchange, const std::string &function)
{
    std::make_shared<ForwardedCall>(shared_from_this(), exchange, function)->start();
}

void Gateway::reportFailure(Upstream &node, const std::string &why)
{
    if (++node.failures >= downAfterFailures && node.healthy.exchange(false)) {
        logLine("gateway: node " + node.name + " is down: " + why);
        m_events.append({{"kind", "node_down"}, {"node", node.name}, {"detail", why}});
    }
}

void Gateway::reportSuccess(Upstream &node)
{
    node.failures = 0;
    if (!node.healthy.exchange(true)) {
        logLine("gateway: node " + node.name + " is up again");
        m_events.append({{"kind", "node_up"}, {"node", node.name}});
    }
}

void Gateway::start()
{
    scheduleHealthChecks();
}

void Gateway::stop()
{
    m_stopped = true;
    net::post(m_strand, [self = shared_from_this()] {
        self->m_healthTimer.cancel();
    });
}

void Gateway::scheduleHealthChecks()
{
    m_healthTimer.expires_after(healthInterval);
    m_healthTimer.async_wait([weak = weak_from_this()](boost::system::error_code error) {
        const auto self = weak.lock();
        if (!self || error || self->m_stopped)
            return;
        for (const auto &node : self->nodes())
            self->checkHealth(node);
        self->scheduleHealthChecks();
    });
}

void Gateway::checkHealth(const std::shared_ptr<Upstream> &node)
{
    std::make_shared<HealthProbe>(m_io, node, [weak = weak_from_this(), node](bool ok, const std::string &why) {
        const auto self = weak.lock();
        if (!self)
            return;
        if (ok)
            self->reportSuccess(*node);
        else
            self->reportFailure(*node, "health check: " + why);
    })->start();
}

nlohmann::json Gateway::status() const
{
    nlohmann::json list = nlohmann::json::array();
    const std::lock_guard lock(m_mutex); // see pick()
    for (const auto &node : m_nodes) {
        list.push_back({{"name", node->name},
            {"url", "http://" + authorityOf(node->host, node->port)},
            {"functions", node->functions},
            {"healthy", node->healthy.load()},
            {"in_flight", node->inFlight.load()},
            {"forwarded", node->forwarded.load()},
            {"errors", node->errors.load()}});
    }
    return {{"nodes", std::move(list)}};
}

} // namespace rune::agent
