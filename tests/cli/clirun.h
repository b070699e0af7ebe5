// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The `rune` program as the CLI tests run it: headless, with the settings and data of one test.

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

namespace rune::test
{

/** What one run of `rune` printed, and how it ended (-1: it crashed or timed out). */
struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QJsonObject json() const
    {
        return QJsonDocument::fromJson(out).object();
    }
};

/** How a test runs `rune` beyond its arguments. */
struct CliSetup {
    /** Adds to or overrides the test's own environment. */
    QProcessEnvironment environment;
    /** Written to its standard input, which is then closed. */
    QByteArray input;
    /** Runs it on a terminal of its own (script(1)), as a user at a terminal would; its output comes on stdout. */
    bool terminal = false;
};

/**
 * Runs RUNE_CLI_BINARY with @p arguments, no display, the settings file under @p home/config
 * (never the user's) and, unless the arguments name one, the data directory @p home/data.
 */
inline CliRun runCli(QStringList arguments, const QDir &home, int timeoutMs, const CliSetup &setup = {})
{
    QProcess process;
    QProcessEnvironment full = QProcessEnvironment::systemEnvironment();
    full.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    full.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("share")));
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        full.remove(QString::fromLatin1(name));
    full.insert(setup.environment);
    process.setProcessEnvironment(full);
    if (!arguments.contains(QStringLiteral("--data-dir")))
        arguments << QStringLiteral("--data-dir") << home.filePath(QStringLiteral("data"));
    if (setup.terminal) {
        QString command = QStringLiteral("exec '%1'").arg(QStringLiteral(RUNE_CLI_BINARY));
        for (QString argument : std::as_const(arguments))
            command += QStringLiteral(" '") + argument.replace(u'\'', QStringLiteral("'\\''")) + u'\'';
        process.start(QStringLiteral("script"), {QStringLiteral("-qec"), command, QStringLiteral("/dev/null")});
    } else {
        process.start(QStringLiteral(RUNE_CLI_BINARY), arguments);
    }
    process.write(setup.input);
    process.closeWriteChannel();
    CliRun run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        run.err = "timed out";
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace rune::test
