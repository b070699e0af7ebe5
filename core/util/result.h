// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <expected>

namespace rune
{

/**
 * An error at an API edge: a stable machine-readable code and a sentence the user can act on.
 */
struct Error {
    QString code;
    QString message;

    bool operator==(const Error &) const = default;
};

/** The value of an operation that may fail with an Error. */
template <typename T> using Result = std::expected<T, Error>;

/** Builds the failure side of a Result: `return fail(u"store.corrupt"_s, tr("..."));` */
inline std::unexpected<Error> fail(QString code, QString message)
{
    return std::unexpected<Error>(Error {std::move(code), std::move(message)});
}

} // namespace rune
