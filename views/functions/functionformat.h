// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/functionstate.h"

#include <QColor>
#include <QDateTime>
#include <QIcon>
#include <QString>

namespace rune::views
{

/** LATEST green, PUBLISHED blue, UPDATING amber, BLOCKED red, RETIRED grey. */
QColor functionStateColor(FunctionState state);
/** A round badge of functionStateColor(), for item views. */
QIcon functionStateBadge(FunctionState state);
/** 2xx green, 3xx blue, 4xx amber, 5xx red. */
QColor httpStatusColor(int status);
/** A time in the user's time zone: "14:03:27.512" today, "2026-01-05 14:03" otherwise. */
QString formatLocalTime(const QDateTime &time, bool withMilliseconds = false);
/** The body as indented JSON when it is JSON, else as UTF-8 text; binary bodies are summarised. */
QString prettyBody(const QByteArray &body);

} // namespace rune::views
