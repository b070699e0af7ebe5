// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QVariantMap>

namespace rune::views
{

/**
 * WebDiffView's side of the QWebChannel, published as "bridge" to diff.html
 * (resources/editor/src/diffpage.js): the texts, language and colours go to the page as one
 * state, the page answers with the number of changed blocks it shows.
 */
class WebDiffBridge final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebDiffBridge)

public:
    explicit WebDiffBridge(QObject *parent = nullptr);

    void setTexts(const QString &oldText, const QString &newText);
    void setLanguage(const QString &language);
    void setTheme(const QVariantMap &theme);
    /** Whether the page has started and read its initial state. */
    bool isReady() const;

public Q_SLOTS:
    // Called by the page.
    QVariantMap initialState() const;
    void reportReady();
    void reportRendered(int changedBlocks);

Q_SIGNALS:
    // To the page.
    void contentChanged(const QVariantMap &state);
    // To WebDiffView.
    void rendered(int changedBlocks);

private:
    void send();

    QVariantMap m_state;
    bool m_ready = false;
};

} // namespace rune::views
