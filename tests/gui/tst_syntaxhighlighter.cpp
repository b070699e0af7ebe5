// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "editor/codetheme.h"
#include "editor/syntaxhighlighter.h"

#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

using namespace Qt::StringLiterals;
using namespace rune::views;

Q_DECLARE_METATYPE(rune::views::CodeLanguage)
Q_DECLARE_METATYPE(rune::views::CodeToken)

namespace
{

/** The colour the highlighter gave the character at @p column of @p line; invalid if none. */
QColor colourAt(const QTextDocument &document, int line, qsizetype column)
{
    const QTextBlock block = document.findBlockByNumber(line);
    for (const QTextLayout::FormatRange &range : block.layout()->formats())
        if (range.start <= column && column < range.start + range.length)
            return range.format.foreground().color();
    return {};
}

} // namespace

class TestSyntaxHighlighter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void coloursTokens_data();
    void coloursTokens();
    void plainTextHasNoColour();
    void blockCommentsRunOverLines();
};

void TestSyntaxHighlighter::coloursTokens_data()
{
    QTest::addColumn<CodeLanguage>("language");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("piece"); // its first occurrence is checked
    QTest::addColumn<CodeToken>("token");
    using enum CodeLanguage;
    const QString py =
        u"@app.route\ndef handle(event):\n    s = \"# not a comment\"  # a comment\n    return None, 0x1F\n"_s;
    QTest::newRow("python keyword") << Python << py << u"def"_s << CodeToken::Keyword;
    QTest::newRow("python function name") << Python << py << u"handle"_s << CodeToken::Function;
    QTest::newRow("python decorator") << Python << py << u"@app"_s << CodeToken::Meta;
    QTest::newRow("python hash in a string") << Python << py << u"# not"_s << CodeToken::String;
    QTest::newRow("python comment") << Python << py << u"# a comment"_s << CodeToken::Comment;
    QTest::newRow("python atom") << Python << py << u"None"_s << CodeToken::Atom;
    QTest::newRow("python hex number") << Python << py << u"0x1F"_s << CodeToken::Number;
    const QString doc = u"x = 1\n\"\"\"\ndocs with def\n\"\"\"\n"_s;
    QTest::newRow("python triple-quoted over lines") << Python << doc << u"def"_s << CodeToken::String;

    const QString js = u"export async function handle(event) {\n  const n = `t ${1}`; // note\n  return null;\n}\n"_s;
    QTest::newRow("js keyword") << JavaScript << js << u"async"_s << CodeToken::Keyword;
    QTest::newRow("js function") << JavaScript << js << u"handle"_s << CodeToken::Function;
    QTest::newRow("js template") << JavaScript << js << u"`t"_s << CodeToken::String;
    QTest::newRow("js comment") << JavaScript << js << u"// note"_s << CodeToken::Comment;
    QTest::newRow("js null") << JavaScript << js << u"null"_s << CodeToken::Atom;

    const QString sh = u"#!/bin/sh\nfor f in *.txt; do\n  echo \"$f\" ${HOME} --verbose\ndone\n"_s;
    QTest::newRow("shell comment") << Shell << sh << u"#!"_s << CodeToken::Comment;
    QTest::newRow("shell keyword") << Shell << sh << u"for"_s << CodeToken::Keyword;
    QTest::newRow("shell builtin") << Shell << sh << u"echo"_s << CodeToken::Function;
    QTest::newRow("shell variable") << Shell << sh << u"${HOME}"_s << CodeToken::Variable;
    QTest::newRow("shell option") << Shell << sh << u"--verbose"_s << CodeToken::Property;

    const QString json = u"{\"name\": \"rune\", \"replicas\": 3, \"public\": true}\n"_s;
    QTest::newRow("json key") << Json << json << u"\"name\""_s << CodeToken::Property;
    QTest::newRow("json string") << Json << json << u"\"rune\""_s << CodeToken::String;
    QTest::newRow("json number") << Json << json << u"3"_s << CodeToken::Number;
    QTest::newRow("json atom") << Json << json << u"true"_s << CodeToken::Atom;

    const QString yaml = u"---\nfunction:\n  name: hello # greeting\n  replicas: 2\n  public: yes\n  ref: *base\n"_s;
    QTest::newRow("yaml key") << Yaml << yaml << u"function"_s << CodeToken::Property;
    QTest::newRow("yaml nested key") << Yaml << yaml << u"name"_s << CodeToken::Property;
    QTest::newRow("yaml comment") << Yaml << yaml << u"# greeting"_s << CodeToken::Comment;
    QTest::newRow("yaml number") << Yaml << yaml << u"2"_s << CodeToken::Number;
    QTest::newRow("yaml boolean") << Yaml << yaml << u"yes"_s << CodeToken::Atom;
    QTest::newRow("yaml alias") << Yaml << yaml << u"*base"_s << CodeToken::Variable;
    QTest::newRow("yaml document start") << Yaml << yaml << u"---"_s << CodeToken::Meta;

    const QString cpp =
        u"#include <stdio.h>\nint main(void) {\n  /* say\n  hi */ printf(\"hi\\n\");\n  return 0;\n}\n"_s;
    QTest::newRow("cpp preprocessor") << Cpp << cpp << u"#include"_s << CodeToken::Meta;
    QTest::newRow("cpp include path") << Cpp << cpp << u"<stdio.h>"_s << CodeToken::String;
    QTest::newRow("cpp type") << Cpp << cpp << u"int"_s << CodeToken::Type;
    QTest::newRow("cpp block comment") << Cpp << cpp << u"hi */"_s << CodeToken::Comment;
    QTest::newRow("cpp call after comment") << Cpp << cpp << u"printf"_s << CodeToken::Function;
    QTest::newRow("cpp keyword") << Cpp << cpp << u"return"_s << CodeToken::Keyword;
}

void TestSyntaxHighlighter::coloursTokens()
{
    QFETCH(CodeLanguage, language);
    QFETCH(QString, text);
    QFETCH(QString, piece);
    QFETCH(CodeToken, token);
    QTextDocument document(text);
    SyntaxHighlighter highlighter(&document);
    const CodeTheme theme = CodeTheme::fromPalette(QPalette());
    highlighter.setTheme(theme);
    highlighter.setLanguage(language);
    const qsizetype offset = text.indexOf(piece);
    QVERIFY(offset >= 0);
    const QTextBlock block = document.findBlock(int(offset));
    const qsizetype column = offset - block.position();
    // Every character of the piece, not just the first.
    for (qsizetype i = 0; i < piece.size(); ++i)
        QCOMPARE(colourAt(document, block.blockNumber(), column + i), theme.tokenColor(token));
}

void TestSyntaxHighlighter::plainTextHasNoColour()
{
    QTextDocument document(u"def handle(): return 1 # comment\n"_s);
    SyntaxHighlighter highlighter(&document);
    QVERIFY(document.firstBlock().layout()->formats().isEmpty());
}

void TestSyntaxHighlighter::blockCommentsRunOverLines()
{
    QTextDocument document(u"a(); /* one\ntwo\nthree */ b();\n"_s);
    SyntaxHighlighter highlighter(&document);
    const CodeTheme theme = CodeTheme::fromPalette(QPalette());
    highlighter.setTheme(theme);
    highlighter.setLanguage(CodeLanguage::JavaScript);
    const QColor comment = theme.tokenColor(CodeToken::Comment);
    QCOMPARE(colourAt(document, 1, 0), comment);
    QCOMPARE(colourAt(document, 2, 7), comment);
    QCOMPARE(colourAt(document, 2, 9), theme.tokenColor(CodeToken::Function)); // b, after the comment
    // Closing the comment earlier recolours the lines below. QSyntaxHighlighter follows edits
    // once its first, queued, pass has run, and a document tells of edits once it has a layout
    // (an editor gives it both).
    QCoreApplication::processEvents();
    document.documentLayout();
    QTextCursor cursor(document.findBlockByNumber(0));
    cursor.movePosition(QTextCursor::EndOfBlock);
    cursor.insertText(u" */"_s);
    QVERIFY(!colourAt(document, 1, 0).isValid());
}

RUNE_TEST_MAIN(TestSyntaxHighlighter)
#include "tst_syntaxhighlighter.moc"
