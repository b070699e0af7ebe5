// SPDX-License-Identifier: GPL-3.0-or-later
// rune-agent for the crash tests (tst_deploylifecycle): the real agent, plus one option,
// --pause-after-deploy-step STEP ("staged", "renamed" or "linked"), that stops every deploy after
// that step, says so on stderr and waits there to be killed. Built only with the tests.

#include "agentmain.h"

#include <chrono>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

int main(int argc, char **argv)
{
    std::vector<char *> agentArgs;
    std::string pauseStep;
    for (int index = 0; index < argc; ++index) {
        if (std::string_view(argv[index]) == "--pause-after-deploy-step" && index + 1 < argc)
            pauseStep = argv[++index];
        else
            agentArgs.push_back(argv[index]);
    }
    agentArgs.push_back(nullptr);
    rune::agent::AgentHooks hooks;
    if (!pauseStep.empty()) {
        hooks.afterDeployStep = [pauseStep](std::string_view step) {
            if (step != pauseStep)
                return;
            std::cerr << "rune-agent: deploy paused after step " << step << std::endl;
            std::this_thread::sleep_for(std::chrono::minutes(5));
        };
    }
    return rune::agent::agentMain(int(agentArgs.size()) - 1, agentArgs.data(), std::move(hooks));
}
