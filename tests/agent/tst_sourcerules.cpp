// SPDX-License-Identifier: GPL-3.0-or-later
// Rules the agent's sources keep, because breaking them once crashed it: JSON becomes text only
// through jsonText() (a strict dump throws on invalid UTF-8), and no std::regex (it recurses per
// character and overflowed the stack on a long input).

#include "../common/testmain.h"

#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

class TestSourceRules final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noRawJsonDump();
    void noStdRegex();

private:
    /** "file:line: text" of every line of the agent's C++ sources matching @p pattern. */
    static QStringList offendingLines(const QRegularExpression &pattern, const QStringList &allowedFiles);
};

QStringList TestSourceRules::offendingLines(const QRegularExpression &pattern, const QStringList &allowedFiles)
{
    const QString root = QStringLiteral(RUNE_SOURCE_DIR) + QStringLiteral("/remote-agent");
    QStringList found;
    int files = 0;
    QDirIterator sources(
        root, {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files, QDirIterator::Subdirectories);
    while (sources.hasNext()) {
        const QString path = sources.next();
        const QString relative = path.mid(root.size() + 1);
        ++files;
        if (allowedFiles.contains(relative))
            continue;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        int number = 0;
        while (!file.atEnd()) {
            const QString line = QString::fromUtf8(file.readLine());
            ++number;
            // Comments may name what the code must not do.
            const QString code = line.left(line.indexOf(QStringLiteral("//")));
            if (pattern.match(code).hasMatch())
                found << QStringLiteral("%1:%2: %3").arg(relative).arg(number).arg(line.trimmed());
        }
    }
    if (files < 20)
        found << QStringLiteral("only %1 source files under %2: is the source tree there?").arg(files).arg(root);
    return found;
}

void TestSourceRules::noRawJsonDump()
{
    // protocol/jsontext.cpp is the one place that calls dump(), with the replacing error handler.
    const QStringList found =
        offendingLines(QRegularExpression(QStringLiteral(R"(\.dump\s*\()")), {QStringLiteral("protocol/jsontext.cpp")});
    QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
}

void TestSourceRules::noStdRegex()
{
    const QStringList found =
        offendingLines(QRegularExpression(QStringLiteral(R"(std::regex|std::wregex|#\s*include\s*<regex>)")), {});
    QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
}

RUNE_TEST_GUILESS_MAIN(TestSourceRules)
#include "tst_sourcerules.moc"
