// SPDX-License-Identifier: GPL-3.0-or-later
#include "emptystatepane.h"

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

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(iconLabel);
    layout->addWidget(titleLabel);
    layout->addWidget(textLabel, 0, Qt::AlignHCenter);
    layout->addStretch(3);
}

} // namespace rune::views
