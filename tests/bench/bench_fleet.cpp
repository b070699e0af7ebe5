// SPDX-License-Identifier: GPL-3.0-or-later
// The console's monitoring core against N simulated agents (bench_fleetsim), every node polled at
// 1 s, with the window showing the Overview or the Scaling pane (offscreen): how late the UI event
// loop runs (a 20 ms timer's lateness, p50/p99/max), the console's RSS and CPU, and the polls it
// completes. With the Scaling pane, its first function (run by every node) is shown in detail.
//
//   bench_fleet N [SECONDS] [WARMUP_SECONDS] [overview|scaling] [FUNCTIONS_PER_NODE]
//   (run by tests/bench/fleet.sh)
#include "../common/fakesshtransport.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "scaling/scalingpane.h"
#include "settings/settings.h"
#include "shell/console.h"
#include "shell/guiprompter.h"
#include "shell/mainwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <sys/resource.h>

using namespace Qt::StringLiterals;
using namespace rune;

namespace
{

double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/** A field of /proc/<pid>/status in MiB (VmRSS, VmHWM). */
double statusMiB(const QString &pid, const QByteArray &field)
{
    QFile status(u"/proc/"_s + pid + u"/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(QByteArray(field + ':')))
            return line.mid(field.size() + 1).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return 0;
}

/** utime + stime of another process, in seconds. */
double processCpuSeconds(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    return (fields.value(11).toDouble() + fields.value(12).toDouble()) / double(sysconf(_SC_CLK_TCK));
}

double percentile(std::vector<double> values, double q)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(q * double(values.size())))];
}

} // namespace

int main(int argc, char *argv[])
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int count = argc > 1 ? std::atoi(argv[1]) : 100;
    const int seconds = argc > 2 ? std::atoi(argv[2]) : 30;
    const int warmup = argc > 3 ? std::atoi(argv[3]) : 10;
    const bool scaling = argc > 4 && QByteArray(argv[4]) == "scaling";
    const int functions = argc > 5 ? std::atoi(argv[5]) : 2;

    QProcess simulator;
    simulator.start(QCoreApplication::applicationDirPath() + u"/bench_fleetsim"_s,
        {QString::number(count), QString::number(functions)});
    // Setting up the benchmark, not the measured console: waiting here is fine.
    if (!simulator.waitForReadyRead(30000)) {
        std::fprintf(stderr, "bench_fleetsim did not start\n");
        return 1;
    }
    const QList<QByteArray> ports = simulator.readLine().trimmed().split(' ').mid(1);
    if (ports.size() != count) {
        std::fprintf(stderr, "bench_fleetsim answered %lld ports, not %d\n", qlonglong(ports.size()), count);
        return 1;
    }

    QTemporaryDir dir;
    Settings settings(dir.filePath(u"rune.conf"_s));
    settings.setValue(Settings::Key::DataDir, dir.path());
    // The console as app/main.cpp composes it; every node is local, so no SSH is ever made.
    test::FakeNetwork machines;
    views::GuiPrompter prompter;
    ConsoleEdges edges;
    edges.connectTo = machines.factory();
    edges.prompter = &prompter;
    auto console = Console::open(&settings, edges);
    if (!console) {
        std::fprintf(stderr, "%s\n", qPrintable(console.error().message));
        return 1;
    }
    const ConsoleServices &services = (*console)->services();
    NodeList &nodes = *services.fleet.nodes;
    for (int index = 0; index < count; ++index) {
        Node node;
        node.id = u"sim-%1"_s.arg(index);
        node.name = node.id;
        node.agent = AgentEndpoint {quint16(ports.at(index).toUInt()), u"token"_s, true, 0};
        node.state = NodeState::Creating;
        nodes.add(node);
    }
    NodeMonitor &monitor = *services.fleet.monitor;
    monitor.setInterval(std::chrono::seconds(1));
    monitor.setBackgroundInterval(std::chrono::seconds(1)); // every node at 1 s, on screen or not
    views::MainWindow window(services);
    window.resize(1280, 800);
    window.showPane(scaling ? views::MainWindow::Pane::Scaling : views::MainWindow::Pane::Overview);
    window.show();
    (*console)->start();
    if (scaling) // its detail once every node reports it
        QTimer::singleShot(std::chrono::seconds(3), &app, [&window] {
            window.scalingPane()->selectFunction(u"resize"_s);
        });

    // The UI thread's lateness: a 20 ms timer that should fire every 20 ms.
    std::vector<double> lags;
    bool measuring = false;
    qint64 polls = 0;
    QObject::connect(&monitor, &NodeMonitor::polled, &app, [&] {
        polls += measuring ? 1 : 0;
    });
    QElapsedTimer tick;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(20);
    QObject::connect(&probe, &QTimer::timeout, &app, [&] {
        const double elapsed = double(tick.nsecsElapsed()) / 1e6;
        tick.restart();
        if (measuring)
            lags.push_back(std::max(0.0, elapsed - 20.0));
    });
    tick.start();
    probe.start();

    double cpuStart = 0;
    double simulatorStart = 0;
    QElapsedTimer wall;
    QTimer::singleShot(std::chrono::seconds(warmup), &app, [&] {
        measuring = true;
        cpuStart = cpuSeconds();
        simulatorStart = processCpuSeconds(simulator.processId());
        wall.start();
    });
    QTimer::singleShot(std::chrono::seconds(warmup + seconds), &app, [&] {
        measuring = false;
        const double elapsed = double(wall.elapsed()) / 1000.0;
        const double cpu = 100.0 * (cpuSeconds() - cpuStart) / elapsed;
        const double simulatorCpu = 100.0 * (processCpuSeconds(simulator.processId()) - simulatorStart) / elapsed;
        const QString self = QString::number(QCoreApplication::applicationPid());
        int running = 0;
        for (const Node &node : nodes.nodes())
            running += node.state == NodeState::Running ? 1 : 0;
        std::printf(
            "N=%d  functions/node=%d  pane=%s  polls/s=%.0f  running=%d  lag p50=%.1f ms  p99=%.1f ms  max=%.1f ms  "
            "RSS=%.0f MiB (peak %.0f)  CPU=%.0f %%  (simulator CPU %.0f %%)\n",
            count,
            functions,
            scaling ? "scaling" : "overview",
            double(polls) / elapsed,
            running,
            percentile(lags, 0.50),
            percentile(lags, 0.99),
            lags.empty() ? 0.0 : *std::max_element(lags.begin(), lags.end()),
            statusMiB(self, "VmRSS"),
            statusMiB(self, "VmHWM"),
            cpu,
            simulatorCpu);
        std::fflush(stdout);
        QCoreApplication::quit();
    });
    const int code = QApplication::exec();
    simulator.kill();
    simulator.waitForFinished(3000);
    return code;
}
