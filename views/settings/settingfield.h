// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "settings/settings.h"

#include <QWidget>

class QLabel;

namespace rune::views
{

/**
 * One setting as the Settings pane shows it: an editor made for its kind (a line for numbers,
 * text and paths, a check box, a choice), its explanation, default and when it applies, and the
 * reason an invalid value is refused, shown as it is typed. Only valid values are saved, at once;
 * changes made elsewhere (a reset, View > Theme) show up here.
 */
class SettingField final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingField)

public:
    SettingField(Settings *settings, Settings::Key key, QWidget *parent = nullptr);

    Settings::Key key() const;
    /** The editor: a QLineEdit, QCheckBox or QComboBox. */
    QWidget *editor() const;
    /** Why the value typed is refused; empty when it is valid. */
    QString problem() const;

Q_SIGNALS:
    /** A valid value was saved by this field. */
    void saved(rune::Settings::Key key);

private:
    QWidget *makeEditor();
    QString describeDefault() const;
    void showValue();
    /** Shows what is wrong with @p text as typed, without saving it. */
    void checkTyped(const QString &text);
    void edited(const QVariant &value);

    Settings *m_settings;
    Settings::Key m_key;
    QWidget *m_editor;
    QLabel *m_problemLabel;
    bool m_showing = false;
    bool m_editing = false;
};

} // namespace rune::views
