// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "packaging/ignorerules.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestIgnoreRules final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesLikeGitignore_data();
    void matchesLikeGitignore();
    void namesThePatternThatExcluded();
};

void TestIgnoreRules::matchesLikeGitignore_data()
{
    QTest::addColumn<QString>("rules");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("isDirectory");
    QTest::addColumn<bool>("ignored");

    QTest::newRow("git always") << QString() << u".git/config"_s << false << true;
    QTest::newRow("nothing") << QString() << u"handler.py"_s << false << false;
    QTest::newRow("name at any depth") << u"*.pyc"_s << u"a/b/c.pyc"_s << false << true;
    QTest::newRow("star stays in a part") << u"a/*.py"_s << u"a/b/c.py"_s << false << false;
    QTest::newRow("anchored") << u"/build"_s << u"src/build"_s << false << false;
    QTest::newRow("anchored top") << u"/build"_s << u"build"_s << false << true;
    QTest::newRow("directory only, file") << u"cache/"_s << u"cache"_s << false << false;
    QTest::newRow("directory only, inside") << u"cache/"_s << u"x/cache/y.txt"_s << false << true;
    QTest::newRow("double star") << u"docs/**/*.md"_s << u"docs/a/b/c.md"_s << false << true;
    QTest::newRow("double star none between") << u"docs/**/*.md"_s << u"docs/c.md"_s << false << true;
    QTest::newRow("leading double star") << u"**/tmp"_s << u"a/b/tmp"_s << true << true;
    QTest::newRow("negation") << u"*.log\n!keep.log"_s << u"keep.log"_s << false << false;
    QTest::newRow("negation order") << u"!keep.log\n*.log"_s << u"keep.log"_s << false << true;
    QTest::newRow("comment and blank") << u"# *.py\n\n"_s << u"a.py"_s << false << false;
    QTest::newRow("question mark") << u"?.txt"_s << u"a.txt"_s << false << true;
    QTest::newRow("question mark one char") << u"?.txt"_s << u"ab.txt"_s << false << false;
    QTest::newRow("class") << u"[ab].txt"_s << u"b.txt"_s << false << true;
    QTest::newRow("crlf") << u"*.tmp\r\n"_s << u"x.tmp"_s << false << true;
    QTest::newRow("parent excluded") << u"node_modules/"_s << u"node_modules/x/index.js"_s << false << true;
    QTest::newRow("escaped hash") << u"\\#notes"_s << u"#notes"_s << false << true;
}

void TestIgnoreRules::matchesLikeGitignore()
{
    QFETCH(QString, rules);
    QFETCH(QString, path);
    QFETCH(bool, isDirectory);
    QFETCH(bool, ignored);
    QCOMPARE(IgnoreRules::parse(rules).isIgnored(path, isDirectory), ignored);
}

void TestIgnoreRules::namesThePatternThatExcluded()
{
    const IgnoreRules rules = IgnoreRules::parse(u"tests/\n*.pyc\n"_s);
    QCOMPARE(rules.excludedBy(u"tests/test_a.py"_s, false), u"tests/"_s);
    QCOMPARE(rules.excludedBy(u"__pycache__/a.pyc"_s, false), u"*.pyc"_s);
    QCOMPARE(rules.excludedBy(u"handler.py"_s, false), QString());
}

RUNE_TEST_GUILESS_MAIN(TestIgnoreRules)
#include "tst_ignorerules.moc"
