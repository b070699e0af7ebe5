// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/codetheme.h"

#include <QFontDatabase>
#include <QFontInfo>
#include <QPalette>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

QColor mix(const QColor &a, const QColor &b, qreal amountOfB)
{
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * amountOfB,
        a.greenF() + (b.greenF() - a.greenF()) * amountOfB,
        a.blueF() + (b.blueF() - a.blueF()) * amountOfB);
}

QColor withAlpha(QColor color, int alpha)
{
    color.setAlpha(alpha);
    return color;
}

/** "rgba(r, g, b, a)": CSS reads #AARRGGBB, which QColor::name() makes, as #RRGGBBAA. */
QString css(const QColor &color)
{
    return u"rgba(%1, %2, %3, %4)"_s.arg(color.red())
        .arg(color.green())
        .arg(color.blue())
        .arg(QString::number(color.alphaF(), 'f', 3));
}

int pixelSize(const QFont &font)
{
    return QFontInfo(font).pixelSize();
}

// Token colours in CodeToken order. Our own choice: readable on the palette's base colour,
// distinct from each other, calm enough for long reading.
constexpr QRgb lightTokens[] = {
    0x7c3aed, 0x157f3d, 0x6b7280, 0xb45309, 0xc2410c, 0x1d4ed8, 0x0e7490, 0x9d174d, 0x946200, 0xbe123c};
constexpr QRgb darkTokens[] = {
    0xc4a7ff, 0x8fe3a8, 0x8b949e, 0xf5c05b, 0xfb923c, 0x8cc4ff, 0x67d8ee, 0xf5a3cf, 0xf0d264, 0xff9bac};

} // namespace

CodeTheme CodeTheme::fromPalette(const QPalette &palette)
{
    CodeTheme theme;
    theme.background = palette.color(QPalette::Base);
    theme.foreground = palette.color(QPalette::Text);
    theme.dark = theme.background.lightnessF() < 0.5;
    const QColor highlight = palette.color(QPalette::Highlight);
    theme.gutterBackground = mix(theme.background, theme.foreground, 0.04);
    theme.gutterForeground = mix(theme.background, theme.foreground, 0.45);
    theme.gutterBorder = mix(theme.background, theme.foreground, 0.12);
    theme.activeLine = mix(theme.background, highlight, theme.dark ? 0.16 : 0.07);
    theme.selection = mix(theme.background, highlight, theme.dark ? 0.45 : 0.30);
    theme.cursor = theme.foreground;
    theme.matchingBracket = mix(theme.background, QColor(0x22c55e), theme.dark ? 0.35 : 0.28);
    theme.matchingBracketOutline = mix(theme.background, QColor(0x16a34a), 0.7);
    theme.searchMatch = withAlpha(QColor(0xfacc15), theme.dark ? 90 : 110);
    theme.searchMatchSelected = withAlpha(QColor(0xf97316), theme.dark ? 130 : 120);
    theme.selectionMatch = mix(theme.background, highlight, theme.dark ? 0.25 : 0.14);
    theme.panelBackground = palette.color(QPalette::Window);
    theme.addedLine = mix(theme.background, QColor(0x22c55e), theme.dark ? 0.18 : 0.14);
    theme.removedLine = mix(theme.background, QColor(0xef4444), theme.dark ? 0.18 : 0.12);
    theme.addedText = mix(theme.background, QColor(0x22c55e), theme.dark ? 0.40 : 0.32);
    theme.removedText = mix(theme.background, QColor(0xef4444), theme.dark ? 0.40 : 0.30);
    theme.addedGutter = QColor(0x22c55e);
    theme.removedGutter = QColor(0xef4444);
    theme.fillerLine = mix(theme.background, theme.foreground, 0.06);
    theme.font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    theme.uiFont = QFontDatabase::systemFont(QFontDatabase::GeneralFont);
    const QRgb *tokens = theme.dark ? darkTokens : lightTokens;
    for (int i = 0; i < 10; ++i)
        theme.m_tokens[size_t(i)] = QColor::fromRgb(tokens[i]);
    return theme;
}

QColor CodeTheme::tokenColor(CodeToken token) const
{
    return m_tokens[size_t(token)];
}

bool CodeTheme::isItalic(CodeToken token)
{
    return token == CodeToken::Comment;
}

QVariantMap CodeTheme::toVariantMap() const
{
    const std::pair<QString, QColor> colors[] = {
        {u"background"_s, background},
        {u"foreground"_s, foreground},
        {u"gutterBackground"_s, gutterBackground},
        {u"gutterForeground"_s, gutterForeground},
        {u"gutterBorder"_s, gutterBorder},
        {u"activeLine"_s, activeLine},
        {u"selection"_s, selection},
        {u"cursor"_s, cursor},
        {u"matchingBracket"_s, matchingBracket},
        {u"matchingBracketOutline"_s, matchingBracketOutline},
        {u"searchMatch"_s, searchMatch},
        {u"searchMatchSelected"_s, searchMatchSelected},
        {u"selectionMatch"_s, selectionMatch},
        {u"panelBackground"_s, panelBackground},
        {u"addedLine"_s, addedLine},
        {u"removedLine"_s, removedLine},
        {u"addedText"_s, addedText},
        {u"removedText"_s, removedText},
        {u"addedGutter"_s, addedGutter},
        {u"removedGutter"_s, removedGutter},
        {u"keyword"_s, tokenColor(CodeToken::Keyword)},
        {u"string"_s, tokenColor(CodeToken::String)},
        {u"comment"_s, tokenColor(CodeToken::Comment)},
        {u"number"_s, tokenColor(CodeToken::Number)},
        {u"atom"_s, tokenColor(CodeToken::Atom)},
        {u"function"_s, tokenColor(CodeToken::Function)},
        {u"type"_s, tokenColor(CodeToken::Type)},
        {u"property"_s, tokenColor(CodeToken::Property)},
        {u"meta"_s, tokenColor(CodeToken::Meta)},
        {u"variable"_s, tokenColor(CodeToken::Variable)},
        {u"invalid"_s, removedGutter},
    };
    QVariantMap map;
    for (const auto &[key, color] : colors)
        map.insert(key, css(color));
    map.insert(u"dark"_s, dark);
    map.insert(u"fontFamily"_s, QFontInfo(font).family());
    map.insert(u"fontSize"_s, pixelSize(font));
    map.insert(u"uiFontFamily"_s, QFontInfo(uiFont).family());
    map.insert(u"uiFontSize"_s, pixelSize(uiFont));
    return map;
}

} // namespace rune::views
