// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>

namespace rune::cli
{

/** How a command ended; each has one exit code and one JSON error code (README, "Command line"). */
enum class Outcome {
    Ok, ///< 0
    Failed, ///< 1: the command ran and could not do its work
    Usage, ///< 2: the command line is wrong
    NotFound, ///< 3: what the command names does not exist
    Refused, ///< 4: the lifecycle does not allow it now
};

int exitCode(Outcome outcome);
/** "failed", "usage", "not_found", "refused" ("ok" for Ok). */
QString outcomeName(Outcome outcome);
/** The exit codes as the help texts list them, one line each. */
QString exitCodeHelp();

enum class OutputMode {
    Text,
    Json,
};

/**
 * Where a command's answer goes: its result on stdout (text, or one JSON object), errors on
 * stderr in text mode and as `{"error":{"code","message"}}` on stdout in JSON mode, progress on
 * stderr (one line redrawn on a terminal, plain lines otherwise).
 */
class Output final
{
public:
    explicit Output(OutputMode mode);

    OutputMode mode() const;
    /** Prints @p json in JSON mode, @p text otherwise. */
    void result(const QJsonObject &json, const QString &text) const;
    /** Reports a failure and returns its exit code. */
    int error(Outcome outcome, const QString &message) const;
    void progress(const QString &line);
    /** Ends a progress line drawn on a terminal. */
    void endProgress();

private:
    OutputMode m_mode;
    bool m_terminal = false;
    bool m_lineOpen = false;
};

} // namespace rune::cli
