// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionstate.h"

#include <QCoreApplication>
#include <array>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::FunctionState", text);
}

bool isAllowed(FunctionState from, FunctionState to)
{
    using enum FunctionState;
    switch (from) {
    case Latest:
        return to == Published || to == Updating || to == Blocked || to == Retired;
    case Published:
        return to == Updating || to == Blocked || to == Retired;
    case Updating:
        return to == Latest || to == Published;
    case Blocked:
        return to == Published || to == Latest || to == Retired;
    case Retired:
        return false;
    }
    return false;
}

/** Why @p from cannot become @p to, and what to do instead. */
QString refusalReason(FunctionState from, FunctionState to)
{
    using enum FunctionState;
    if (from == Retired)
        return tr("a retired version is kept for history only; deploy its code again to make a new version");
    if (from == to)
        return tr("the version is already %1").arg(functionStateName(from));
    if (from == Published && to == Latest)
        return tr("versions are immutable; deploy the code again to make it the latest version");
    if (from == Updating)
        return tr("a deploy is in flight; wait until it finishes or fails");
    return tr("unblock the version first"); // Blocked -> Updating is the only move left
}

} // namespace

QString functionStateName(FunctionState state)
{
    switch (state) {
    case FunctionState::Latest:
        return u"LATEST"_s;
    case FunctionState::Published:
        return u"PUBLISHED"_s;
    case FunctionState::Updating:
        return u"UPDATING"_s;
    case FunctionState::Blocked:
        return u"BLOCKED"_s;
    case FunctionState::Retired:
        return u"RETIRED"_s;
    }
    return {};
}

std::optional<FunctionState> functionStateFromName(QStringView name)
{
    using enum FunctionState;
    for (auto state : std::array {Latest, Published, Updating, Blocked, Retired}) {
        if (name.compare(functionStateName(state), Qt::CaseInsensitive) == 0)
            return state;
    }
    return std::nullopt;
}

Result<FunctionState> transition(FunctionState from, FunctionState to)
{
    if (isAllowed(from, to))
        return to;
    return fail(u"function.transition_refused"_s,
        tr("A %1 version cannot become %2: %3.")
            .arg(functionStateName(from), functionStateName(to), refusalReason(from, to)));
}

} // namespace rune
