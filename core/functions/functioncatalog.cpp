// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functioncatalog.h"

#include <algorithm>

namespace rune
{

namespace
{

bool before(const Function &a, const Function &b)
{
    return std::tie(a.project, a.name) < std::tie(b.project, b.name);
}

} // namespace

FunctionCatalog::FunctionCatalog(QObject *parent)
    : QObject(parent)
{
}

const QList<Function> &FunctionCatalog::functions() const
{
    return m_functions;
}

qsizetype FunctionCatalog::indexOf(const QString &id) const
{
    for (qsizetype i = 0; i < m_functions.size(); ++i) {
        if (m_functions.at(i).id == id)
            return i;
    }
    return -1;
}

const Function *FunctionCatalog::find(const QString &id) const
{
    const qsizetype index = indexOf(id);
    return index < 0 ? nullptr : &m_functions.at(index);
}

const Function *FunctionCatalog::find(const QString &project, const QString &name) const
{
    for (const Function &function : m_functions) {
        if (function.project == project && function.name == name)
            return &function;
    }
    return nullptr;
}

QStringList FunctionCatalog::projects() const
{
    QStringList projects;
    for (const Function &function : m_functions) {
        if (projects.isEmpty() || projects.last() != function.project)
            projects << function.project;
    }
    return projects;
}

QList<FunctionVersion> FunctionCatalog::versions(const QString &id) const
{
    return m_details.value(id).versions;
}

std::optional<FunctionVersion> FunctionCatalog::version(const QString &id, int number) const
{
    for (const FunctionVersion &version : m_details.value(id).versions) {
        if (version.number == number)
            return version;
    }
    return std::nullopt;
}

std::optional<FunctionVersion> FunctionCatalog::currentVersion(const QString &id) const
{
    const Function *function = find(id);
    return function ? version(id, function->currentVersion) : std::nullopt;
}

QList<FunctionDeployment> FunctionCatalog::deployments(const QString &id) const
{
    return m_details.value(id).deployments;
}

QStringList FunctionCatalog::nodesOf(const QString &id, int number) const
{
    QStringList nodes;
    for (const FunctionDeployment &deployment : m_details.value(id).deployments) {
        if (deployment.number == number)
            nodes << deployment.nodeId;
    }
    return nodes;
}

int FunctionCatalog::agentVersion(const QString &id, int number, const QString &nodeId) const
{
    for (const FunctionDeployment &deployment : m_details.value(id).deployments) {
        if (deployment.number == number && deployment.nodeId == nodeId)
            return deployment.agentVersion;
    }
    return 0;
}

QStringList FunctionCatalog::everyNodeOf(const QString &id) const
{
    QStringList nodes;
    for (const FunctionDeployment &deployment : m_details.value(id).deployments) {
        if (!nodes.contains(deployment.nodeId))
            nodes << deployment.nodeId;
    }
    return nodes;
}

QStringList FunctionCatalog::files(const QString &id) const
{
    return m_details.value(id).files;
}

void FunctionCatalog::insert(const Function &function,
    const QList<FunctionVersion> &versions,
    const QList<FunctionDeployment> &deployments,
    const QStringList &files)
{
    if (indexOf(function.id) >= 0)
        remove(function.id);
    const auto at = std::upper_bound(m_functions.begin(), m_functions.end(), function, before);
    m_functions.insert(at, function);
    m_details.insert(function.id, Details {versions, deployments, files});
    Q_EMIT functionAdded(function.id);
}

void FunctionCatalog::update(const Function &function)
{
    const qsizetype index = indexOf(function.id);
    if (index < 0 || m_functions.at(index) == function)
        return;
    // Names never change (they are the function's folder and its name on the agents), so the
    // order stays.
    m_functions[index] = function;
    Q_EMIT functionChanged(function.id);
}

void FunctionCatalog::remove(const QString &id)
{
    const qsizetype index = indexOf(id);
    if (index < 0)
        return;
    Q_EMIT functionAboutToBeRemoved(id);
    m_functions.removeAt(index);
    m_details.remove(id);
    Q_EMIT functionRemoved(id);
}

void FunctionCatalog::setVersions(const QString &id, const QList<FunctionVersion> &versions)
{
    if (indexOf(id) < 0 || m_details[id].versions == versions)
        return;
    m_details[id].versions = versions;
    Q_EMIT versionsChanged(id);
}

void FunctionCatalog::setDeployments(const QString &id, const QList<FunctionDeployment> &deployments)
{
    if (indexOf(id) < 0 || m_details[id].deployments == deployments)
        return;
    m_details[id].deployments = deployments;
    Q_EMIT versionsChanged(id);
}

void FunctionCatalog::setFiles(const QString &id, const QStringList &files)
{
    if (indexOf(id) < 0 || m_details[id].files == files)
        return;
    m_details[id].files = files;
    Q_EMIT filesChanged(id);
}

void FunctionCatalog::markLoaded()
{
    m_loaded = true;
    Q_EMIT loaded();
}

bool FunctionCatalog::isLoaded() const
{
    return m_loaded;
}

} // namespace rune
