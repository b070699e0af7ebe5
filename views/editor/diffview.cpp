// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/diffview.h"

#include "editor/codetheme.h"
#include "editor/nativediffview.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#ifdef RUNE_WEB_EDITOR
#include "editor/webdiffview.h"
#endif

using namespace Qt::StringLiterals;

namespace rune::views
{

DiffView::DiffView(QWidget *parent)
    : QWidget(parent)
    , m_oldLabel(new QLabel(this))
    , m_newLabel(new QLabel(this))
    , m_labels(new QWidget(this))
{
    m_oldLabel->setObjectName(u"oldLabel"_s);
    m_newLabel->setObjectName(u"newLabel"_s);
    auto *labels = new QHBoxLayout(m_labels);
    labels->setContentsMargins(6, 2, 6, 2);
    labels->addWidget(m_oldLabel, 1);
    labels->addWidget(m_newLabel, 1);
    m_labels->hide();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_labels);
}

DiffView::~DiffView() = default;

void DiffView::setLabels(const QString &oldLabel, const QString &newLabel)
{
    m_oldLabel->setText(oldLabel);
    m_newLabel->setText(newLabel);
    m_labels->setVisible(!oldLabel.isEmpty() || !newLabel.isEmpty());
}

void DiffView::setContent(QWidget *content)
{
    static_cast<QVBoxLayout *>(layout())->addWidget(content, 1);
}

void DiffView::applyInitialTheme()
{
    applyTheme(CodeTheme::fromPalette(palette()));
}

void DiffView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyTheme(CodeTheme::fromPalette(palette()));
    QWidget::changeEvent(event);
}

DiffView *makeDiffView(QWidget *parent)
{
#ifdef RUNE_WEB_EDITOR
    return new WebDiffView(parent);
#else
    return new NativeDiffView(parent);
#endif
}

} // namespace rune::views
