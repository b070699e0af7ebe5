// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace rune::test
{

/**
 * A python3 function whose time really depends on its memory, for the memory tuner's tests. It
 * sorts data_mib MiB (from the event's JSON body, else @p defaultDataMib) with a buffer of its
 * memory less 96 MiB for the interpreter and its working set, one pass per buffer-full (400 ms
 * each, as if from disk), and holds an 80 MiB working set, so 64 MiB is not enough: it is killed
 * for its memory. At 384 MiB of data: one pass at 512 MiB, two from 448 to 320, three at 256,
 * four at 192, twelve at 128.
 *
 * The working set is filled on a replica's first call and kept, as a function keeps what it
 * loads: filling it costs a third of a second of CPU, which on a loaded machine would swamp the
 * difference between sizes if warm calls paid it again; a warm call only sleeps.
 */
inline QString sorterSource(int defaultDataMib)
{
    return QStringLiteral("import json, os, time\n"
                          "\n"
                          "working_set = None\n"
                          "\n"
                          "def handle(event, context):\n"
                          "    global working_set\n"
                          "    data_mib = json.loads(event[\"body\"] or \"{}\").get(\"data_mib\", %1)\n"
                          "    if working_set is None:\n"
                          "        working_set = b\"\\x01\" * (80 * 1024 * 1024)\n"
                          "    buffer_mib = max(32, int(os.environ[\"RUNE_MEMORY_MIB\"]) - 96)\n"
                          "    passes = -(-data_mib // buffer_mib)\n"
                          "    time.sleep(0.4 * passes)\n"
                          "    return {\"passes\": passes, \"held\": len(working_set)}\n")
        .arg(defaultDataMib);
}

} // namespace rune::test
