// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/theme.h"

#include <QApplication>
#include <QEvent>
#include <QStyle>
#include <QStyleFactory>

using namespace Qt::StringLiterals;

namespace rune::views
{

QString themeChoiceName(ThemeChoice choice)
{
    switch (choice) {
    case ThemeChoice::Light:
        return u"light"_s;
    case ThemeChoice::Dark:
        return u"dark"_s;
    case ThemeChoice::System:
        break;
    }
    return u"system"_s;
}

ThemeChoice themeChoiceFromName(const QString &name)
{
    if (name == u"light"_s)
        return ThemeChoice::Light;
    if (name == u"dark"_s)
        return ThemeChoice::Dark;
    return ThemeChoice::System;
}

Theme::Theme(QApplication *app, QObject *parent)
    : QObject(parent)
    , m_app(app)
    , m_systemPalette(QApplication::palette())
{
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    app->installEventFilter(this);
}

Theme::~Theme() = default;

bool Theme::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightnessF() < 0.5;
}

bool Theme::systemPrefersDark() const
{
    const QString forced = qEnvironmentVariable("RUNE_THEME").toLower();
    if (forced == u"dark"_s || forced == u"light"_s)
        return forced == u"dark"_s;
    if (qEnvironmentVariable("GTK_THEME").endsWith(u":dark"_s, Qt::CaseInsensitive))
        return true;
    return isDark(m_systemPalette);
}

void Theme::apply(ThemeChoice choice)
{
    m_choice = choice;
    m_dark = choice == ThemeChoice::Dark || (choice == ThemeChoice::System && systemPrefersDark());
    m_applying = true;
    QApplication::setPalette(m_dark ? darkPalette() : lightPalette());
    m_applying = false;
}

ThemeChoice Theme::choice() const
{
    return m_choice;
}

bool Theme::isDark() const
{
    return m_dark;
}

bool Theme::eventFilter(QObject *watched, QEvent *event)
{
    // The desktop switched between light and dark: follow it when the admin left it to the system.
    if (watched == m_app && event->type() == QEvent::ThemeChange && !m_applying) {
        m_systemPalette = QApplication::style()->standardPalette();
        if (m_choice == ThemeChoice::System)
            apply(m_choice);
    }
    return QObject::eventFilter(watched, event);
}

QPalette Theme::lightPalette()
{
    QPalette p;
    const QColor window(0xf4, 0xf5, 0xf7);
    const QColor text(0x1f, 0x23, 0x28);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf7, 0xf8, 0xfa));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xf0));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x6b, 0x72, 0x80));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0xfa, 0xfb, 0xfc));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, Qt::white);
    p.setColor(QPalette::Midlight, QColor(0xe5, 0xe7, 0xeb));
    p.setColor(QPalette::Mid, QColor(0xc9, 0xcd, 0xd3));
    p.setColor(QPalette::Dark, QColor(0x9c, 0xa3, 0xaf));
    p.setColor(QPalette::Shadow, QColor(0x6b, 0x72, 0x80));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xbf));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x1d, 0x5f, 0xb0));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x9c, 0xa3, 0xaf));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x9c, 0xa3, 0xaf));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x9c, 0xa3, 0xaf));
    return p;
}

QPalette Theme::darkPalette()
{
    QPalette p;
    const QColor window(0x1e, 0x21, 0x26);
    const QColor text(0xe3, 0xe6, 0xea);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(0x16, 0x18, 0x1c));
    p.setColor(QPalette::AlternateBase, QColor(0x1c, 0x1f, 0x24));
    p.setColor(QPalette::ToolTipBase, QColor(0x2a, 0x2e, 0x35));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x93, 0x9e));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x2a, 0x2e, 0x35));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x3a, 0x3f, 0x47));
    p.setColor(QPalette::Midlight, QColor(0x33, 0x38, 0x3f));
    p.setColor(QPalette::Mid, QColor(0x2b, 0x2f, 0x36));
    p.setColor(QPalette::Dark, QColor(0x12, 0x14, 0x17));
    p.setColor(QPalette::Shadow, QColor(0x0a, 0x0b, 0x0d));
    p.setColor(QPalette::Highlight, QColor(0x3b, 0x7d, 0xd8));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xf0));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6b, 0x72, 0x7c));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6b, 0x72, 0x7c));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6b, 0x72, 0x7c));
    return p;
}

namespace colors
{

QColor series(int index)
{
    // Distinct on white and on near-black alike.
    static const QColor palette[] = {
        QColor(0x3b, 0x82, 0xf6),
        QColor(0xf5, 0x9e, 0x0b),
        QColor(0x10, 0xb9, 0x81),
        QColor(0xef, 0x44, 0x44),
        QColor(0xa8, 0x55, 0xf7),
        QColor(0x06, 0xb6, 0xd4),
    };
    return palette[index % int(std::size(palette))];
}

QColor muted(const QPalette &palette)
{
    return palette.color(QPalette::PlaceholderText);
}

} // namespace colors

} // namespace rune::views
