// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QMetaType>
#include <QString>
#include <optional>

namespace rune
{

/** Lifecycle state of one function version (ARCHITECTURE.md, "Lifecycles"). */
enum class FunctionState {
    Latest, ///< the newest edit
    Published, ///< a released version, callable as name@vN
    Updating, ///< a deploy is in flight: calls wait or hit the previous version
    Blocked, ///< calls are refused with 423 until unblocked
    Retired, ///< no longer callable, kept for history; final
};

/** The state's name as the user and the agent know it: "LATEST", "PUBLISHED", ... */
QString functionStateName(FunctionState state);
/** Parses a name made by functionStateName(), ignoring case. */
std::optional<FunctionState> functionStateFromName(QStringView name);

/**
 * Checks the lifecycle table. Allowed moves:
 *
 * | from      | to                                                          |
 * |-----------|-------------------------------------------------------------|
 * | LATEST    | PUBLISHED, UPDATING, BLOCKED, RETIRED                       |
 * | PUBLISHED | UPDATING, BLOCKED, RETIRED                                  |
 * | UPDATING  | LATEST, PUBLISHED (deploy done, or back where it was after a failed deploy) |
 * | BLOCKED   | PUBLISHED, LATEST (unblock, back where it was), RETIRED     |
 * | RETIRED   | nothing                                                     |
 *
 * A published version never becomes LATEST again: versions are immutable, so bringing old code
 * back is a new version. Staying in the same state is refused as well, so a caller learns that
 * its request changed nothing.
 *
 * @return @p to when the move is allowed; otherwise an Error (code "function.transition_refused")
 *         whose message says why and what to do instead.
 */
Result<FunctionState> transition(FunctionState from, FunctionState to);

} // namespace rune

Q_DECLARE_METATYPE(rune::FunctionState)
