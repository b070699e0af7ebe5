// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

namespace rune::views
{

/** A pane with nothing to show yet: an icon, a title and a sentence saying what belongs here. */
class EmptyStatePane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EmptyStatePane)

public:
    EmptyStatePane(const QString &iconPath, const QString &title, const QString &text, QWidget *parent = nullptr);
};

} // namespace rune::views
