// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace rune::cli
{

/** Whether @p argv names a command (`rune node list`), which runs headless instead of the window. */
bool isCommandLine(int argc, char *argv[]);
/** Runs the command line @p argv in a QCoreApplication of its own and returns the exit code. */
int run(int argc, char *argv[]);
/** The command groups and the exit codes, for the window's --help. */
QString overviewText();

} // namespace rune::cli
