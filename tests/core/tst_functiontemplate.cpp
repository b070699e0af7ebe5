// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "functions/functiontemplate.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestFunctionTemplate final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theShippedTemplatesAreComplete();
    void aBrokenTemplateIsNamed();
};

void TestFunctionTemplate::theShippedTemplatesAreComplete()
{
    const auto templates = loadFunctionTemplates(QStringLiteral(RUNE_SOURCE_DIR) + u"/resources/templates"_s);
    QVERIFY2(templates.has_value(), templates ? "" : qPrintable(templates.error().message));
    QStringList ids;
    for (const FunctionTemplate &t : *templates) {
        ids << t.id;
        QVERIFY2(t.config.validate().isEmpty(), qPrintable(t.id + u": "_s + t.config.validate().join(u"; "_s)));
        QVERIFY2(!t.events.isEmpty(), qPrintable(t.id + u" has a sample event"_s));
        QVERIFY(!t.title.isEmpty() && !t.description.isEmpty());
        const bool hasMain = std::any_of(t.files.cbegin(), t.files.cend(), [&t](const CodeFile &f) {
            return f.path == t.mainFile;
        });
        QVERIFY2(hasMain, qPrintable(t.id));
    }
    QCOMPARE(ids, QStringList({u"exec"_s, u"node"_s, u"python3"_s}));
    const FunctionTemplate &exec = templates->at(0);
    QCOMPARE(exec.config.runtime, FunctionRuntime::Exec);
    QVERIFY2(exec.files.first().executable, "the exec handler keeps its execute bit through resources");
    QVERIFY(templates->at(2).events.first().body.contains(u"\"name\""_s));
}

void TestFunctionTemplate::aBrokenTemplateIsNamed()
{
    QTemporaryDir dir;
    QDir().mkpath(dir.filePath(u"broken/files"_s));
    QFile json(dir.filePath(u"broken/template.json"_s));
    QVERIFY(json.open(QIODevice::WriteOnly));
    json.write(R"({"config": {"runtime": "cobol"}})");
    json.close();
    const auto templates = loadFunctionTemplates(dir.path());
    QVERIFY(!templates);
    QCOMPARE(templates.error().code, u"function.bad_template"_s);
    QVERIFY2(templates.error().message.contains(u"broken"_s), qPrintable(templates.error().message));
}

RUNE_TEST_GUILESS_MAIN(TestFunctionTemplate)
#include "tst_functiontemplate.moc"
