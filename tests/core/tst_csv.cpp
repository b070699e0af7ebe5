// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "util/csv.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestCsv final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plainFieldsStayPlain();
    void quotesWhatNeedsIt();
    void formulasAreDefused();
};

void TestCsv::plainFieldsStayPlain()
{
    QCOMPARE(rune::csvLine({u"node"_s, u"1860.13"_s, u""_s}), u"node,1860.13,\r\n"_s);
}

void TestCsv::quotesWhatNeedsIt()
{
    QCOMPARE(rune::csvLine({u"a,b"_s, u"say \"hi\""_s, u"two\nlines"_s, u" padded"_s}),
        u"\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded\"\r\n"_s);
}

void TestCsv::formulasAreDefused()
{
    QCOMPARE(rune::csvLine({u"=HYPERLINK(\"x\")"_s, u"-12.5"_s, u"+1"_s, u"@sum"_s}),
        u"\"'=HYPERLINK(\"\"x\"\")\",-12.5,+1,'@sum\r\n"_s);
}

RUNE_TEST_GUILESS_MAIN(TestCsv)
#include "tst_csv.moc"
