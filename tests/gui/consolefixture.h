// SPDX-License-Identifier: GPL-3.0-or-later
// The console composed in full, as app/main.cpp composes it (Console), against a
// temporary data directory. Remote machines are scripted ones (FakeSshTransport) unless a test
// passes the real transport to its sshd; the local demo cluster and test agents are real.
#pragma once

#include "../common/fakesshtransport.h"
#include "settings/settings.h"
#include "shell/console.h"
#include "shell/guiprompter.h"

#include <QTemporaryDir>
#include <QTest>

namespace rune::test
{

struct ConsoleFixture {
    /** With @p edges; an empty connectTo reaches the scripted machines of @p machines. */
    explicit ConsoleFixture(ConsoleEdges edges = {})
        : settings(dir.filePath(QStringLiteral("rune.conf")))
    {
        settings.setValue(Settings::Key::DataDir, dir.filePath(QStringLiteral("data")));
        if (!edges.connectTo)
            edges.connectTo = machines.factory();
        if (!edges.prompter)
            edges.prompter = &prompter;
        if (edges.provisioning.agentBinary.isEmpty())
            edges.provisioning.agentBinary = QStringLiteral(RUNE_AGENT_BINARY);
        auto opened = Console::open(&settings, std::move(edges));
        if (!opened)
            qFatal("the console cannot open its data directory: %s", qPrintable(opened.error().message));
        console = std::move(*opened);
    }

    const ConsoleServices &services() const
    {
        return console->services();
    }
    const FleetServices &fleet() const
    {
        return console->services().fleet;
    }
    const FunctionServices &functions() const
    {
        return console->services().functions;
    }

    QTemporaryDir dir;
    Settings settings;
    FakeNetwork machines;
    views::GuiPrompter prompter;
    std::unique_ptr<Console> console;
};

} // namespace rune::test
