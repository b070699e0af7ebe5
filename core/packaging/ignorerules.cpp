// SPDX-License-Identifier: GPL-3.0-or-later
#include "packaging/ignorerules.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

/** A glob of .gitignore syntax as a regular expression over a whole '/'-separated path. */
QString globToRegex(const QString &glob)
{
    QString out;
    for (qsizetype i = 0; i < glob.size(); ++i) {
        const QChar c = glob.at(i);
        if (c == u'*' && i + 1 < glob.size() && glob.at(i + 1) == u'*') {
            const bool slashAfter = i + 2 < glob.size() && glob.at(i + 2) == u'/';
            out += slashAfter ? u"(?:.*/)?"_s : u".*"_s;
            i += slashAfter ? 2 : 1;
        } else if (c == u'*') {
            out += u"[^/]*"_s;
        } else if (c == u'?') {
            out += u"[^/]"_s;
        } else if (c == u'\\' && i + 1 < glob.size()) {
            out += QRegularExpression::escape(glob.at(++i));
        } else if (c == u'[') {
            const qsizetype close = glob.indexOf(u']', i + 1);
            if (close < 0) {
                out += u"\\["_s;
            } else {
                QString set = glob.mid(i + 1, close - i - 1);
                if (set.startsWith(u'!'))
                    set[0] = u'^';
                out += u'[' + set + u']';
                i = close;
            }
        } else {
            out += QRegularExpression::escape(c);
        }
    }
    return out;
}

} // namespace

IgnoreRules::IgnoreRules()
{
    add(u".git/"_s);
}

IgnoreRules IgnoreRules::parse(const QString &text)
{
    IgnoreRules rules;
    const QStringList lines = text.split(u'\n');
    for (QString line : lines) {
        if (line.endsWith(u'\r'))
            line.chop(1);
        // Trailing spaces are dropped unless escaped, as git does.
        while (line.endsWith(u' ') && !line.endsWith(u"\\ "_s))
            line.chop(1);
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        rules.add(line);
    }
    return rules;
}

void IgnoreRules::add(const QString &line)
{
    Rule rule;
    rule.pattern = line;
    QString glob = line;
    if (glob.startsWith(u'!')) {
        rule.negated = true;
        glob.remove(0, 1);
    } else if (glob.startsWith(u"\\!"_s) || glob.startsWith(u"\\#"_s)) {
        glob.remove(0, 1);
    }
    if (glob.endsWith(u'/')) {
        rule.directoryOnly = true;
        glob.chop(1);
    }
    if (glob.isEmpty())
        return;
    const bool anchored = glob.contains(u'/');
    if (glob.startsWith(u'/'))
        glob.remove(0, 1);
    const QString body = globToRegex(glob);
    rule.regex = QRegularExpression(anchored ? u"^"_s + body + u'$' : u"^(?:.*/)?"_s + body + u'$');
    if (!rule.regex.isValid())
        return;
    m_rules.append(rule);
}

QString IgnoreRules::excludedBy(const QString &path, bool isDirectory) const
{
    // A path inside an excluded directory is excluded with it: check each parent first.
    const QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
    QString prefix;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        prefix += (i ? u"/"_s : QString()) + parts.at(i);
        const bool directory = i + 1 < parts.size() || isDirectory;
        const Rule *decided = nullptr;
        for (const Rule &rule : m_rules) {
            if (rule.directoryOnly && !directory)
                continue;
            if (rule.regex.match(prefix).hasMatch())
                decided = &rule;
        }
        if (decided && !decided->negated)
            return decided->pattern;
    }
    return {};
}

bool IgnoreRules::isIgnored(const QString &path, bool isDirectory) const
{
    return !excludedBy(path, isDirectory).isEmpty();
}

} // namespace rune
