// SPDX-License-Identifier: GPL-3.0-or-later
#include "output.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace rune::cli
{

namespace
{

void writeTo(FILE *stream, const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

} // namespace

int exitCode(Outcome outcome)
{
    return int(outcome);
}

QString outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Ok:
        return u"ok"_s;
    case Outcome::Failed:
        return u"failed"_s;
    case Outcome::Usage:
        return u"usage"_s;
    case Outcome::NotFound:
        return u"not_found"_s;
    case Outcome::Refused:
        return u"refused"_s;
    }
    return u"failed"_s;
}

QString exitCodeHelp()
{
    return QCoreApplication::translate(
        "rune::cli", "Exit codes: 0 done, 1 failed, 2 wrong command line, 3 not found, 4 refused by the lifecycle.");
}

Output::Output(OutputMode mode)
    : m_mode(mode)
    , m_terminal(::isatty(STDERR_FILENO) == 1)
{
}

OutputMode Output::mode() const
{
    return m_mode;
}

void Output::result(const QJsonObject &json, const QString &text) const
{
    if (m_mode == OutputMode::Json)
        writeTo(stdout, QJsonDocument(json).toJson(QJsonDocument::Compact) + '\n');
    else if (!text.isEmpty())
        writeTo(stdout, text.toUtf8() + (text.endsWith(u'\n') ? "" : "\n"));
}

int Output::error(Outcome outcome, const QString &message) const
{
    if (m_mode == OutputMode::Json) {
        const QJsonObject error {{u"code"_s, outcomeName(outcome)}, {u"message"_s, message}};
        result(QJsonObject {{u"error"_s, error}}, {});
    } else {
        writeTo(stderr, "rune: " + message.toUtf8() + '\n');
    }
    return exitCode(outcome);
}

void Output::progress(const QString &line)
{
    if (m_terminal) {
        // One line, redrawn: carriage return, then erase to the end of the line.
        writeTo(stderr, "\r\x1b[K" + line.toUtf8());
        m_lineOpen = true;
    } else {
        writeTo(stderr, line.toUtf8() + '\n');
    }
}

void Output::endProgress()
{
    if (m_lineOpen)
        writeTo(stderr, "\n");
    m_lineOpen = false;
}

} // namespace rune::cli
