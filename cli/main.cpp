// SPDX-License-Identifier: GPL-3.0-or-later
// `rune` in a build without the window (-DRUNE_GUI=OFF): the command line only.
#include "cli.h"

#include <QByteArray>
#include <cstdio>

int main(int argc, char *argv[])
{
    if (rune::cli::isCommandLine(argc, argv))
        return rune::cli::run(argc, argv);
    const bool help = argc == 2 && (qstrcmp(argv[1], "--help") == 0 || qstrcmp(argv[1], "-h") == 0);
    std::fprintf(help ? stdout : stderr,
        "%s%s\n",
        help ? "" : "rune: this build has no window; give a command.\n\n",
        qPrintable(rune::cli::overviewText()));
    return help ? 0 : 2;
}
