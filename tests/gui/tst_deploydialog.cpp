// SPDX-License-Identifier: GPL-3.0-or-later
// Dropping a real folder on the console's window: what is packaged (.runeignore), the target
// function, per-node results, and the function that comes out of it on real agents.
#include "../common/testmain.h"
#include "benchmarks/benchmarkresults.h"
#include "consolefixture.h"
#include "editortesthelpers.h"
#include "functionguihelpers.h"
#include "functions/deploydialog.h"
#include "functions/deployjob.h"
#include "functions/functioncodeview.h"
#include "functions/packagetablemodel.h"
#include "shell/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::FunctionFixture;
using rune::test::waitUntil;

namespace
{

void write(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(data);
}

/** A folder as a developer has it: code, tests, logs and a .runeignore. */
QString makeProject(const QTemporaryDir &dir)
{
    const QString root = dir.filePath(u"resizer"_s);
    write(root + u"/handler.py"_s,
        "from lib.util import shout\n\ndef handle(event, context):\n    print('resizing')\n"
        "    return shout('resized')\n");
    write(root + u"/lib/__init__.py"_s, "");
    write(root + u"/lib/util.py"_s, "def shout(text):\n    return text.upper()\n");
    write(root + u"/tests/test_handler.py"_s, "assert False\n");
    write(root + u"/debug.log"_s, "noise\n");
    write(root + u"/.runeignore"_s, "tests/\n*.log\n");
    return root;
}

QStringList included(const views::PackageTableModel *model)
{
    QStringList paths;
    for (const PackageEntry &entry : model->entries()) {
        if (entry.isIncluded())
            paths << entry.path;
    }
    return paths;
}

/** The window of a fully composed console whose function services are @p fx's, on its TestAgents. */
ConsoleServices withFunctionsOf(const rune::test::ConsoleFixture &console, FunctionFixture &fx)
{
    ConsoleServices services = console.services();
    services.functions = rune::test::servicesOf(fx);
    return services;
}

struct ConsoleWindow {
    rune::test::ConsoleFixture console;
    views::MainWindow window;
    views::FunctionsPane *pane;

    explicit ConsoleWindow(FunctionFixture &fx)
        : window(withFunctionsOf(console, fx))
        , pane(window.functionsPane())
    {
        window.resize(1280, 820);
        window.show();
    }

    /** Drags @p urls over the window and drops them, as a file manager does; whether it was taken. */
    bool drop(const QList<QUrl> &urls)
    {
        QMimeData mime;
        mime.setUrls(urls);
        const QPoint at(window.width() / 2, window.height() / 2);
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        if (!enter.isAccepted())
            return false;
        QDropEvent dropped(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &dropped);
        return dropped.isAccepted();
    }
};

} // namespace

class TestDeployDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void droppedFolderBecomesADeployedFunction();
    void droppedFilesReplaceAnExistingFunctionsFiles();
    void onlyLocalFilesAreTaken();
    void bestNodesAreCheckedByTheirFigures();
};

void TestDeployDialog::droppedFolderBecomesADeployedFunction()
{
    FunctionFixture fx(1);
    const QString dead = fx.addDeadNode(u"offline"_s);
    QVERIFY(fx.load());
    fx.create(u"hello"_s);
    QTemporaryDir projects;
    const QString root = makeProject(projects);
    ConsoleWindow console(fx);
    QVERIFY(QTest::qWaitForWindowExposed(&console.window));

    QVERIFY(console.drop({QUrl::fromLocalFile(root)}));
    QCOMPARE(console.window.currentPane(), views::MainWindow::Pane::Functions);
    auto *dialog = console.pane->findChild<views::DeployDialog *>();
    QVERIFY(dialog);
    QAbstractItemModelTester tester(dialog->packageModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(waitUntil([&] {
        return dialog->isReady();
    }));

    // What goes and what stays, with the reason.
    QCOMPARE(included(dialog->packageModel()),
        QStringList({u".runeignore"_s, u"handler.py"_s, u"lib/__init__.py"_s, u"lib/util.py"_s}));
    const auto &entries = dialog->packageModel()->entries();
    const auto log = std::find_if(entries.cbegin(), entries.cend(), [](const PackageEntry &e) {
        return e.path == u"debug.log"_s;
    });
    QVERIFY(log != entries.cend());
    QCOMPARE(log->excludedBy, u"*.log"_s);
    QCOMPARE(dialog->packageModel()
                 ->index(int(log - entries.cbegin()), views::PackageTableModel::Included)
                 .data()
                 .toString(),
        u"excluded: *.log"_s);
    QVERIFY(std::none_of(entries.cbegin(), entries.cend(), [](const PackageEntry &e) {
        return e.path.startsWith(u"tests/"_s);
    }));
    QVERIFY(dialog->findChild<QLabel *>(u"packageSummaryLabel"_s)->text().startsWith(u"4 file(s)"_s));
    // A new function named after the folder, its runtime guessed from the files.
    QCOMPARE(dialog->targetFunctionId(), QString());
    QCOMPARE(dialog->findChild<QLineEdit *>(u"newNameEdit"_s)->text(), u"resizer"_s);
    QCOMPARE(dialog->findChild<QComboBox *>(u"newRuntimeCombo"_s)->currentText(), u"python3"_s);
    QCOMPARE(dialog->findChild<QLineEdit *>(u"newHandlerEdit"_s)->text(), u"handler.handle"_s);
    dialog->setCheckedNodes({u"node-1"_s, dead});
    QImage shot = rune::test::grabWhen(dialog, [](const QImage &image) {
        return !image.isNull();
    });
    QVERIFY(shot.save(rune::test::screenshotPath(u"functions-drop-dialog.png"_s)));

    // Deploy: one node takes it, the other reports why not.
    QSignalSpy finished(dialog, &views::DeployDialog::finished);
    dialog->startDeploy();
    QVERIFY(waitUntil(
        [&] {
            return finished.size() == 1;
        },
        30000));
    QCOMPARE(finished.first().at(1).toBool(), true);
    QVERIFY2(dialog->nodeResult(u"node-1"_s).contains(u"runs v1"_s), qPrintable(dialog->nodeResult(u"node-1"_s)));
    QVERIFY2(dialog->nodeResult(dead).contains(u"Cannot reach"_s), qPrintable(dialog->nodeResult(dead)));
    QVERIFY(dialog->statusText().contains(u"Not deployed to offline"_s));
    shot = rune::test::grabWhen(dialog, [](const QImage &image) {
        return !image.isNull();
    });
    QVERIFY(shot.save(rune::test::screenshotPath(u"functions-drop-deployed.png"_s)));

    const Function *resizer = fx.catalog.find(u"demo"_s, u"resizer"_s);
    QVERIFY(resizer);
    QCOMPARE(fx.catalog.files(resizer->id),
        QStringList({u".runeignore"_s, u"handler.py"_s, u"lib/__init__.py"_s, u"lib/util.py"_s}));
    QCOMPARE(fx.catalog.nodesOf(resizer->id, 1), QStringList({u"node-1"_s}));
    const auto answer = fx.invoke(resizer->id, u"node-1"_s);
    QVERIFY2(answer && answer->status == 200, answer ? answer->body.constData() : qPrintable(answer.error().message));
    QCOMPARE(answer->body, QByteArray("RESIZED"));
    // The pane shows the new function.
    RUNE_TRY_COMPARE(console.pane->currentFunctionId(), resizer->id);
}

void TestDeployDialog::droppedFilesReplaceAnExistingFunctionsFiles()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString hello = fx.create(u"hello"_s);
    QVERIFY(fx.wait(fx.releases->deploy(hello, {u"node-1"_s}))->succeeded());
    QTemporaryDir dir;
    write(dir.filePath(u"hello.py"_s), "x");
    write(dir.filePath(u"handler.py"_s), "def handle(event, context):\n    return 'dropped'\n");
    write(dir.filePath(u"notes.txt"_s), "not for the function\n");
    ConsoleWindow console(fx);
    console.pane->openFile(hello, u"handler.py"_s);
    QVERIFY(waitUntil(
        [&] {
            return console.pane->codeView()->editor()->text().contains(u"GREETING"_s);
        },
        20000));

    // A loose file goes under its own name, to the function the user picks.
    QVERIFY(console.drop({QUrl::fromLocalFile(dir.filePath(u"handler.py"_s))}));
    auto *dialog = console.pane->findChild<views::DeployDialog *>();
    QVERIFY(dialog);
    QVERIFY(waitUntil([&] {
        return dialog->isReady();
    }));
    QCOMPARE(included(dialog->packageModel()), QStringList({u"handler.py"_s}));
    dialog->setTargetFunction(hello);
    QCOMPARE(dialog->targetFunctionId(), hello);
    QVERIFY(!dialog->findChild<QLineEdit *>(u"newNameEdit"_s)->isVisible());
    dialog->setCheckedNodes({u"node-1"_s});
    QSignalSpy finished(dialog, &views::DeployDialog::finished);
    dialog->startDeploy();
    QVERIFY(waitUntil(
        [&] {
            return finished.size() == 1;
        },
        30000));
    QCOMPARE(finished.first().at(1).toBool(), true);
    QCOMPARE(fx.catalog.find(hello)->currentVersion, 2);
    QCOMPARE(fx.invoke(hello, u"node-1"_s)->body, QByteArray("dropped"));
    QCOMPARE(fx.catalog.files(hello), QStringList({u"handler.py"_s}));
    // The editor shows the dropped file, not the one it replaced.
    RUNE_TRY_VERIFY(console.pane->codeView()->editor()->text().contains(u"'dropped'"_s));
}

void TestDeployDialog::onlyLocalFilesAreTaken()
{
    FunctionFixture fx(0);
    QVERIFY(fx.load());
    ConsoleWindow console(fx);
    QVERIFY(!console.drop({QUrl(u"https://example.org/handler.py"_s)}));
    QVERIFY(!console.drop({QUrl::fromLocalFile(u"/no/such/folder"_s)}));
    QCOMPARE(console.pane->findChild<views::DeployDialog *>(), nullptr);
}

void TestDeployDialog::bestNodesAreCheckedByTheirFigures()
{
    FunctionFixture fx(3);
    QVERIFY(fx.load());
    const QString id = fx.create(u"placed"_s);
    QVERIFY(!id.isEmpty());
    // node-2 counts primes fastest on one core, then node-3, then node-1.
    QList<BenchmarkRecord> records;
    const double single[] = {500, 1500, 1000};
    for (int i = 0; i < 3; ++i) {
        for (const auto &[metric, value] :
            {std::pair(u"events_per_s_single"_s, single[i]), std::pair(u"events_per_s_multi"_s, 4000.0)}) {
            BenchmarkRecord record;
            record.nodeId = u"node-%1"_s.arg(i + 1);
            record.nodeName = record.nodeId;
            record.test = u"cpu"_s;
            record.metric = metric;
            record.value = value;
            record.unit = u"events/s"_s;
            record.started = QDateTime::currentDateTimeUtc();
            record.runId = u"b-%1"_s.arg(i);
            records << record;
        }
    }
    // The facts the monitor reads from /v1/info at a node's first poll.
    for (int i = 1; i <= 3; ++i) {
        Node node = *fx.nodes.find(u"node-%1"_s.arg(i));
        node.facts.cores = 2;
        node.facts.memoryBytes = qint64(4) << 30;
        fx.nodes.update(node);
    }
    QSignalSpy recorded(fx.benchmarks.get(), &BenchmarkResults::recorded);
    fx.benchmarks->record(records);
    QVERIFY(recorded.wait(5000));

    auto *dialog = new views::DeployDialog(rune::test::servicesOf(fx), id);
    dialog->resize(900, 700);
    dialog->show();
    QSignalSpy placed(dialog, &views::DeployDialog::placed);
    dialog->pickBestNodes(2);
    QVERIFY(placed.wait(5000));
    QVERIFY2(dialog->placementText().contains(u"best 2 node(s) of 3"_s), qPrintable(dialog->placementText()));
    QCOMPARE(dialog->checkedNodes(), QStringList({u"node-2"_s, u"node-3"_s}));
    QVERIFY2(dialog->nodeResult(u"node-2"_s).contains(u"#1"_s), qPrintable(dialog->nodeResult(u"node-2"_s)));
    QVERIFY(dialog->nodeResult(u"node-3"_s).contains(u"#2"_s));
    QVERIFY(dialog->nodeResult(u"node-1"_s).contains(u"#3"_s));
    QVERIFY(dialog->grab().save(rune::test::screenshotPath(u"deploy-placement.png"_s)));

    // A node that is not running is left out, and says why.
    Node suspended = *fx.nodes.find(u"node-2"_s);
    suspended.state = NodeState::Suspended;
    fx.nodes.update(suspended);
    dialog->findChild<QPushButton *>(u"pickBestButton"_s)->click();
    QVERIFY(placed.wait(5000));
    QCOMPARE(dialog->checkedNodes(), QStringList({u"node-1"_s, u"node-3"_s}));
    QVERIFY2(dialog->nodeResult(u"node-2"_s).contains(u"left out: not running"_s),
        qPrintable(dialog->nodeResult(u"node-2"_s)));
    dialog->close();
}

RUNE_TEST_MAIN(TestDeployDialog)
#include "tst_deploydialog.moc"
