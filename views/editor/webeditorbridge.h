// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QVariantMap>

namespace rune::views
{

/**
 * WebCodeEditor's side of the QWebChannel, published as "bridge" to editor.html
 * (resources/editor/src/codepage.js). It keeps the editor's state on the C++ side, so every
 * getter answers at once, and sends each change to the page as a signal.
 *
 * Reports from the page carry the generation of the last resetText() they saw: one that
 * arrives after a newer resetText() is about a replaced document and is dropped.
 */
class WebEditorBridge final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebEditorBridge)

public:
    explicit WebEditorBridge(QObject *parent = nullptr);

    void resetText(const QString &text);
    QString text() const;
    bool isModified() const;
    void setModified(bool modified);
    void setLanguage(const QString &language);
    void setReadOnly(bool readOnly);
    void setTheme(const QVariantMap &theme);
    void goToLine(int line);
    bool isReady() const;

public Q_SLOTS:
    // Called by the page.
    QVariantMap initialState() const;
    void reportReady();
    void reportChange(const QString &text, int generation, bool modified);
    void reportModified(int generation, bool modified);
    void requestSave();

Q_SIGNALS:
    // To the page.
    void textReset(const QString &text, int generation);
    void cleanMarked(const QString &savedText);
    void dirtyMarked();
    void languageChanged(const QString &language);
    void readOnlyChanged(bool readOnly);
    void themeChanged(const QVariantMap &theme);
    void lineRequested(int line);

    // To WebCodeEditor.
    void pageReady();
    void textEdited();
    void modifiedChanged(bool modified);
    void saveRequested();

private:
    void updateModified(bool modified);

    QString m_text;
    int m_generation = 0;
    bool m_modified = false;
    QString m_language;
    bool m_readOnly = false;
    QVariantMap m_theme;
    bool m_ready = false;
};

} // namespace rune::views
