// SPDX-License-Identifier: GPL-3.0-or-later
#include "agentmain.h"

int main(int argc, char **argv)
{
    return rune::agent::agentMain(argc, argv);
}
