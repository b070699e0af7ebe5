// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "editor/codelanguage.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune::views;

Q_DECLARE_METATYPE(rune::views::CodeLanguage)

class TestCodeLanguage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesRoundTrip();
    void pickedFromTheFile_data();
    void pickedFromTheFile();
};

void TestCodeLanguage::namesRoundTrip()
{
    using enum CodeLanguage;
    for (const auto language : {Plain, Python, JavaScript, Shell, Json, Yaml, Cpp}) {
        QCOMPARE(codeLanguageFromName(codeLanguageName(language)), language);
        QVERIFY(!codeLanguageTitle(language).isEmpty());
    }
    QCOMPARE(codeLanguageFromName(u"PYTHON"), Python);
    QCOMPARE(codeLanguageName(Cpp), u"cpp"_s);
    QVERIFY(!codeLanguageFromName(u"cobol").has_value());
}

void TestCodeLanguage::pickedFromTheFile_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("content");
    QTest::addColumn<CodeLanguage>("language");
    using enum CodeLanguage;
    QTest::newRow("python") << u"handler.py"_s << QString() << Python;
    QTest::newRow("node module") << u"src/index.mjs"_s << QString() << JavaScript;
    QTest::newRow("shell") << u"build.sh"_s << QString() << Shell;
    QTest::newRow("json") << u"function.JSON"_s << QString() << Json;
    QTest::newRow("yaml") << u"config.yml"_s << QString() << Yaml;
    QTest::newRow("c header") << u"lib/api.h"_s << QString() << Cpp;
    QTest::newRow("c++") << u"main.cpp"_s << QString() << Cpp;
    QTest::newRow("text") << u"requirements.txt"_s << u"#!python"_s << Plain;
    QTest::newRow("env file") << u".env"_s << QString() << Shell;
    QTest::newRow("shebang sh") << u"run"_s << u"#!/bin/sh\necho"_s << Shell;
    QTest::newRow("shebang bash") << u"run"_s << u"#!/usr/bin/env bash\n"_s << Shell;
    QTest::newRow("shebang python") << u"handler"_s << u"#!/usr/bin/env python3\n"_s << Python;
    QTest::newRow("shebang node") << u"handler"_s << u"#!/usr/bin/node"_s << JavaScript;
    QTest::newRow("no hint") << u"README"_s << u"hello"_s << Plain;
}

void TestCodeLanguage::pickedFromTheFile()
{
    QFETCH(QString, fileName);
    QFETCH(QString, content);
    QFETCH(CodeLanguage, language);
    QCOMPARE(codeLanguageForFile(fileName, content), language);
}

RUNE_TEST_GUILESS_MAIN(TestCodeLanguage)
#include "tst_codelanguage.moc"
