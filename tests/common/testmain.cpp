// SPDX-License-Identifier: GPL-3.0-or-later
// The main() of an area's test program (testmain.h): runs the test class its first argument names.
#include "testmain.h"

#include <QCoreApplication>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

namespace
{

struct Test {
    rune::test::TestRun run;
    std::string program; // <area>_tst_<name>: the name of the program the class once had
};

std::map<std::string, Test> &registry()
{
    static std::map<std::string, Test> tests;
    return tests;
}

std::string_view withoutDirectory(std::string_view path)
{
    if (const auto slash = path.find_last_of('/'); slash != std::string_view::npos)
        path.remove_prefix(slash + 1);
    return path;
}

std::string_view withoutExtension(std::string_view name)
{
    if (const auto dot = name.rfind('.'); dot != std::string_view::npos)
        name.remove_suffix(name.size() - dot);
    return name;
}

int usage(const char *program, FILE *to, int status)
{
    std::fprintf(to, "usage: %s TEST [QTest options...]\nruns one test class; TEST is one of:\n", program);
    for (const auto &[name, test] : registry())
        std::fprintf(to, "  %s\n", name.c_str());
    return status;
}

} // namespace

bool rune::test::registerTest(const char *sourceFile, TestRun run)
{
    const std::string_view path(sourceFile);
    const std::string name(withoutExtension(withoutDirectory(path)));
    // The area is the file's directory: .../tests/core/tst_csv.cpp is core_tst_csv.
    std::string_view directory = path.substr(0, path.size() - withoutDirectory(path).size());
    if (!directory.empty())
        directory.remove_suffix(1);
    std::string program(withoutDirectory(directory));
    program += '_' + name;
    if (!registry().emplace(name, Test {run, std::move(program)}).second) {
        // Two files of one name, or two classes in one file: the second could never run.
        std::fprintf(stderr, "%s: a second test class under the same name\n", sourceFile);
        std::abort();
    }
    return true;
}

int main(int argc, char *argv[])
{
    if (argc < 2)
        return usage(argv[0], stderr, 2);
    if (std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0)
        return usage(argv[0], stdout, 0);
    const auto test = registry().find(argv[1]);
    if (test == registry().end()) {
        std::fprintf(stderr, "%s: no test named '%s'\n", argv[0], argv[1]);
        return usage(argv[0], stderr, 2);
    }
    // The class sees the program's name and the options after the test's, and the application
    // name (and so the standard locations) its own program had.
    QCoreApplication::setApplicationName(QString::fromStdString(test->second.program));
    argv[1] = argv[0];
    return test->second.run(argc - 1, argv + 1);
}
