// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The test classes of an area (tests/<area>/tst_*.cpp) are linked into one program, <area>_tests,
// instead of one program each: a clean build then links and runs moc for seven programs, not a
// hundred and forty. `<area>_tests tst_name [QTest options]` runs the class of tests/<area>/tst_name.cpp
// alone in its process, exactly as its own program did; ctest names each run <area>_tst_name.
//
// A test file ends with RUNE_TEST_MAIN(Class) (a QApplication when the area links Qt Widgets, as
// QTEST_MAIN) or RUNE_TEST_GUILESS_MAIN(Class) (a QCoreApplication, as QTEST_GUILESS_MAIN).

#include <QTest>

namespace rune::test
{

using TestRun = int (*)(int argc, char *argv[]);

// Registers @p run under the base name of @p sourceFile ("tst_csv" for ".../tst_csv.cpp").
bool registerTest(const char *sourceFile, TestRun run);

} // namespace rune::test

#define RUNE_TEST_MAIN_WRAPPER(TestObject, ...)                                                                        \
    namespace                                                                                                          \
    {                                                                                                                  \
    int runeRun##TestObject(int argc, char *argv[])                                                                    \
    {                                                                                                                  \
        QT_PREPEND_NAMESPACE(QTest::Internal::callInitMain)<TestObject>();                                             \
        __VA_ARGS__                                                                                                    \
        TestObject tc;                                                                                                 \
        QTEST_SET_MAIN_SOURCE_PATH                                                                                     \
        return QTest::qExec(&tc, argc, argv);                                                                          \
    }                                                                                                                  \
    [[maybe_unused]] const bool runeRegistered##TestObject = rune::test::registerTest(__FILE__, runeRun##TestObject);  \
    }

#define RUNE_TEST_MAIN(TestObject) RUNE_TEST_MAIN_WRAPPER(TestObject, QTEST_MAIN_SETUP())
#define RUNE_TEST_GUILESS_MAIN(TestObject) RUNE_TEST_MAIN_WRAPPER(TestObject, QTEST_QAPP_SETUP(QCoreApplication))
