// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/rttbench.h"

#include "bench/benchparameters.h"
#include "benchprotocol.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <cmath>
#include <numeric>
#include <optional>

namespace rune::agent
{

// As the agent's other files name them, in the namespace (a unity batch may hold several).
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace
{

using Clock = std::chrono::steady_clock;

// How often a wait for the network looks at the cancel flag and the probe's time.
constexpr auto probePollInterval = std::chrono::milliseconds(20);
constexpr std::size_t maxAnswerHeaderBytes = 16 * 1024;

/** One peer's probes so far. */
struct PeerProbes {
    std::string text; ///< as given: "host:port"
    BenchPeer address;
    std::optional<tcp::resolver::results_type> endpoints;
    std::vector<double> milliseconds;
    std::string error; ///< set once it could not be reached: it is not probed any more
};

/**
 * Runs @p io until @p finished, at most @p timeout; on the timeout or a cancel calls @p abandon
 * (which closes what the operations wait on) and lets their handlers run out. Why it stopped, or
 * nothing when it finished.
 */
template <typename Abandon>
std::optional<std::string> runUntil(asio::io_context &io,
    const bool &finished,
    std::chrono::milliseconds timeout,
    const BenchControl &control,
    Abandon abandon)
{
    const auto deadline = Clock::now() + timeout;
    while (!finished) {
        io.restart();
        io.run_for(probePollInterval);
        if (finished)
            break;
        if (control.cancelled() || Clock::now() >= deadline) {
            abandon();
            io.restart();
            io.run();
            return control.cancelled() ? "cancelled" : "no answer within " + std::to_string(timeout.count()) + " ms";
        }
    }
    return std::nullopt;
}

std::expected<tcp::resolver::results_type, std::string> resolve(
    asio::io_context &io, const BenchPeer &peer, std::chrono::milliseconds timeout, const BenchControl &control)
{
    tcp::resolver resolver(io);
    bool finished = false;
    boost::system::error_code failure;
    tcp::resolver::results_type endpoints;
    resolver.async_resolve(peer.host,
        std::to_string(peer.port),
        tcp::resolver::numeric_service,
        [&](boost::system::error_code error, tcp::resolver::results_type results) {
            failure = error;
            endpoints = std::move(results);
            finished = true;
        });
    if (const auto stopped = runUntil(io, finished, timeout, control, [&] {
            resolver.cancel();
        }))
        return std::unexpected("cannot resolve " + peer.host + ": " + *stopped);
    if (failure)
        return std::unexpected("cannot resolve " + peer.host + ": " + failure.message());
    return endpoints;
}

/** One round trip: connect, send the request, read the answer's header; its time in ms. */
std::expected<double, std::string> probe(
    asio::io_context &io, const PeerProbes &peer, std::chrono::milliseconds timeout, const BenchControl &control)
{
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: " + peer.text + "\r\nConnection: close\r\n\r\n";
    std::string answer;
    tcp::socket socket(io);
    bool finished = false;
    boost::system::error_code failure;
    const auto started = Clock::now();
    asio::async_connect(socket, *peer.endpoints, [&](boost::system::error_code error, const tcp::endpoint &) {
        if ((failure = error))
            return void(finished = true);
        asio::async_write(socket, asio::buffer(request), [&](boost::system::error_code writeError, std::size_t) {
            if ((failure = writeError))
                return void(finished = true);
            asio::async_read_until(socket,
                asio::dynamic_buffer(answer, maxAnswerHeaderBytes),
                "\r\n\r\n",
                [&](boost::system::error_code readError, std::size_t) {
                    failure = readError;
                    finished = true;
                });
        });
    });
    if (const auto stopped = runUntil(io, finished, timeout, control, [&] {
            boost::system::error_code ignored;
            socket.close(ignored);
        }))
        return std::unexpected(*stopped);
    const double milliseconds = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    if (failure)
        return std::unexpected(failure.message());
    if (!answer.starts_with("HTTP/1."))
        return std::unexpected("the answer is not HTTP");
    return milliseconds;
}

void probePeer(asio::io_context &io, PeerProbes &peer, std::chrono::milliseconds timeout, const BenchControl &control)
{
    if (!peer.endpoints) {
        auto endpoints = resolve(io, peer.address, timeout, control);
        if (!endpoints)
            return void(peer.error = endpoints.error());
        peer.endpoints = std::move(*endpoints);
    }
    const auto milliseconds = probe(io, peer, timeout, control);
    if (milliseconds)
        peer.milliseconds.push_back(*milliseconds);
    else if (peer.milliseconds.empty() && !control.cancelled())
        peer.error = "cannot reach " + peer.text + ": " + milliseconds.error();
}

void addFigures(std::vector<BenchResult> &results, const PeerProbes &peer)
{
    namespace metrics = protocol::benchmetrics;
    const char *names[] = {metrics::rttMin, metrics::rttAvg, metrics::rttMax, metrics::rttP99};
    if (peer.milliseconds.empty()) {
        const std::string why = peer.error.empty() ? "not probed: the run's time ran out" : peer.error;
        for (const char *name : names)
            results.push_back({name, std::nullopt, protocol::benchunits::milliseconds, peer.text, why});
        return;
    }
    std::vector<double> sorted = peer.milliseconds;
    std::sort(sorted.begin(), sorted.end());
    const double average = std::accumulate(sorted.begin(), sorted.end(), 0.0) / double(sorted.size());
    // The nearest-rank percentile: the smallest value at least 99 % of the probes do not exceed.
    const auto rank = std::size_t(std::ceil(0.99 * double(sorted.size())));
    const double values[] = {sorted.front(), average, sorted.back(), sorted[std::max<std::size_t>(rank, 1) - 1]};
    for (std::size_t index = 0; index < 4; ++index)
        results.push_back({names[index], values[index], protocol::benchunits::milliseconds, peer.text, {}});
}

/** Probes round after round over every peer, so all are measured alike when the time runs out. */
void probeInRounds(std::vector<PeerProbes> &peers, const BenchParameters &parameters, const BenchControl &control)
{
    asio::io_context io(1);
    const std::chrono::milliseconds timeout(parameters.timeoutMs);
    const auto deadline = Clock::now() + std::chrono::seconds(parameters.seconds);
    const double total = double(peers.size()) * parameters.probes;
    for (int round = 0; round < parameters.probes; ++round) {
        for (std::size_t index = 0; index < peers.size(); ++index) {
            if (control.cancelled() || Clock::now() >= deadline)
                return;
            if (peers[index].error.empty())
                probePeer(io, peers[index], timeout, control);
            control.setPhaseProgress((round * double(peers.size()) + double(index) + 1) / total);
        }
    }
}

} // namespace

BenchOutcome runRttBench(const BenchParameters &parameters, BenchControl &control)
{
    std::vector<PeerProbes> peers;
    for (const std::string &text : parameters.peers) {
        auto address = parseBenchPeer(text);
        if (!address)
            return std::unexpected("peer \"" + text + "\" " + address.error());
        peers.push_back({text, std::move(*address), std::nullopt, {}, {}});
    }
    control.beginPhase(0);
    probeInRounds(peers, parameters, control);
    std::vector<BenchResult> results;
    if (control.cancelled())
        return results;
    for (const PeerProbes &peer : peers)
        addFigures(results, peer);
    return results;
}

} // namespace rune::agent
