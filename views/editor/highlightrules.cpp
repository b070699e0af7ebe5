// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/highlightrules.h"

#include <QStringList>
#include <array>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

using enum CodeToken;

QRegularExpression re(const QString &pattern)
{
    QRegularExpression expression(pattern);
    Q_ASSERT_X(expression.isValid(), "highlightrules", qPrintable(expression.errorString()));
    return expression;
}

/** \b(?:a|b|c)\b for a space-separated word list. */
QRegularExpression words(const QString &list)
{
    return re(u"\\b(?:"_s + list.split(u' ', Qt::SkipEmptyParts).join(u'|') + u")\\b"_s);
}

// Strings end at their closing quote or, unterminated, at the end of the line.
const QString doubleQuoted = u"\"(?:[^\"\\\\]|\\\\.)*(?:\"|$)"_s;
const QString singleQuoted = u"'(?:[^'\\\\]|\\\\.)*(?:'|$)"_s;
const QString number = u"\\b(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|\\d[\\d_]*(?:\\.\\d*)?(?:[eE][+-]?\\d+)?)[a-zA-Z]*\\b"_s;
const QString call = u"\\b[A-Za-z_]\\w*(?=\\s*\\()"_s;

HighlightRules python()
{
    HighlightRules r;
    r.spans = {
        {re(u"[rRbBuUfF]{0,2}\"\"\""_s), re(u"\"\"\""_s), String}, {re(u"[rRbBuUfF]{0,2}'''"_s), re(u"'''"_s), String}};
    r.rules = {{re(u"#.*"_s), Comment},
        {re(u"\\b[rRbBuUfF]{1,2}(?=[\"'])"_s), String},
        {re(doubleQuoted), String},
        {re(singleQuoted), String},
        {re(u"@[A-Za-z_][\\w.]*"_s), Meta},
        {words(u"and as assert async await break class continue def del elif else except finally for from global "
               u"if import in is lambda nonlocal not or pass raise return try while with yield match case"_s),
            Keyword},
        {words(u"True False None"_s), Atom},
        {words(u"self cls"_s), Variable},
        {re(number), Number},
        {re(u"(?<=\\bdef )[A-Za-z_]\\w*"_s), Function},
        {re(u"(?<=\\bclass )[A-Za-z_]\\w*"_s), Type},
        {words(u"int float str bytes bool list dict set tuple object type Exception ValueError KeyError"_s), Type},
        {re(call), Function}};
    return r;
}

HighlightRules javaScript()
{
    HighlightRules r;
    r.spans = {{re(u"/\\*"_s), re(u"\\*/"_s), Comment}, {re(u"`"_s), re(u"`"_s), String}};
    r.rules = {{re(u"//.*"_s), Comment},
        {re(doubleQuoted), String},
        {re(singleQuoted), String},
        {words(u"async await break case catch class const continue debugger default delete do else export extends "
               u"finally for function if import in instanceof let new of return static super switch this throw try "
               u"typeof var void while with yield"_s),
            Keyword},
        {words(u"true false null undefined NaN Infinity"_s), Atom},
        {re(number), Number},
        {re(u"(?<=\\bfunction )[A-Za-z_$][\\w$]*"_s), Function},
        {re(u"(?<=\\bclass |\\bextends |\\bnew )[A-Za-z_$][\\w$]*"_s), Type},
        {re(u"\\b[A-Za-z_$][\\w$]*(?=\\s*\\()"_s), Function}};
    return r;
}

HighlightRules shell()
{
    HighlightRules r;
    r.rules = {{re(u"(?:^|(?<=\\s))#.*"_s), Comment},
        {re(doubleQuoted), String},
        {re(singleQuoted), String},
        {re(u"\\$\\{[^}]*\\}|\\$(?:[A-Za-z_]\\w*|[0-9@#?*$!-])"_s), Variable},
        {re(u"(?:^|(?<=[\\s;|&]))(?:if|then|else|elif|fi|for|while|until|do|done|case|esac|function|in|select)"
            u"(?=$|[\\s;|&])"_s),
            Keyword},
        {words(u"echo printf cd read source exit return export local readonly unset shift set eval exec trap test"_s),
            Function},
        {re(u"^\\s*[A-Za-z_][\\w-]*(?=\\s*\\(\\))"_s), Function},
        {re(u"(?<=\\s)--?[A-Za-z][\\w-]*"_s), Property},
        {re(u"\\b\\d+\\b"_s), Number}};
    return r;
}

HighlightRules json()
{
    HighlightRules r;
    r.rules = {{re(u"\"(?:[^\"\\\\]|\\\\.)*\"(?=\\s*:)"_s), Property},
        {re(doubleQuoted), String},
        {re(u"-?\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b"_s), Number},
        {words(u"true false null"_s), Atom}};
    return r;
}

HighlightRules yaml()
{
    HighlightRules r;
    r.rules = {{re(u"(?:^|(?<=\\s))#.*"_s), Comment},
        {re(u"^(?:---|\\.\\.\\.)(?=\\s|$)"_s), Meta},
        {re(u"^\\s*(?:-\\s+)?\\K[^\\s#'\"{}\\[\\],&*!|>-][^#]*?(?=\\s*:(?:\\s|$))"_s), Property},
        {re(u"^\\s*(?:-\\s+)?\\K(?:\"[^\"]*\"|'[^']*')(?=\\s*:(?:\\s|$))"_s), Property},
        {re(doubleQuoted), String},
        {re(singleQuoted), String},
        {re(u"[&*][\\w-]+"_s), Variable},
        {re(u"!!?[\\w/]+"_s), Type},
        {re(u"(?<![\\w.])(?:true|false|yes|no|on|off|null|True|False|Null|~)(?![\\w.])"_s), Atom},
        {re(u"(?<![\\w.])-?\\d+(?:\\.\\d+)?(?![\\w.])"_s), Number},
        {re(u"[|>][-+]?(?=\\s*$)"_s), Meta}};
    return r;
}

HighlightRules cpp()
{
    HighlightRules r;
    r.spans = {{re(u"/\\*"_s), re(u"\\*/"_s), Comment}};
    r.rules = {{re(u"//.*"_s), Comment},
        {re(u"^\\s*#\\s*[a-z]+"_s), Meta},
        {re(u"(?<=include )<[^>]*>"_s), String},
        {re(doubleQuoted), String},
        {re(u"'(?:[^'\\\\]|\\\\.)*'"_s), String},
        {words(u"alignas alignof asm break case catch class concept const consteval constexpr constinit "
               u"const_cast continue co_await co_return co_yield decltype default delete do dynamic_cast else enum "
               u"explicit export extern final for friend goto if inline mutable namespace new noexcept operator "
               u"override private protected public register reinterpret_cast requires return sizeof static "
               u"static_assert static_cast struct switch template this thread_local throw try typedef typeid "
               u"typename union using virtual volatile while"_s),
            Keyword},
        {words(u"auto bool char char8_t char16_t char32_t double float int long short signed unsigned void "
               u"wchar_t size_t ssize_t int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t"_s),
            Type},
        {words(u"true false nullptr NULL"_s), Atom},
        {re(number), Number},
        {re(u"(?<=\\bclass |\\bstruct |\\benum )[A-Za-z_]\\w*"_s), Type},
        {re(call), Function}};
    return r;
}

} // namespace

const HighlightRules &highlightRulesFor(CodeLanguage language)
{
    // Indexed by CodeLanguage.
    static const std::array<HighlightRules, 7> all = {
        HighlightRules {}, python(), javaScript(), shell(), json(), yaml(), cpp()};
    return all[size_t(language)];
}

} // namespace rune::views
