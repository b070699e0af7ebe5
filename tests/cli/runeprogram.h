// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The `rune` program as the command-line tests run it: a home of the test's own (settings, data
// directory) and the demo cluster that `rune demo up` leaves running there.
#include "clirun.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <csignal>

namespace rune::tests
{

using RuneRun = rune::test::CliRun;

/** Runs `rune @p arguments` in @p home (its data directory unless the arguments name one). */
inline RuneRun runRune(const QTemporaryDir &home, QStringList arguments, int timeoutMs = 30'000)
{
    return rune::test::runCli(std::move(arguments), QDir(home.path()), timeoutMs);
}

/** Starts the demo cluster of @p home's data directory with the tested agent. */
inline bool demoUpIn(const QTemporaryDir &home)
{
    using namespace Qt::StringLiterals;
    const RuneRun up =
        runRune(home, {u"demo"_s, u"up"_s, u"--agent-binary"_s, QStringLiteral(RUNE_AGENT_BINARY)}, 90'000);
    if (up.exitCode != 0)
        qWarning("rune demo up: %s", up.err.constData());
    return up.exitCode == 0;
}

/** The demo cluster's process in @p home, from its record; 0 without one. */
inline qint64 demoPidIn(const QTemporaryDir &home)
{
    using namespace Qt::StringLiterals;
    QFile record(home.filePath(u"data/demo/cluster.json"_s));
    if (!record.open(QIODevice::ReadOnly))
        return 0;
    return qint64(QJsonDocument::fromJson(record.readAll()).object().value(u"pid"_s).toDouble());
}

/** Stops a cluster a test left running in @p home, so that no agent outlives the test. */
inline void stopDemoIn(const QTemporaryDir &home)
{
    using namespace Qt::StringLiterals;
    if (const qint64 pid = demoPidIn(home); pid > 0) {
        runRune(home, {u"demo"_s, u"down"_s});
        if (QFile::exists(u"/proc/%1"_s.arg(pid)))
            ::kill(pid_t(pid), SIGKILL);
    }
}

} // namespace rune::tests
