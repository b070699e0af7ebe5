// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Builds tar.gz archives for tests with tests/fixtures/make_archive.py (Python's tarfile), which
// can also write the hostile entries a real user's tool would refuse to make.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

namespace rune::test
{

inline QByteArray makeArchive(const QJsonArray &entries)
{
    QProcess python;
    python.start(
        QStringLiteral("/usr/bin/python3"), {QStringLiteral(RUNE_FIXTURES_DIR) + QStringLiteral("/make_archive.py")});
    python.write(QJsonDocument(entries).toJson());
    python.closeWriteChannel();
    if (!python.waitForFinished(10000) || python.exitCode() != 0)
        qFatal("make_archive.py failed: %s", python.readAllStandardError().constData());
    return python.readAllStandardOutput();
}

inline QJsonObject file(const QString &name, const QString &data, int mode = 0644)
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("data"), data}, {QStringLiteral("mode"), mode}};
}

inline QJsonObject entry(const QString &name, const QString &type, const QString &target = {})
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("type"), type}, {QStringLiteral("target"), target}};
}

} // namespace rune::test
