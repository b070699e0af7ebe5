// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli.h"

#include "commands.h"
#include "invocation.h"
#include "session.h"

#include <QCoreApplication>
#include <QHash>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstring>

using namespace Qt::StringLiterals;

namespace rune::cli
{

namespace
{

using Handler = void (*)(Session &);

Handler handlerOf(const CommandSpec &command)
{
    static const QHash<QString, Handler> handlers {
        {u"demo up"_s, &runDemoUp},
        {u"demo down"_s, &runDemoDown},
        {u"node list"_s, &runNodeList},
        {u"fn list"_s, &runFunctionList},
        {u"fn new"_s, &runFunctionNew},
        {u"fn deploy"_s, &runFunctionDeploy},
        {u"fn invoke"_s, &runFunctionInvoke},
        {u"fn versions"_s, &runFunctionVersions},
        {u"fn logs"_s, &runFunctionLogs},
        {u"fn rollback"_s, &runFunctionRollback},
        {u"fn block"_s, &runFunctionBlock},
        {u"fn unblock"_s, &runFunctionBlock},
        {u"fn retire"_s, &runFunctionRetire},
        {u"bench run"_s, &runBenchRun},
        {u"bench show"_s, &runBenchShow},
        {u"cost"_s, &runCost},
        {u"fn tune"_s, &runFunctionTune},
        {u"node add"_s, &runNodeAdd},
        {u"node remove"_s, &runNodeRemove},
        {u"node suspend"_s, &runNodeAction},
        {u"node resume"_s, &runNodeAction},
        {u"node reboot"_s, &runNodeAction},
        {u"node terminate"_s, &runNodeAction},
        {u"node provision"_s, &runNodeAction},
    };
    return handlers.value(commandWords(command));
}

/** The words after the program's name; nullopt (with the word's position) when one is not UTF-8. */
std::expected<QStringList, int> readWords(int argc, char *argv[])
{
    QStringList words;
    for (int index = 1; index < argc; ++index) {
        const QByteArrayView bytes(argv[index], qsizetype(std::strlen(argv[index])));
        if (!QUtf8StringView(bytes).isValidUtf8())
            return std::unexpected(index);
        words.append(QString::fromUtf8(bytes));
    }
    return words;
}

void print(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
}

/** `rune __complete <words>`: the words the bash completion may offer next, one a line. */
int complete(const QStringList &words)
{
    for (const QString &word : completions(words))
        print(stdout, word + u'\n');
    return 0;
}

} // namespace

bool isCommandLine(int argc, char *argv[])
{
    // The first word that is not a common option with its value (`rune --output json fn list`)
    // names the command; the window takes --data-dir too, and no command.
    for (int index = 1; index < argc; ++index) {
        const QString word = QString::fromUtf8(argv[index]);
        if (word == u"__complete"_s || commandGroups().contains(word))
            return true;
        const bool takesValue =
            std::any_of(commonOptions().begin(), commonOptions().end(), [&word](const OptionSpec &o) {
                return !o.valueName.isEmpty() && word == u"--"_s + o.name;
            });
        const bool withValue =
            std::any_of(commonOptions().begin(), commonOptions().end(), [&word](const OptionSpec &o) {
                return !o.valueName.isEmpty() && word.startsWith(u"--"_s + o.name + u'=');
            });
        if (takesValue)
            ++index;
        else if (!withValue)
            return false;
    }
    return false;
}

QString overviewText()
{
    QString text = tr("Commands (run without a window; rune <command> --help):") + u'\n';
    for (const CommandSpec &command : commandTable())
        text += u"  rune %1 %2\n"_s.arg(commandWords(command), -16).arg(command.summary);
    return text + exitCodeHelp();
}

int run(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"rune"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(RUNE_VERSION));
    const auto words = readWords(argc, argv);
    if (!words) {
        print(stderr, tr("rune: argument %1 is not valid UTF-8\n").arg(words.error()));
        return exitCode(Outcome::Usage);
    }
    if (words->value(0) == u"__complete"_s)
        return complete(words->mid(1));
    auto invocation = parseInvocation(*words);
    if (!invocation)
        return Output(invocation.error().mode).error(Outcome::Usage, invocation.error().message);
    if (invocation->help) {
        print(stdout, helpText(*invocation));
        return 0;
    }
    Session session(*invocation);
    QTimer::singleShot(0, &session, [&session] {
        if (session.prepare())
            handlerOf (*session.invocation().command)(session);
    });
    return QCoreApplication::exec();
}

} // namespace rune::cli
