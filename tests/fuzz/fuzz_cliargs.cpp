// SPDX-License-Identifier: GPL-3.0-or-later
// The command line's reader: the input is the words after `rune`, separated by NUL bytes as the
// kernel hands them over. Any words give an Invocation or a usage error with a message, never a
// crash or a hang; what is accepted names a command of the table (or asks for a group's help),
// and its help can be written.
#include "invocation.h"

#include <QStringList>
#include <cstdint>
#include <cstdlib>

using namespace rune::cli;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    QStringList words;
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    for (const QByteArray &word : bytes.split('\0'))
        words.append(QString::fromUtf8(word));
    const auto invocation = parseInvocation(words);
    if (!invocation) {
        if (invocation.error().message.isEmpty())
            std::abort(); // a refusal always says why
        return 0;
    }
    if (!invocation->command && !invocation->help)
        std::abort(); // accepted, yet nothing to run
    if (invocation->help && helpText(*invocation).isEmpty())
        std::abort();
    return 0;
}
