// SPDX-License-Identifier: GPL-3.0-or-later
// N simulated agents in one process, for tests/bench/fleet.sh: N loopback ports, each answering
// the control API the console polls (/v1/health, /v1/info, /v1/metrics, /v1/functions,
// /v1/events) with answers shaped like a real agent's (tests/fixtures/protocol/), counters that
// grow at a steady rate, replicas that change every 10 s (with a scaling event each time) and
// HTTP/1.1 keep-alive. Prints "ports P1 P2 ..." once all listen.
//
//   bench_fleetsim N [FUNCTIONS_PER_NODE]     (2 unless told)
#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QTcpServer>
#include <QTcpSocket>
#include <algorithm>
#include <cstdio>
#include <sys/resource.h>

namespace
{

struct SimulatedNode {
    int index = 0;
    QElapsedTimer started;
};

/** A function's replicas on a node: 0 to 3, changing every 10 s, so the console sees scaling. */
int replicasOf(const SimulatedNode &node, int function, double seconds)
{
    return (int(seconds / 10) + node.index + function) % 4;
}

QByteArray metricsBody(const SimulatedNode &node, int functions)
{
    const double seconds = double(node.started.elapsed()) / 1000.0;
    const auto n = [](qint64 value) {
        return QByteArray::number(value);
    };
    const QByteArray cpu = QByteArray::number(20 + (node.index * 7 + int(seconds)) % 60);
    QByteArray body;
    body.reserve(400 + 600 * functions);
    body += "{\"time_ms\":" + QByteArray::number(QDateTime::currentMSecsSinceEpoch())
        + ",\"role\":\"compute\",\"uptime_s\":" + QByteArray::number(seconds, 'f', 3)
        + ",\"node\":{\"cpu_percent\":" + cpu
        + ",\"load1\":0.7,\"memory_total_bytes\":16777216000,\"memory_available_bytes\":"
          "9000000000,\"disk_total_bytes\":500000000000,\"disk_free_bytes\":300000000000,"
          "\"disk_read_bytes_per_s\":10240.5,\"disk_write_bytes_per_s\":40960.25,\"net_rx_bytes_per_s\":"
          "123456.0,\"net_tx_bytes_per_s\":65432.0},\"functions\":[";
    const auto function = [&](const QByteArray &name, int index, qint64 count, qint64 errors) -> QByteArray {
        const int replicas = replicasOf(node, index, seconds);
        const qint64 periods = qint64(seconds / 10);
        return QByteArray("{\"by_status\":{\"2xx\":") + n(count - errors) + ",\"3xx\":0,\"4xx\":0,\"5xx\":" + n(errors)
            + "},\"cold_start_latency\":{\"count\":1,\"mean_ms\":80.0,\"p50_ms\":75.0,\"p90_ms\":95.0,\"p99_ms\":99.5},"
              "\"cold_starts\":1,\"errors\":"
            + n(errors) + ",\"in_flight\":1,\"invocations\":" + n(count) + ",\"latency\":{\"count\":" + n(count)
            + ",\"mean_ms\":4.2,\"p50_ms\":3.9,\"p90_ms\":7.5,\"p99_ms\":12.1},\"name\":\"" + name
            + "\",\"queued\":0,\"replicas\":" + n(replicas) + ",\"replicas_ready\":" + n(replicas)
            + ",\"scale_downs\":" + n(periods) + ",\"scale_ups\":" + n(periods) + ",\"timeouts\":0,\"version\":3}";
    };
    // The first two as ever (20 and 5 calls a second, 1 % errors on the first), then fn-2, fn-3, ...
    for (int index = 0; index < functions; ++index) {
        const QByteArray name = index == 0 ? QByteArray("resize")
            : index == 1                   ? QByteArray("thumbnail")
                                           : QByteArray("fn-") + n(index);
        const qint64 calls = qint64(seconds * (index == 0 ? 20 : 5));
        body += (index > 0 ? "," : "") + function(name, index, calls, index == 0 ? calls / 100 : 0);
    }
    body += "]}";
    return body;
}

/** One scaling event per 10 s period since @p since (the newest few), as the agent words them. */
QByteArray eventsBody(const SimulatedNode &node, const QByteArray &path)
{
    const qsizetype at = path.indexOf("since=");
    const qint64 since = at < 0 ? 0 : path.mid(at + 6).split('&').first().toLongLong();
    const double seconds = double(node.started.elapsed()) / 1000.0;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QByteArray body = "{\"events\":[";
    for (qint64 seq = std::max(since + 1, qint64(seconds / 10) - 3); seq <= qint64(seconds / 10); ++seq) {
        if (!body.endsWith('['))
            body += ',';
        body += "{\"seq\":" + QByteArray::number(seq) + ",\"time_ms\":" + QByteArray::number(now)
            + ",\"kind\":\"scale_up\",\"function\":\"resize\",\"version\":3,\"detail\":\"1 -> 2 replicas, 3 calls in "
              "flight\"}";
    }
    return body + "]}";
}

QByteArray infoBody(const SimulatedNode &node)
{
    return "{\"hostname\":\"sim-" + QByteArray::number(node.index)
        + "\",\"os\":\"Debian GNU/Linux 12 (bookworm)\",\"kernel\":\"6.1.0\",\"arch\":\"x86_64\",\"cores\":8,"
          "\"memory_bytes\":16777216000,\"disk_bytes\":500000000000,\"disk_free_bytes\":300000000000,"
          "\"agent_version\":\"0.1.0\",\"role\":\"compute\"}";
}

QByteArray answer(const SimulatedNode &node, const QByteArray &path, int functions)
{
    if (path.startsWith("/v1/metrics"))
        return metricsBody(node, functions);
    if (path.startsWith("/v1/info"))
        return infoBody(node);
    if (path.startsWith("/v1/health"))
        return "{\"status\":\"ok\",\"version\":\"0.1.0\",\"role\":\"compute\",\"uptime_s\":10}";
    if (path.startsWith("/v1/functions"))
        return "{\"functions\":[{\"name\":\"resize\",\"version\":3,\"state\":\"PUBLISHED\",\"runtime\":\"python3\","
               "\"replicas\":2,\"replicas_ready\":2,\"in_flight\":1,\"queued\":0}]}";
    if (path.startsWith("/v1/events"))
        return eventsBody(node, path);
    return {};
}

void serve(QTcpSocket *socket, const SimulatedNode &node, int functions, QByteArray &pending)
{
    pending += socket->readAll();
    qsizetype end;
    while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
        const QByteArray request = pending.left(end);
        pending.remove(0, end + 4);
        const QList<QByteArray> words = request.left(request.indexOf('\r')).split(' ');
        const QByteArray body = answer(node, words.value(1), functions);
        const QByteArray status = body.isEmpty() ? "404 Not Found" : "200 OK";
        const QByteArray sent =
            body.isEmpty() ? QByteArray("{\"error\":{\"code\":\"not_found\",\"message\":\"no\"}}") : body;
        socket->write("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(sent.size()) + "\r\nConnection: keep-alive\r\n\r\n" + sent);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    QCoreApplication app(argc, argv);
    const int count = argc > 1 ? std::atoi(argv[1]) : 100;
    const int functions = argc > 2 ? std::clamp(std::atoi(argv[2]), 1, 1000) : 2;
    std::vector<std::unique_ptr<QTcpServer>> servers;
    std::vector<SimulatedNode> nodes(static_cast<size_t>(count));
    QByteArray ports = "ports";
    for (int index = 0; index < count; ++index) {
        SimulatedNode &node = nodes[size_t(index)];
        node.index = index;
        node.started.start();
        auto server = std::make_unique<QTcpServer>();
        if (!server->listen(QHostAddress::LocalHost, 0)) {
            std::fprintf(stderr, "cannot listen: %s\n", qPrintable(server->errorString()));
            return 1;
        }
        QTcpServer *raw = server.get();
        QObject::connect(raw, &QTcpServer::newConnection, raw, [raw, &node, functions] {
            while (QTcpSocket *socket = raw->nextPendingConnection()) {
                socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
                auto pending = std::make_shared<QByteArray>();
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, &node, functions, pending] {
                    serve(socket, node, functions, *pending);
                });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        ports += ' ' + QByteArray::number(server->serverPort());
        servers.push_back(std::move(server));
    }
    std::printf("%s\n", ports.constData());
    std::fflush(stdout);
    return QCoreApplication::exec();
}
