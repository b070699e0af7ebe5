// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QObject>
#include <QPalette>
#include <QString>

class QApplication;

namespace rune::views
{

/** What the admin chose in View > Theme. */
enum class ThemeChoice { System, Light, Dark };

QString themeChoiceName(ThemeChoice choice);
ThemeChoice themeChoiceFromName(const QString &name);

/**
 * The console's light and dark palettes on the Fusion style, following the desktop: with
 * ThemeChoice::System it is dark when the desktop's own palette is (or RUNE_THEME / GTK_THEME say
 * so), and it follows the desktop when that changes. Widgets that draw their own colours read
 * the application palette and listen for QEvent::PaletteChange.
 */
class Theme final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Theme)

public:
    explicit Theme(QApplication *app, QObject *parent = nullptr);
    ~Theme() override;

    void apply(ThemeChoice choice);
    ThemeChoice choice() const;
    bool isDark() const;

    static QPalette lightPalette();
    static QPalette darkPalette();
    /** Whether @p palette is a dark one (its window colour is). */
    static bool isDark(const QPalette &palette);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool systemPrefersDark() const;

    QApplication *m_app;
    QPalette m_systemPalette;
    ThemeChoice m_choice = ThemeChoice::System;
    bool m_dark = false;
    bool m_applying = false;
};

/** Chart and badge colours that read well on both palettes. */
namespace colors
{
QColor series(int index);
QColor muted(const QPalette &palette);
} // namespace colors

} // namespace rune::views
