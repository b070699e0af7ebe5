// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/webeditorbridge.h"

using namespace Qt::StringLiterals;

namespace rune::views
{

WebEditorBridge::WebEditorBridge(QObject *parent)
    : QObject(parent)
    , m_language(u"plain"_s)
{
}

void WebEditorBridge::resetText(const QString &text)
{
    m_text = text;
    ++m_generation;
    updateModified(false);
    Q_EMIT textReset(text, m_generation);
}

QString WebEditorBridge::text() const
{
    return m_text;
}

bool WebEditorBridge::isModified() const
{
    return m_modified;
}

void WebEditorBridge::setModified(bool modified)
{
    updateModified(modified);
    // The page decides again from its own, possibly newer, document and reports back.
    if (modified)
        Q_EMIT dirtyMarked();
    else
        Q_EMIT cleanMarked(m_text);
}

void WebEditorBridge::setLanguage(const QString &language)
{
    m_language = language;
    Q_EMIT languageChanged(language);
}

void WebEditorBridge::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    Q_EMIT readOnlyChanged(readOnly);
}

void WebEditorBridge::setTheme(const QVariantMap &theme)
{
    m_theme = theme;
    Q_EMIT themeChanged(theme);
}

void WebEditorBridge::goToLine(int line)
{
    Q_EMIT lineRequested(line);
}

bool WebEditorBridge::isReady() const
{
    return m_ready;
}

QVariantMap WebEditorBridge::initialState() const
{
    return {
        {u"text"_s, m_text},
        {u"generation"_s, m_generation},
        {u"modified"_s, m_modified},
        {u"language"_s, m_language},
        {u"readOnly"_s, m_readOnly},
        {u"theme"_s, m_theme},
    };
}

void WebEditorBridge::reportReady()
{
    m_ready = true;
    Q_EMIT pageReady();
}

void WebEditorBridge::reportChange(const QString &text, int generation, bool modified)
{
    if (generation != m_generation)
        return;
    if (text != m_text) {
        m_text = text;
        Q_EMIT textEdited();
    }
    updateModified(modified);
}

void WebEditorBridge::reportModified(int generation, bool modified)
{
    if (generation == m_generation)
        updateModified(modified);
}

void WebEditorBridge::requestSave()
{
    if (!m_readOnly)
        Q_EMIT saveRequested();
}

void WebEditorBridge::updateModified(bool modified)
{
    if (modified == m_modified)
        return;
    m_modified = modified;
    Q_EMIT modifiedChanged(modified);
}

} // namespace rune::views
