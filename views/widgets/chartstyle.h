// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <functional>

class QChart;
class QFont;
class QWidget;

namespace rune::views
{

/** Gives @p chart and its axes the application palette's colours and @p font, bold for the title. */
void styleChart(QChart *chart, const QFont &font);

/**
 * Saves what @p widget shows (a chart, a heat map) as a PNG at @p path: grabbed on the UI thread,
 * encoded and written on a background one. @p done gets an empty string, or why it failed, on
 * @p widget's thread; it is dropped if @p widget goes first.
 */
void exportWidgetPng(QWidget *widget, const QString &path, std::function<void(QString)> done);

/**
 * Writes @p text as UTF-8 to @p path on a background thread, replacing the file only once it is
 * whole (QSaveFile). @p done gets an empty string, or why it failed, on @p context's thread.
 */
void exportText(QWidget *context, const QString &path, const QString &text, std::function<void(QString)> done);

/** "Saved <path>", or "Could not save <path>: <error>": what a pane says after an export. */
QString exportMessage(const QString &path, const QString &error);

/**
 * Asks where to save a file, without a nested event loop: a file dialog opened over @p parent
 * that calls @p chosen with the path once one is chosen (and not at all when cancelled).
 */
void askSavePath(QWidget *parent,
    const QString &title,
    const QString &fileName,
    const QString &filter,
    std::function<void(QString)> chosen);

} // namespace rune::views
