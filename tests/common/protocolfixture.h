// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFile>
#include <QString>

namespace rune::test
{

/** A file of tests/fixtures/protocol/, the agent's answers as the protocol documents them. */
inline QByteArray protocolFixture(const QString &name)
{
    QFile file(QStringLiteral(RUNE_FIXTURES_DIR "/protocol/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(file.fileName()));
    return file.readAll();
}

} // namespace rune::test
