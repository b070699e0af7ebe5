// SPDX-License-Identifier: GPL-3.0-or-later
#include "demo/demoworkload.h"

#include "cluster/nodelist.h"
#include "demo/localcluster.h"
#include "functions/functioninvoker.h"
#include "functions/functionreleases.h"
#include "functions/functionworkspace.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

constexpr int maxInFlight = 4;

constexpr char accidentHandler[] =
    R"(""" A car reports a crash on cars/<car>/crash; the answer goes out on alerts/crash.

Fired by the MQTT trigger (no HTTP): event["topic"] is the message's topic, event["body"] its
payload. The function waits at zero replicas until a message comes.
"""
import json


def handle(event, context):
    car = event.get("topic", "cars/unknown/crash").split("/")[1]
    try:
        report = json.loads(event["body"] or "{}")
    except ValueError:
        report = {}
    if not isinstance(report, dict):
        report = {}
    speed = report.get("speed_kmh", 0)
    severity = "severe" if isinstance(speed, (int, float)) and speed >= 50 else "minor"
    print(f"crash of car {car} at {speed} km/h: {severity}")
    return {
        "alert": "crash",
        "car": car,
        "severity": severity,
        "speed_kmh": speed,
        "location": report.get("location", "unknown"),
    }
)";

} // namespace

DemoWorkload::DemoWorkload(FunctionWorkspace *workspace,
    FunctionReleases *releases,
    FunctionInvoker *invoker,
    NodeList *nodes,
    QList<FunctionTemplate> templates,
    QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_releases(releases)
    , m_invoker(invoker)
    , m_nodes(nodes)
    , m_templates(std::move(templates))
    , m_samples(defaultSamples())
{
    m_templates.append(accidentTemplate());
    m_load.setInterval(std::chrono::milliseconds(400));
    connect(&m_load, &QTimer::timeout, this, &DemoWorkload::callNext);
    // Nodes come up within a second or two; a deploy that failed is tried again.
    m_poll.setInterval(std::chrono::seconds(1));
    connect(&m_poll, &QTimer::timeout, this, &DemoWorkload::check);
}

QList<DemoSample> DemoWorkload::defaultSamples()
{
    return {
        {u"hello"_s, u"python3"_s, {LocalCluster::nodeId(u"compute-1"_s), LocalCluster::nodeId(u"compute-2"_s)}},
        {u"echo"_s, u"node"_s, {LocalCluster::nodeId(u"compute-1"_s), LocalCluster::nodeId(u"edge-1"_s)}},
        {u"accident"_s, u"accident"_s, {LocalCluster::nodeId(u"edge-1"_s)}},
    };
}

FunctionTemplate DemoWorkload::accidentTemplate()
{
    FunctionTemplate accident;
    accident.id = u"accident"_s;
    accident.title = tr("Traffic accident (MQTT)");
    accident.description = tr("Raises an alert on alerts/crash for every crash report on cars/+/crash.");
    accident.mainFile = u"handler.py"_s;
    accident.config.runtime = FunctionRuntime::Python3;
    accident.config.handler = u"handler.handle"_s;
    accident.config.memoryMiB = 128;
    accident.config.minReplicas = 0;
    accident.config.maxReplicas = 2;
    accident.config.idleToZeroSeconds = 60;
    accident.config.triggers = {Trigger(TriggerType::Mqtt, u"cars/+/crash"_s, u"alerts/crash"_s, 1)};
    accident.files = {CodeFile {u"handler.py"_s, QByteArray(accidentHandler), false}};
    SampleEvent report;
    report.name = tr("crash report");
    report.headers = {{u"Content-Type"_s, u"application/json"_s}};
    report.body = uR"({"speed_kmh": 72, "location": "A7 km 112"})"_s;
    accident.events = {report};
    return accident;
}

void DemoWorkload::setSamples(const QList<DemoSample> &samples)
{
    m_samples = samples;
}

void DemoWorkload::setCallInterval(std::chrono::milliseconds interval)
{
    m_load.setInterval(interval);
    if (interval.count() == 0)
        m_load.stop();
}

void DemoWorkload::start()
{
    m_running = true;
    m_poll.start();
    check();
}

void DemoWorkload::stop()
{
    m_running = false;
    m_poll.stop();
    m_load.stop();
}

int DemoWorkload::callCount() const
{
    return m_calls;
}

bool DemoWorkload::isDeployed() const
{
    return m_ready.size() == m_samples.size();
}

bool DemoWorkload::nodesRunning(const DemoSample &sample) const
{
    return std::all_of(sample.nodeIds.cbegin(), sample.nodeIds.cend(), [this](const QString &id) {
        const Node *node = m_nodes->find(id);
        return node && node->state == NodeState::Running;
    });
}

void DemoWorkload::check()
{
    if (!m_running || !m_workspace->catalog()->isLoaded())
        return;
    for (const DemoSample &sample : std::as_const(m_samples)) {
        if (!m_ready.contains(sample.name) && !m_busy.contains(sample.name) && nodesRunning(sample))
            ensure(sample);
    }
    if (isDeployed()) {
        m_poll.stop();
        if (m_load.interval() > 0 && !m_load.isActive())
            m_load.start();
    }
}

void DemoWorkload::ensure(const DemoSample &sample)
{
    const FunctionCatalog *catalog = m_workspace->catalog();
    if (const Function *function = catalog->find(QLatin1StringView(project), sample.name)) {
        if (function->currentVersion > 0) {
            m_ready.insert(sample.name);
            if (isDeployed())
                Q_EMIT samplesDeployed();
            return;
        }
        return deploy(function->id, sample);
    }
    const auto found = std::find_if(m_templates.cbegin(), m_templates.cend(), [&sample](const FunctionTemplate &t) {
        return t.id == sample.templateId;
    });
    if (found == m_templates.cend()) {
        m_ready.insert(sample.name); // nothing to wait for
        Q_EMIT problem(
            tr("The demo function %1 needs the template %2, which is missing.").arg(sample.name, sample.templateId));
        return;
    }
    m_busy.insert(sample.name);
    m_workspace->createFunction(
        QLatin1StringView(project), sample.name, *found, this, [this, sample](Result<Function> made) {
            if (!made) {
                m_busy.remove(sample.name);
                m_ready.insert(sample.name);
                Q_EMIT problem(made.error().message);
                return;
            }
            deploy(made->id, sample);
        });
}

void DemoWorkload::deploy(const QString &functionId, const DemoSample &sample)
{
    m_busy.insert(sample.name);
    DeployJob *job = m_releases->deploy(functionId, sample.nodeIds, tr("Demo sample"));
    connect(job, &DeployJob::finished, this, [this, name = sample.name](bool succeeded, const QString &summary) {
        m_busy.remove(name);
        if (!succeeded) {
            Q_EMIT problem(summary);
            return; // the poll tries again
        }
        m_ready.insert(name);
        if (isDeployed())
            Q_EMIT samplesDeployed();
        check();
    });
}

void DemoWorkload::callNext()
{
    if (m_samples.isEmpty() || m_inFlight >= maxInFlight)
        return;
    const DemoSample &sample = m_samples.at(m_calls % m_samples.size());
    const Function *function = m_workspace->catalog()->find(QLatin1StringView(project), sample.name);
    const auto found = std::find_if(m_templates.cbegin(), m_templates.cend(), [&sample](const FunctionTemplate &t) {
        return t.id == sample.templateId;
    });
    const QStringList nodes = function ? m_invoker->nodesFor(function->id) : QStringList();
    ++m_calls;
    if (!function || nodes.isEmpty() || found == m_templates.cend() || found->events.isEmpty())
        return;
    // Only functions called over HTTP: a call would start an event-driven sample from zero.
    const bool http =
        std::any_of(function->config.triggers.cbegin(), function->config.triggers.cend(), [](const Trigger &t) {
            return t.type == TriggerType::Http;
        });
    if (!http)
        return;
    // Mostly the first sample event; now and then another, so a chart shows an error too.
    const int round = m_calls / m_samples.size();
    const SampleEvent &event = found->events.at(round % 10 == 9 ? round / 10 % found->events.size() : 0);
    InvokeRequest request;
    request.method = event.method;
    request.path = event.path;
    request.headers = event.headers;
    request.body = event.body.toUtf8();
    ++m_inFlight;
    m_invoker->invoke(function->id, nodes.at(round % nodes.size()), 0, request, this, [this](Result<InvokeResult>) {
        --m_inFlight;
    });
}

} // namespace rune
