// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QFont>
#include <QVariantMap>
#include <array>

class QPalette;

namespace rune::views
{

/** The kinds of text the editors colour differently. */
enum class CodeToken { Keyword, String, Comment, Number, Atom, Function, Type, Property, Meta, Variable };

/**
 * The editors' colours, light or dark after the palette's base colour, so both editors and the
 * diff view match the window. The web editor gets the same colours through toVariantMap().
 */
struct CodeTheme {
    bool dark = false;
    QColor background, foreground;
    QColor gutterBackground, gutterForeground, gutterBorder;
    QColor activeLine, selection, cursor;
    QColor matchingBracket, matchingBracketOutline, searchMatch, searchMatchSelected, selectionMatch;
    QColor panelBackground;
    QColor addedLine, removedLine, addedText, removedText, addedGutter, removedGutter, fillerLine;
    QFont font; ///< the system's fixed-width font
    QFont uiFont; ///< for the web editor's search panel

    static CodeTheme fromPalette(const QPalette &palette);

    QColor tokenColor(CodeToken token) const;
    /** Whether the token is drawn in italics (comments are). */
    static bool isItalic(CodeToken token);

    /** Colours as CSS strings and fonts in pixels, keyed as resources/editor/src/theme.js reads them. */
    QVariantMap toVariantMap() const;

private:
    std::array<QColor, 10> m_tokens;
};

} // namespace rune::views
