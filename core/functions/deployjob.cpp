// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/deployjob.h"

#include <QTimer>
#include <algorithm>

namespace rune
{

DeployJob::DeployJob(QString functionId, QString functionName, QStringList nodeIds, QObject *parent)
    : QObject(parent)
    , m_functionId(std::move(functionId))
    , m_functionName(std::move(functionName))
    , m_nodeIds(std::move(nodeIds))
{
}

QString DeployJob::functionId() const
{
    return m_functionId;
}

QString DeployJob::functionName() const
{
    return m_functionName;
}

QStringList DeployJob::nodeIds() const
{
    return m_nodeIds;
}

int DeployJob::version() const
{
    return m_version;
}

bool DeployJob::createsVersion() const
{
    return m_created;
}

bool DeployJob::isFinished() const
{
    return m_finished;
}

bool DeployJob::succeeded() const
{
    return m_succeeded;
}

QString DeployJob::summary() const
{
    return m_summary;
}

QList<NodeDeployResult> DeployJob::results() const
{
    return m_results;
}

void DeployJob::cancel()
{
    if (m_finished)
        return;
    m_cancelled = true;
    for (auto it = m_uploads.begin(); it != m_uploads.end(); ++it)
        delete it.value().data(); // aborts the request; its callback never runs
    m_uploads.clear();
    Q_EMIT cancelled();
}

void DeployJob::setPackaged(int version, bool created, qint64 bytes)
{
    m_version = version;
    m_created = created;
    Q_EMIT packaged(version, created, bytes);
}

QObject *DeployJob::uploadContext(const QString &nodeId)
{
    auto *context = new QObject(this);
    m_uploads.insert(nodeId, context);
    return context;
}

bool DeployJob::isCancelled() const
{
    return m_cancelled;
}

QStringList DeployJob::pendingNodes() const
{
    QStringList pending;
    for (const QString &nodeId : m_nodeIds) {
        const bool done = std::any_of(m_results.cbegin(), m_results.cend(), [&nodeId](const NodeDeployResult &r) {
            return r.nodeId == nodeId;
        });
        if (!done)
            pending << nodeId;
    }
    return pending;
}

bool DeployJob::addResult(const NodeDeployResult &result)
{
    const bool known = std::any_of(m_results.cbegin(), m_results.cend(), [&result](const NodeDeployResult &r) {
        return r.nodeId == result.nodeId;
    });
    if (!known) {
        m_results.append(result);
        if (QObject *context = m_uploads.take(result.nodeId))
            context->deleteLater();
        Q_EMIT nodeFinished(result);
    }
    return m_results.size() >= m_nodeIds.size();
}

void DeployJob::finish(bool succeeded, const QString &summary)
{
    if (m_finished)
        return;
    m_finished = true;
    m_succeeded = succeeded;
    m_summary = summary;
    Q_EMIT finished(succeeded, summary);
    // Views that watch it have had their signal; keep it a little for late readers.
    QTimer::singleShot(std::chrono::minutes(1), this, &QObject::deleteLater);
}

void DeployJob::refuse(const QString &reason)
{
    QTimer::singleShot(0, this, [this, reason] {
        finish(false, reason);
    });
}

} // namespace rune
