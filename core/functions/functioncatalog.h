// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/function.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QStringList>
#include <optional>

namespace rune
{

/**
 * The functions the console knows, with their versions, where each version runs and the paths
 * of their working files: the one source the Functions pane's models share. It holds state
 * only; FunctionWorkspace and FunctionReleases change it after the store and the agents did,
 * and every change is announced per function.
 */
class FunctionCatalog final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FunctionCatalog)

public:
    explicit FunctionCatalog(QObject *parent = nullptr);

    /** Every function, ordered by project and name. */
    const QList<Function> &functions() const;
    const Function *find(const QString &id) const;
    const Function *find(const QString &project, const QString &name) const;
    /** The projects that have functions, sorted. */
    QStringList projects() const;

    /** The versions of @p id, oldest first. */
    QList<FunctionVersion> versions(const QString &id) const;
    std::optional<FunctionVersion> version(const QString &id, int number) const;
    /** The version serving plain calls (Function::currentVersion), if there is one. */
    std::optional<FunctionVersion> currentVersion(const QString &id) const;
    QList<FunctionDeployment> deployments(const QString &id) const;
    /** The nodes version @p number of @p id was deployed to. */
    QStringList nodesOf(const QString &id, int number) const;
    /** The agent's number for version @p number on @p nodeId; 0 if it never went there. */
    int agentVersion(const QString &id, int number, const QString &nodeId) const;
    /** Every node that ever received a version of @p id. */
    QStringList everyNodeOf(const QString &id) const;

    /** The working files' paths of @p id, sorted. */
    QStringList files(const QString &id) const;

    /** Adds or replaces a function with everything known about it. */
    void insert(const Function &function,
        const QList<FunctionVersion> &versions = {},
        const QList<FunctionDeployment> &deployments = {},
        const QStringList &files = {});
    void update(const Function &function);
    void remove(const QString &id);
    void setVersions(const QString &id, const QList<FunctionVersion> &versions);
    void setDeployments(const QString &id, const QList<FunctionDeployment> &deployments);
    void setFiles(const QString &id, const QStringList &files);
    /** Announces that the first load is complete. */
    void markLoaded();
    bool isLoaded() const;

Q_SIGNALS:
    void functionAdded(const QString &id);
    void functionAboutToBeRemoved(const QString &id);
    void functionRemoved(const QString &id);
    /** The function's name, configuration or current version changed. */
    void functionChanged(const QString &id);
    /** Its versions, their states, or where they run changed. */
    void versionsChanged(const QString &id);
    void filesChanged(const QString &id);
    void loaded();

private:
    struct Details {
        QList<FunctionVersion> versions;
        QList<FunctionDeployment> deployments;
        QStringList files;
    };

    qsizetype indexOf(const QString &id) const;

    QList<Function> m_functions;
    QHash<QString, Details> m_details;
    bool m_loaded = false;
};

} // namespace rune
