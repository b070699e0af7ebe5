// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/node.h"
#include "util/result.h"

#include <QList>
#include <QString>
#include <optional>

namespace rune
{

/**
 * What a demo cluster kept running by a process of its own (`rune demo up`) tells the other
 * processes that share the data directory: who runs it and where its agents listen. The window
 * and every CLI command read it, so they show the same nodes and never start a second cluster.
 */
struct DemoRecord {
    qint64 pid = 0; ///< the process that runs the agents
    QString program; ///< its executable, so a recycled pid is not taken for it
    bool ready = false; ///< every agent listens (or failed); false while they start
    QList<Node> nodes; ///< demo nodes with their ports and tokens
    QStringList problems; ///< agents that failed, one sentence each
};

/** `<dataDir>/demo/cluster.json`. */
QString demoRecordPath(const QString &dataDir);
/** Replaces the record atomically (written aside, then renamed), readable by the owner only. */
Result<void> writeDemoRecord(const QString &dataDir, const DemoRecord &record);
/** The record, when there is one and its process still runs; a stale record is ignored. */
std::optional<DemoRecord> readLiveDemoRecord(const QString &dataDir);
/** Whether @p pid is alive and runs @p program. */
bool demoProcessAlive(qint64 pid, const QString &program);

} // namespace rune
