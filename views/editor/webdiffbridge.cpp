// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/webdiffbridge.h"

using namespace Qt::StringLiterals;

namespace rune::views
{

WebDiffBridge::WebDiffBridge(QObject *parent)
    : QObject(parent)
    , m_state(
          {{u"left"_s, QString()}, {u"right"_s, QString()}, {u"language"_s, u"plain"_s}, {u"theme"_s, QVariantMap()}})
{
}

void WebDiffBridge::setTexts(const QString &oldText, const QString &newText)
{
    m_state.insert(u"left"_s, oldText);
    m_state.insert(u"right"_s, newText);
    send();
}

void WebDiffBridge::setLanguage(const QString &language)
{
    m_state.insert(u"language"_s, language);
    send();
}

void WebDiffBridge::setTheme(const QVariantMap &theme)
{
    m_state.insert(u"theme"_s, theme);
    send();
}

QVariantMap WebDiffBridge::initialState() const
{
    return m_state;
}

bool WebDiffBridge::isReady() const
{
    return m_ready;
}

void WebDiffBridge::reportReady()
{
    m_ready = true;
}

void WebDiffBridge::reportRendered(int changedBlocks)
{
    Q_EMIT rendered(changedBlocks);
}

void WebDiffBridge::send()
{
    // Always sent: the page ignores it until it has read initialState(), which carries it, and
    // it may report its first rendering before it reports ready.
    Q_EMIT contentChanged(m_state);
}

} // namespace rune::views
