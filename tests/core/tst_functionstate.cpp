// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "functions/functionstate.h"

#include <QTest>
#include <array>

using namespace Qt::StringLiterals;
using rune::FunctionState;

namespace
{

constexpr std::array allStates = {FunctionState::Latest,
    FunctionState::Published,
    FunctionState::Updating,
    FunctionState::Blocked,
    FunctionState::Retired};

/** The lifecycle table as ARCHITECTURE.md's "Lifecycles" reads. */
QList<FunctionState> allowedTargets(FunctionState from)
{
    using enum FunctionState;
    switch (from) {
    case Latest:
        return {Published, Updating, Blocked, Retired};
    case Published:
        return {Updating, Blocked, Retired};
    case Updating:
        return {Latest, Published};
    case Blocked:
        return {Published, Latest, Retired};
    case Retired:
        return {};
    }
    return {};
}

} // namespace

class TestFunctionState final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void names_data();
    void names();
    void unknownNameIsRejected();
    void transitions_data();
    void transitions();
    void retiredIsFinal();
};

void TestFunctionState::names_data()
{
    QTest::addColumn<FunctionState>("state");
    QTest::addColumn<QString>("name");
    QTest::newRow("latest") << FunctionState::Latest << u"LATEST"_s;
    QTest::newRow("published") << FunctionState::Published << u"PUBLISHED"_s;
    QTest::newRow("updating") << FunctionState::Updating << u"UPDATING"_s;
    QTest::newRow("blocked") << FunctionState::Blocked << u"BLOCKED"_s;
    QTest::newRow("retired") << FunctionState::Retired << u"RETIRED"_s;
}

void TestFunctionState::names()
{
    QFETCH(FunctionState, state);
    QFETCH(QString, name);
    QCOMPARE(rune::functionStateName(state), name);
    QCOMPARE(rune::functionStateFromName(name), state);
    QCOMPARE(rune::functionStateFromName(name.toLower()), state);
}

void TestFunctionState::unknownNameIsRejected()
{
    QCOMPARE(rune::functionStateFromName(u"DRAFT"), std::nullopt);
    QCOMPARE(rune::functionStateFromName(u""), std::nullopt);
}

void TestFunctionState::transitions_data()
{
    QTest::addColumn<FunctionState>("from");
    QTest::addColumn<FunctionState>("to");
    QTest::addColumn<bool>("allowed");
    for (auto from : allStates) {
        for (auto to : allStates) {
            const QString name = rune::functionStateName(from) + u" -> "_s + rune::functionStateName(to);
            QTest::newRow(qPrintable(name)) << from << to << allowedTargets(from).contains(to);
        }
    }
}

void TestFunctionState::transitions()
{
    QFETCH(FunctionState, from);
    QFETCH(FunctionState, to);
    QFETCH(bool, allowed);
    const auto result = rune::transition(from, to);
    QCOMPARE(result.has_value(), allowed);
    if (allowed) {
        QCOMPARE(*result, to);
        return;
    }
    QCOMPARE(result.error().code, u"function.transition_refused"_s);
    const QString prefix =
        u"A %1 version cannot become %2: "_s.arg(rune::functionStateName(from), rune::functionStateName(to));
    QVERIFY2(result.error().message.startsWith(prefix), qPrintable(result.error().message));
    QVERIFY2(result.error().message.size() > prefix.size() + 10, qPrintable(result.error().message));
}

void TestFunctionState::retiredIsFinal()
{
    for (auto to : allStates) {
        const auto result = rune::transition(FunctionState::Retired, to);
        QVERIFY(!result);
        QVERIFY2(result.error().message.contains(u"history"_s), qPrintable(result.error().message));
    }
}

RUNE_TEST_GUILESS_MAIN(TestFunctionState)
#include "tst_functionstate.moc"
