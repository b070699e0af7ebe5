// SPDX-License-Identifier: GPL-3.0-or-later
#include "demo/demorecord.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QJsonObject recordNodeJson(const Node &node)
{
    return QJsonObject {{u"id"_s, node.id},
        {u"name"_s, node.name},
        {u"role"_s, nodeRoleName(node.role)},
        {u"state"_s, nodeStateName(node.state)},
        {u"control_port"_s, int(node.agent.controlPort)},
        {u"invoke_port"_s, int(node.agent.invokePort)},
        {u"token"_s, node.agent.token}};
}

std::optional<Node> recordNodeFromJson(const QJsonObject &object)
{
    Node node;
    node.id = object.value(u"id"_s).toString();
    node.name = object.value(u"name"_s).toString();
    const auto role = nodeRoleFromName(object.value(u"role"_s).toString());
    const int control = object.value(u"control_port"_s).toInt(-1);
    const int invoke = object.value(u"invoke_port"_s).toInt(-1);
    if (node.id.isEmpty() || !role || control < 1 || control > 65535 || invoke < 0 || invoke > 65535)
        return std::nullopt;
    node.role = *role;
    node.agent = AgentEndpoint {quint16(control), object.value(u"token"_s).toString(), true, quint16(invoke)};
    node.labels = {u"demo"_s};
    // As the process that runs the agent saw it; the window's polls correct it.
    node.state = nodeStateFromName(object.value(u"state"_s).toString()).value_or(NodeState::Undefined);
    return node;
}

} // namespace

QString demoRecordPath(const QString &dataDir)
{
    return dataDir + u"/demo/cluster.json"_s;
}

Result<void> writeDemoRecord(const QString &dataDir, const DemoRecord &record)
{
    QJsonArray nodes;
    for (const Node &node : record.nodes)
        nodes.append(recordNodeJson(node));
    const QJsonObject object {{u"pid"_s, record.pid},
        {u"program"_s, record.program},
        {u"ready"_s, record.ready},
        {u"nodes"_s, nodes},
        {u"problems"_s, QJsonArray::fromStringList(record.problems)}};
    const QString path = demoRecordPath(dataDir);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(QJsonDocument(object).toJson()) < 0 || !file.commit()) {
        return fail(u"demo.record"_s,
            QCoreApplication::translate("rune", "Cannot write %1: %2.").arg(path, file.errorString()));
    }
    return {};
}

std::optional<DemoRecord> readLiveDemoRecord(const QString &dataDir)
{
    QFile file(demoRecordPath(dataDir));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject object = QJsonDocument::fromJson(file.read(1 << 20)).object();
    DemoRecord record;
    record.pid = qint64(object.value(u"pid"_s).toDouble());
    record.program = object.value(u"program"_s).toString();
    if (!demoProcessAlive(record.pid, record.program))
        return std::nullopt;
    record.ready = object.value(u"ready"_s).toBool();
    for (const QJsonValue &value : object.value(u"nodes"_s).toArray()) {
        if (auto node = recordNodeFromJson(value.toObject()))
            record.nodes.append(*node);
    }
    for (const QJsonValue &value : object.value(u"problems"_s).toArray())
        record.problems.append(value.toString());
    return record;
}

bool demoProcessAlive(qint64 pid, const QString &program)
{
    if (pid <= 0 || program.isEmpty())
        return false;
    const QString exe = QFileInfo(u"/proc/%1/exe"_s.arg(pid)).symLinkTarget();
    return !exe.isEmpty() && QFileInfo(exe).canonicalFilePath() == QFileInfo(program).canonicalFilePath();
}

} // namespace rune
