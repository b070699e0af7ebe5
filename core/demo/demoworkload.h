// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/functiontemplate.h"

#include <QObject>
#include <QSet>
#include <QTimer>
#include <chrono>

namespace rune
{

class FunctionInvoker;
class FunctionReleases;
class FunctionWorkspace;
class NodeList;

/** A sample function of the demo cluster: made from a template, deployed to some demo nodes. */
struct DemoSample {
    QString name;
    QString templateId;
    QStringList nodeIds;
};

/**
 * What makes the local demo cluster worth looking at: once its nodes run, three sample functions
 * (project "demo": "hello" in Python on compute-1 and compute-2 and "echo" in Node.js on compute-1
 * and edge-1, from resources/templates/, and "accident" on edge-1, fired by MQTT) exist and are
 * deployed, and a light synthetic load calls those with an HTTP trigger a few times a second, so
 * charts move and logs fill; accident waits at zero replicas for events. Samples that already exist
 * are left as the user changed them; only ones never deployed are deployed.
 */
class DemoWorkload final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoWorkload)

public:
    static constexpr char project[] = "demo";

    DemoWorkload(FunctionWorkspace *workspace,
        FunctionReleases *releases,
        FunctionInvoker *invoker,
        NodeList *nodes,
        QList<FunctionTemplate> templates,
        QObject *parent = nullptr);

    /** hello (python3), echo (node) and accident (python3, MQTT) on the default demo layout. */
    static QList<DemoSample> defaultSamples();
    /**
     * The accident sample: a Python function fired by MQTT messages on cars/+/crash that answers
     * on alerts/crash, at zero replicas until a message comes. Not one of the New function
     * templates: it is made only for the demo.
     */
    static FunctionTemplate accidentTemplate();
    void setSamples(const QList<DemoSample> &samples);
    /** Time between two synthetic calls; zero turns the load off. */
    void setCallInterval(std::chrono::milliseconds interval);

    /** Waits for the catalog and the nodes, makes and deploys the samples, then starts the load. */
    void start();
    void stop();

    /** Calls made so far, answered or not. */
    int callCount() const;
    bool isDeployed() const;

Q_SIGNALS:
    /** Every sample function runs on its nodes. */
    void samplesDeployed();
    /** Something the user should know: a sample could not be made or deployed. */
    void problem(const QString &message);

private:
    void check();
    bool nodesRunning(const DemoSample &sample) const;
    void ensure(const DemoSample &sample);
    void deploy(const QString &functionId, const DemoSample &sample);
    void callNext();

    FunctionWorkspace *m_workspace;
    FunctionReleases *m_releases;
    FunctionInvoker *m_invoker;
    NodeList *m_nodes;
    QList<FunctionTemplate> m_templates;
    QList<DemoSample> m_samples;
    QSet<QString> m_busy; ///< samples being made or deployed
    QSet<QString> m_ready; ///< samples deployed
    QTimer m_load;
    QTimer m_poll;
    int m_calls = 0;
    int m_inFlight = 0;
    bool m_running = false;
};

} // namespace rune
