// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent.h"
#include "config.h"

#include <csignal>
#include <exception>
#include <iostream>

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

int main(int argc, char **argv)
{
    // A client that hangs up mid-response must cost one connection, not the process.
    std::signal(SIGPIPE, SIG_IGN);
    const auto commandLine = rune::agent::parseCommandLine(argc, argv);
    if (!commandLine)
        return fail(commandLine.error());
    if (commandLine->showHelp) {
        std::cout << rune::agent::usageText();
        return 0;
    }
    if (commandLine->showVersion) {
        std::cout << "rune-agent " RUNE_VERSION "\n";
        return 0;
    }
    auto config = rune::agent::loadConfig(*commandLine);
    if (!config)
        return fail(config.error());
    if (!commandLine->delegateCgroupsTo.empty())
        return rune::agent::delegateCgroupsCommand(*config, commandLine->delegateCgroupsTo);
    try {
        rune::agent::Agent agent(*commandLine, std::move(*config));
        return agent.run();
    } catch (const std::exception &failure) {
        std::cerr << "rune-agent: " << failure.what() << '\n';
        return 1;
    }
}
