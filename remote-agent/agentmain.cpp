// SPDX-License-Identifier: GPL-3.0-or-later
#include "agentmain.h"

#include "config.h"

#include <csignal>
#include <exception>
#include <iostream>

namespace rune::agent
{

namespace
{

// Usage errors and bad configuration; distinct from 1 (could not run) for scripts and systemd.
constexpr int usageExitCode = 2;

int fail(const std::string &message)
{
    std::cerr << "rune-agent: " << message << "\nTry 'rune-agent --help' for more information.\n";
    return usageExitCode;
}

} // namespace

int agentMain(int argc, char **argv, AgentHooks hooks)
{
    // A client that hangs up mid-response must cost one connection, not the process.
    std::signal(SIGPIPE, SIG_IGN);
    const auto commandLine = parseCommandLine(argc, argv);
    if (!commandLine)
        return fail(commandLine.error());
    if (commandLine->showHelp) {
        std::cout << usageText();
        return 0;
    }
    if (commandLine->showVersion) {
        std::cout << "rune-agent " RUNE_VERSION "\n";
        return 0;
    }
    auto config = loadConfig(*commandLine);
    if (!config)
        return fail(config.error());
    if (!commandLine->delegateCgroupsTo.empty())
        return delegateCgroupsCommand(*config, commandLine->delegateCgroupsTo);
    try {
        Agent agent(*commandLine, std::move(*config), std::move(hooks));
        return agent.run();
    } catch (const std::exception &failure) {
        std::cerr << "rune-agent: " << failure.what() << '\n';
        return 1;
    }
}

} // namespace rune::agent
