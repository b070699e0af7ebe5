// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace rune
{

/**
 * One line of CSV (RFC 4180): fields with a comma, a quote, a line break or leading/trailing
 * space are quoted, quotes doubled; lines end with CRLF. A field a spreadsheet would run as a
 * formula (=, +, -, @ first) gets a leading apostrophe, unless it is a number.
 */
QString csvLine(const QStringList &fields);

} // namespace rune
