// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

namespace rune
{

/** What one node made of a deploy. */
struct NodeDeployResult {
    QString nodeId;
    QString nodeName;
    bool ok = false;
    int agentVersion = 0; ///< the agent's number for the deploy, when ok
    QString message; ///< what went wrong, or what the node runs now

    bool operator==(const NodeDeployResult &) const = default;
};

/**
 * One deploy (or rollback) of a function to some nodes, in flight: packaging, then one upload
 * per node in parallel, each with its progress and result. FunctionReleases drives it; views
 * watch its signals. It deletes itself a while after it finished.
 */
class DeployJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeployJob)

public:
    DeployJob(QString functionId, QString functionName, QStringList nodeIds, QObject *parent = nullptr);

    QString functionId() const;
    QString functionName() const;
    /** The nodes asked for; those that already had the version are reported at once. */
    QStringList nodeIds() const;
    /** The console's version number being deployed; 0 until packaged. */
    int version() const;
    /** Whether the deploy made a new version (changed code or configuration). */
    bool createsVersion() const;
    bool isFinished() const;
    /** At least one node runs the version now. */
    bool succeeded() const;
    /** One sentence about the outcome, or why the deploy did not start. */
    QString summary() const;
    QList<NodeDeployResult> results() const;

    /** Stops the uploads in flight; their nodes report "cancelled" and keep what they ran. */
    void cancel();
    bool isCancelled() const;
    /** The nodes that have not reported yet. */
    QStringList pendingNodes() const;

Q_SIGNALS:
    /** The code is packaged as version @p version (@p created: a new one), @p bytes compressed. */
    void packaged(int version, bool created, qint64 bytes);
    void nodeProgress(const QString &nodeId, qint64 sent, qint64 total);
    void nodeFinished(const rune::NodeDeployResult &result);
    void finished(bool succeeded, const QString &summary);
    /** cancel() was called; the nodes still uploading are about to report. */
    void cancelled();

private:
    friend class FunctionReleases;

    void setPackaged(int version, bool created, qint64 bytes);
    /** The context of @p nodeId's upload: deleting it aborts the upload. */
    QObject *uploadContext(const QString &nodeId);
    /** Records @p result unless the node already reported; true when every node has. */
    bool addResult(const NodeDeployResult &result);
    void finish(bool succeeded, const QString &summary);
    /** Refuses before anything was done (after the caller could connect). */
    void refuse(const QString &reason);

    QString m_functionId;
    QString m_functionName;
    QStringList m_nodeIds;
    int m_version = 0;
    bool m_created = false;
    bool m_finished = false;
    bool m_succeeded = false;
    bool m_cancelled = false;
    bool m_completing = false; ///< the outcome is being recorded
    QString m_summary;
    QList<NodeDeployResult> m_results;
    QHash<QString, QPointer<QObject>> m_uploads;
};

} // namespace rune

Q_DECLARE_METATYPE(rune::NodeDeployResult)
