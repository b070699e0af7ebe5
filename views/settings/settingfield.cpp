// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/settingfield.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

QString choiceText(const QString &choice)
{
    if (choice == u"system"_s)
        return QCoreApplication::translate("rune::views::SettingField", "Follow the desktop");
    if (choice == u"light"_s)
        return QCoreApplication::translate("rune::views::SettingField", "Light");
    if (choice == u"dark"_s)
        return QCoreApplication::translate("rune::views::SettingField", "Dark");
    return choice;
}

} // namespace

SettingField::SettingField(Settings *settings, Settings::Key key, QWidget *parent)
    : QWidget(parent)
    , m_settings(settings)
    , m_key(key)
    , m_editor(makeEditor())
    , m_problemLabel(new QLabel(this))
{
    const Settings::Descriptor &d = Settings::descriptor(key);
    const QString name = QString::fromLatin1(d.name).replace(u'/', u'_');
    setObjectName(u"setting_"_s + name);
    m_editor->setObjectName(u"settingEditor_"_s + name);
    m_problemLabel->setObjectName(u"settingProblem_"_s + name);
    m_problemLabel->setStyleSheet(u"color: #d13a3a"_s);
    m_problemLabel->setWordWrap(true);
    m_problemLabel->hide();

    auto *explanation = new QLabel(Settings::explanation(key) + u' ' + describeDefault(), this);
    explanation->setObjectName(u"settingHelp_"_s + name);
    explanation->setWordWrap(true);
    explanation->setForegroundRole(QPalette::PlaceholderText);
    QFont small = explanation->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    explanation->setFont(small);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 4);
    layout->setSpacing(2);
    layout->addWidget(m_editor);
    layout->addWidget(m_problemLabel);
    layout->addWidget(explanation);
    showValue();
    connect(m_settings, &Settings::changed, this, [this](Settings::Key changed) {
        // Its own edits stay as typed ("/srv/" is saved as "/srv" while the path is being typed).
        if (changed == m_key && !m_editing)
            showValue();
    });
}

QWidget *SettingField::makeEditor()
{
    const Settings::Descriptor &d = Settings::descriptor(m_key);
    if (d.kind == Settings::Kind::Boolean) {
        auto *box = new QCheckBox(this);
        connect(box, &QCheckBox::toggled, this, [this](bool on) {
            edited(on);
        });
        return box;
    }
    if (d.kind == Settings::Kind::Choice) {
        auto *combo = new QComboBox(this);
        for (const QString &choice : d.choices)
            combo->addItem(choiceText(choice), choice);
        connect(combo, &QComboBox::activated, this, [this, combo](int index) {
            edited(combo->itemData(index));
        });
        return combo;
    }
    auto *line = new QLineEdit(this);
    line->setClearButtonEnabled(d.kind != Settings::Kind::Integer);
    if (d.kind == Settings::Kind::Integer)
        line->setMaximumWidth(160);
    const QString fallback = d.defaultValue.toString();
    if (m_key == Settings::Key::DataDir)
        line->setPlaceholderText(m_settings->dataDir());
    else if (m_key == Settings::Key::KnownHostsFile)
        line->setPlaceholderText(u"~/.ssh/known_hosts"_s);
    else if (!fallback.isEmpty())
        line->setPlaceholderText(fallback);
    // Checked at every key, saved when the editing is done (Return, or focus leaving): typing
    // 70000 must not leave 7000 in force on the way.
    connect(line, &QLineEdit::textEdited, this, [this](const QString &text) {
        checkTyped(text);
    });
    connect(line, &QLineEdit::editingFinished, this, [this, line] {
        if (line->text() != m_settings->value(m_key).toString())
            edited(line->text());
    });
    return line;
}

QString SettingField::describeDefault() const
{
    const Settings::Descriptor &d = Settings::descriptor(m_key);
    QString fallback = d.defaultValue.toString();
    if (d.kind == Settings::Kind::Boolean)
        fallback = d.defaultValue.toBool() ? tr("on") : tr("off");
    else if (d.kind == Settings::Kind::Choice)
        fallback = choiceText(fallback);
    else if (d.kind == Settings::Kind::Integer && *d.unit)
        fallback += u' ' + QLatin1StringView(d.unit);
    QString text = fallback.isEmpty() ? tr("Default: empty.") : tr("Default: %1.").arg(fallback);
    if (d.takes == Settings::Takes::AfterRestart)
        text += u' ' + tr("Applies after a restart.");
    else if (d.takes == Settings::Takes::NextConnection)
        text += u' ' + tr("Applies to the next connection.");
    else
        text += u' ' + tr("Applies at once.");
    return text;
}

void SettingField::showValue()
{
    // Shown as the settings hold it; the editors' signals must not save it back.
    m_showing = true;
    const QVariant value = m_settings->value(m_key);
    if (auto *box = qobject_cast<QCheckBox *>(m_editor))
        box->setChecked(value.toBool());
    else if (auto *combo = qobject_cast<QComboBox *>(m_editor))
        combo->setCurrentIndex(std::max(0, combo->findData(value.toString())));
    else if (auto *line = qobject_cast<QLineEdit *>(m_editor))
        line->setText(value.toString());
    m_showing = false;
    m_problemLabel->clear();
    m_problemLabel->hide();
}

void SettingField::checkTyped(const QString &text)
{
    if (m_showing)
        return;
    if (const auto checked = Settings::validate(m_key, text); !checked) {
        m_problemLabel->setText(tr("Not saved: %1.").arg(checked.error()));
        m_problemLabel->show();
        return;
    }
    m_problemLabel->clear();
    m_problemLabel->hide();
}

void SettingField::edited(const QVariant &value)
{
    if (m_showing)
        return;
    m_editing = true;
    const auto stored = m_settings->setValue(m_key, value);
    m_editing = false;
    if (!stored) {
        // Kept in the field to be corrected, never saved.
        m_problemLabel->setText(tr("Not saved: %1.").arg(stored.error()));
        m_problemLabel->show();
        return;
    }
    m_problemLabel->clear();
    m_problemLabel->hide();
    Q_EMIT saved(m_key);
}

Settings::Key SettingField::key() const
{
    return m_key;
}

QWidget *SettingField::editor() const
{
    return m_editor;
}

QString SettingField::problem() const
{
    return m_problemLabel->text();
}

} // namespace rune::views
