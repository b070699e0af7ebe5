// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/emptystatepane.h"

#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QVBoxLayout>

namespace rune::views
{

EmptyStatePane::EmptyStatePane(const QString &iconPath, const QString &title, const QString &text, QWidget *parent)
    : QWidget(parent)
{
    auto *iconLabel = new QLabel(this);
    iconLabel->setPixmap(QIcon(iconPath).pixmap(64, 64));
    iconLabel->setAlignment(Qt::AlignCenter);

    auto *titleLabel = new QLabel(title, this);
    titleLabel->setObjectName(QStringLiteral("emptyStateTitle"));
    QFont titleFont = titleLabel->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
    titleFont.setBold(true);
    titleLabel->setFont(titleFont);
    titleLabel->setAlignment(Qt::AlignCenter);

    auto *textLabel = new QLabel(text, this);
    textLabel->setWordWrap(true);
    textLabel->setAlignment(Qt::AlignCenter);
    textLabel->setMaximumWidth(460);
    textLabel->setForegroundRole(QPalette::PlaceholderText);

    // Centred by stretches, not by an alignment flag: a layout item with an alignment ignores the
    // label's height for its width, and the wrapped sentence was cut after its first line.
    auto *textRow = new QHBoxLayout;
    textRow->addStretch();
    textRow->addWidget(textLabel, 1);
    textRow->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(iconLabel);
    layout->addWidget(titleLabel);
    layout->addLayout(textRow);
    layout->addStretch(3);
}

} // namespace rune::views
