// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/codelanguage.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QHash>
#include <array>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

struct LanguageNames {
    CodeLanguage language;
    QString name;
};

const std::array<LanguageNames, 7> &names()
{
    static const std::array<LanguageNames, 7> table = {{
        {CodeLanguage::Plain, u"plain"_s},
        {CodeLanguage::Python, u"python"_s},
        {CodeLanguage::JavaScript, u"javascript"_s},
        {CodeLanguage::Shell, u"shell"_s},
        {CodeLanguage::Json, u"json"_s},
        {CodeLanguage::Yaml, u"yaml"_s},
        {CodeLanguage::Cpp, u"cpp"_s},
    }};
    return table;
}

const QHash<QString, CodeLanguage> &suffixes()
{
    using enum CodeLanguage;
    static const QHash<QString, CodeLanguage> table = {
        {u"py"_s, Python},
        {u"pyw"_s, Python},
        {u"js"_s, JavaScript},
        {u"mjs"_s, JavaScript},
        {u"cjs"_s, JavaScript},
        {u"jsx"_s, JavaScript},
        {u"ts"_s, JavaScript},
        {u"sh"_s, Shell},
        {u"bash"_s, Shell},
        {u"zsh"_s, Shell},
        {u"ksh"_s, Shell},
        {u"json"_s, Json},
        {u"yaml"_s, Yaml},
        {u"yml"_s, Yaml},
        {u"c"_s, Cpp},
        {u"h"_s, Cpp},
        {u"cc"_s, Cpp},
        {u"cpp"_s, Cpp},
        {u"cxx"_s, Cpp},
        {u"hh"_s, Cpp},
        {u"hpp"_s, Cpp},
        {u"hxx"_s, Cpp},
        {u"ino"_s, Cpp},
    };
    return table;
}

/** "#!/usr/bin/env python3" → Python; nothing for content without a #! line. */
std::optional<CodeLanguage> languageOfShebang(QStringView content)
{
    if (!content.startsWith(u"#!"))
        return std::nullopt;
    const QStringView line = content.left(content.indexOf(u'\n'));
    if (line.contains(u"python"))
        return CodeLanguage::Python;
    if (line.contains(u"node"))
        return CodeLanguage::JavaScript;
    for (const auto shell : {u"/sh", u"bash", u"zsh", u"ksh", u"dash", u"env sh"})
        if (line.contains(shell))
            return CodeLanguage::Shell;
    return std::nullopt;
}

} // namespace

QString codeLanguageName(CodeLanguage language)
{
    for (const auto &entry : names())
        if (entry.language == language)
            return entry.name;
    return u"plain"_s;
}

std::optional<CodeLanguage> codeLanguageFromName(QStringView name)
{
    for (const auto &entry : names())
        if (name.compare(entry.name, Qt::CaseInsensitive) == 0)
            return entry.language;
    return std::nullopt;
}

QString codeLanguageTitle(CodeLanguage language)
{
    switch (language) {
    case CodeLanguage::Plain:
        return QCoreApplication::translate("rune::views::CodeLanguage", "Plain text");
    case CodeLanguage::Python:
        return QCoreApplication::translate("rune::views::CodeLanguage", "Python");
    case CodeLanguage::JavaScript:
        return QCoreApplication::translate("rune::views::CodeLanguage", "JavaScript");
    case CodeLanguage::Shell:
        return QCoreApplication::translate("rune::views::CodeLanguage", "Shell");
    case CodeLanguage::Json:
        return QCoreApplication::translate("rune::views::CodeLanguage", "JSON");
    case CodeLanguage::Yaml:
        return QCoreApplication::translate("rune::views::CodeLanguage", "YAML");
    case CodeLanguage::Cpp:
        return QCoreApplication::translate("rune::views::CodeLanguage", "C/C++");
    }
    return {};
}

CodeLanguage codeLanguageForFile(const QString &fileName, QStringView content)
{
    const QFileInfo info(fileName);
    const auto bySuffix = suffixes().constFind(info.suffix().toLower());
    if (bySuffix != suffixes().cend())
        return bySuffix.value();
    const QString base = info.fileName().toLower();
    if (base == u".bashrc"_s || base == u".profile"_s || base == u".env"_s)
        return CodeLanguage::Shell;
    // Only a file without a suffix says what it is on its first line; "notes.txt" stays text.
    if (!info.suffix().isEmpty())
        return CodeLanguage::Plain;
    return languageOfShebang(content).value_or(CodeLanguage::Plain);
}

} // namespace rune::views
