// SPDX-License-Identifier: GPL-3.0-or-later
// The developer's screen on real agents: open a function, change its code in the editor, save,
// deploy, invoke, see the answer and the log line; versions, diff, rollback, block; config form.
#include "../common/testmain.h"
#include "editor/diffview.h"
#include "functionguihelpers.h"
#include "functions/deploydialog.h"
#include "functions/functioncodeview.h"
#include "functions/functionconfigform.h"
#include "functions/functiontreemodel.h"
#include "functions/invocationtablemodel.h"
#include "functions/invokepanel.h"
#include "functions/logfiltermodel.h"
#include "functions/logpanel.h"
#include "functions/logtablemodel.h"
#include "functions/newfunctiondialog.h"
#include "functions/packagetablemodel.h"
#include "functions/versionspanel.h"
#include "functions/versiontablemodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTreeView>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::FunctionFixture;
using rune::test::PaneWindow;
using rune::test::waitUntil;

namespace
{

const QString greeter = u"import json\n\n\ndef handle(event, context):\n"
                        u"    name = json.loads(event['body'] or '{}').get('name', 'nobody')\n"
                        u"    print(f'edited handler greets {name}')\n"
                        u"    return {'greeting': f'Good day, {name}!'}\n"_s;

template <typename T> T *child(QWidget *parent, const QString &name)
{
    T *found = parent->findChild<T *>(name);
    if (!found)
        qWarning("no %s", qPrintable(name));
    return found;
}

/** Greets quickly, or sleeps two seconds first when asked to: a call that keeps its queue full. */
const QString sleeper = u"import json, time\n\n\ndef handle(event, context):\n"
                        u"    asked = json.loads(event['body'] or '{}')\n"
                        u"    time.sleep(asked.get('sleep', 0))\n"
                        u"    return {'greeting': 'Good day, ' + asked.get('name', 'nobody') + '!'}\n"_s;

/** The lines the log pane shows now, as "requestId text". */
QStringList shownLogLines(views::LogPanel *panel)
{
    QStringList lines;
    const QAbstractItemModel *model = panel->filter();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, views::LogTableModel::Text);
        lines << index.data(views::LogTableModel::RequestIdRole).toString() + u' ' + index.data().toString();
    }
    return lines;
}

} // namespace

class TestFunctionsPane final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void editSaveDeployInvokeAndSeeTheLog();
    void versionsDiffRollbackAndBlock();
    void configFormShowsCoreMessagesAndSaves();
    void configFormEditsMqttQosAndResultTopic();
    void invokeAsynchronouslyAndSeeAFullQueue();
    void newFunctionFromATemplate();
    void removedElsewhereKeepsUnsavedText();
};

void TestFunctionsPane::editSaveDeployInvokeAndSeeTheLog()
{
    FunctionFixture fx(2);
    QVERIFY(fx.load());
    const QString id = fx.create(u"hello"_s);
    PaneWindow window(fx);
    views::FunctionsPane *pane = window.pane;
    QVERIFY(QTest::qWaitForWindowExposed(&window.widget));

    // Open the function from the tree: its handler shows in the editor.
    const QModelIndex file = pane->treeModel()->fileIndex(id, u"handler.py"_s);
    QVERIFY(file.isValid());
    pane->tree()->setCurrentIndex(file);
    Q_EMIT pane->tree()->clicked(file);
    views::CodeEditor *editor = pane->codeView()->editor();
    QVERIFY(waitUntil(
        [&] {
            return rune::test::editorReady(editor) && editor->text().contains(u"def handle"_s);
        },
        20000));
    QCOMPARE(pane->codeView()->path(), u"handler.py"_s);
    QVERIFY(!pane->codeView()->isModified());

    // Change it through the editor and save with Ctrl+S: the bucket store has the new text.
    rune::test::replaceCode(editor, greeter);
    RUNE_TRY_VERIFY(editor->isModified() && editor->text() == greeter);
    QVERIFY(pane->findChild<QLabel *>(u"codeFileLabel"_s)->text().contains(u"modified"_s));
    QVERIFY(window.screenshot(u"functions-code.png"_s));
    QSignalSpy saved(pane->codeView(), &views::FunctionCodeView::saved);
    rune::test::pressSave(editor);
    RUNE_TRY_COMPARE(saved.size(), 1);
    QVERIFY(!editor->isModified());
    QCOMPARE(fx.workspace->buckets().readWorkingFile(u"demo"_s, u"hello"_s, u"handler.py"_s)->data, greeter.toUtf8());

    // Deploy to both agents from the dialog; each node reports.
    views::DeployDialog *dialog = pane->deployCurrent();
    QVERIFY(dialog);
    RUNE_TRY_VERIFY(dialog->isReady());
    QCOMPARE(dialog->packageModel()->rowCount(), 1);
    dialog->setCheckedNodes({u"node-1"_s, u"node-2"_s});
    QSignalSpy deployed(dialog, &views::DeployDialog::finished);
    dialog->startDeploy();
    QVERIFY(waitUntil(
        [&] {
            return deployed.size() == 1;
        },
        30000));
    QCOMPARE(deployed.first().at(1).toBool(), true);
    QVERIFY2(dialog->nodeResult(u"node-1"_s).contains(u"runs v1"_s), qPrintable(dialog->nodeResult(u"node-1"_s)));
    QVERIFY2(dialog->nodeResult(u"node-2"_s).contains(u"runs v1"_s), qPrintable(dialog->nodeResult(u"node-2"_s)));
    QVERIFY(dialog->statusText().contains(u"hello v1 runs on node-1 and node-2"_s));
    const QImage dialogShot = rune::test::grabWhen(dialog, [](const QImage &image) {
        return !image.isNull();
    });
    QVERIFY(dialogShot.save(rune::test::screenshotPath(u"functions-deploy-dialog.png"_s)));
    dialog->close();
    QVERIFY(pane->findChild<QLabel *>(u"functionDetailLabel"_s)->text().contains(u"LATEST"_s));

    // Invoke from the panel: the answer, its status, and only its log lines below.
    pane->showTab(views::FunctionsPane::Tab::Invoke);
    views::InvokePanel *invoke = pane->invokePanel();
    RUNE_TRY_VERIFY(invoke->findChild<QPushButton *>(u"invokeButton"_s)->isEnabled());
    QCOMPARE(invoke->events().size(), 3); // the template's sample events
    invoke->applyEvent(invoke->events().first()); // {"name": "Ada"}
    invoke->findChild<QPushButton *>(u"invokeButton"_s)->click();
    RUNE_TRY_COMPARE(invoke->history()->rowCount(), 1);
    const InvokeResult &result = invoke->history()->resultAt(0);
    QCOMPARE(result.status, 200);
    const QString body = invoke->findChild<QPlainTextEdit *>(u"responseBodyEdit"_s)->toPlainText();
    QVERIFY2(body.contains(u"\"greeting\": \"Good day, Ada!\""_s), qPrintable(body)); // indented JSON
    QVERIFY(invoke->findChild<QLabel *>(u"invokeStatusLabel"_s)->text().contains(u"200"_s));
    views::LogPanel *logs = pane->logPanel();
    QCOMPARE(logs->filter()->requestId(), result.requestId);
    QVERIFY2(waitUntil(
                 [&] {
                     return shownLogLines(logs).contains(result.requestId + u" edited handler greets Ada"_s);
                 },
                 15000),
        qPrintable(shownLogLines(logs).join(u'\n')));
    QCOMPARE(shownLogLines(logs).size(), 1); // this call's line only
    QCOMPARE(logs->filter()->index(0, views::LogTableModel::Version).data().toString(), u"v1"_s);
    QCOMPARE(logs->filter()->index(0, views::LogTableModel::Node).data().toString(), u"node-1"_s);
    QVERIFY(window.screenshot(u"functions-invoke.png"_s));

    // Saving a sample event keeps it with the function.
    invoke->findChild<QComboBox *>(u"eventCombo"_s)->setCurrentText(u"greet Grace"_s);
    invoke->findChild<QPlainTextEdit *>(u"requestBodyEdit"_s)->setPlainText(u"{\"name\": \"Grace\"}"_s);
    invoke->findChild<QPushButton *>(u"saveEventButton"_s)->click();
    RUNE_TRY_VERIFY(fx.workspace->buckets().events(u"demo"_s, u"hello"_s)->size() == 4);

    // Every line of the function, then filtered by level and text.
    logs->showRequest({});
    invoke->findChild<QPushButton *>(u"invokeButton"_s)->click();
    RUNE_TRY_COMPARE(invoke->history()->rowCount(), 2);
    logs->showRequest({});
    RUNE_TRY_VERIFY(shownLogLines(logs).size() >= 2);
    logs->findChild<QLineEdit *>(u"logTextEdit"_s)->setText(u"GRACE"_s);
    RUNE_TRY_COMPARE(shownLogLines(logs).size(), 1);
    logs->findChild<QComboBox *>(u"logLevelCombo"_s)->setCurrentIndex(3); // errors only
    QCOMPARE(shownLogLines(logs).size(), 0);
}

void TestFunctionsPane::versionsDiffRollbackAndBlock()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = fx.create(u"hello"_s);
    QVERIFY(fx.wait(fx.releases->deploy(id, {u"node-1"_s}))->succeeded());
    QVERIFY(fx.saveFile(id, u"handler.py"_s, greeter));
    QVERIFY(fx.wait(fx.releases->deploy(id, {u"node-1"_s}, u"friendlier"_s))->succeeded());

    PaneWindow window(fx);
    views::FunctionsPane *pane = window.pane;
    pane->selectFunction(id);
    pane->showTab(views::FunctionsPane::Tab::Versions);
    views::VersionsPanel *versions = pane->versionsPanel();
    QCOMPARE(versions->model()->rowCount(), 2);
    QCOMPARE(versions->model()->index(0, views::VersionTableModel::State).data().toString(), u"LATEST"_s);
    QCOMPARE(versions->model()->index(1, views::VersionTableModel::State).data().toString(), u"PUBLISHED"_s);
    QCOMPARE(versions->model()->index(0, views::VersionTableModel::Note).data().toString(), u"friendlier"_s);
    QCOMPARE(versions->model()->index(0, views::VersionTableModel::Nodes).data().toString(), u"node-1"_s);

    // The newest version is selected and compared with the one before it.
    QSignalSpy shown(versions->diffView(), &views::DiffView::shown);
    versions->table()->selectRow(0);
    RUNE_TRY_VERIFY(versions->comparedOld() == 1 && versions->comparedNew() == 2);
    QVERIFY(waitUntil(
        [&] {
            return !shown.isEmpty() && shown.last().at(0).toInt() > 0;
        },
        20000));
    QCOMPARE(versions->comparedPath(), u"handler.py"_s);
    QVERIFY2(versions->findChild<QLabel *>(u"diffSummaryLabel"_s)->text().startsWith(u"+"_s),
        qPrintable(versions->findChild<QLabel *>(u"diffSummaryLabel"_s)->text()));
    QVERIFY(window.screenshot(u"functions-versions.png"_s));

    // Roll back to v1: a new version with v1's code serves the calls.
    versions->table()->selectRow(1);
    QVERIFY(versions->findChild<QPushButton *>(u"rollbackButton"_s)->isEnabled());
    versions->findChild<QPushButton *>(u"rollbackButton"_s)->click();
    RUNE_TRY_COMPARE(versions->model()->rowCount(), 3);
    RUNE_TRY_VERIFY(versions->model()->index(0, views::VersionTableModel::State).data().toString() == u"LATEST"_s);
    QCOMPARE(versions->model()->index(0, views::VersionTableModel::Note).data().toString(), u"Rollback to v1"_s);
    RUNE_TRY_VERIFY(pane->messageText().contains(u"hello v3 runs on node-1"_s));
    QCOMPARE(fx.invoke(id, u"node-1"_s)->body.contains("Hello, world!"), true);

    // Retiring the serving version is refused with the reason, shown above the tabs.
    versions->table()->selectRow(0);
    versions->findChild<QPushButton *>(u"retireButton"_s)->click();
    RUNE_TRY_VERIFY(pane->messageText().contains(u"roll back to another version"_s));
    versions->table()->selectRow(2); // v1, the first: against the serving v3, what a rollback would change
    RUNE_TRY_VERIFY(versions->comparedOld() == 3 && versions->comparedNew() == 1);
    versions->findChild<QPushButton *>(u"retireButton"_s)->click();
    RUNE_TRY_VERIFY(versions->model()->index(2, views::VersionTableModel::State).data().toString() == u"RETIRED"_s);
    versions->findChild<QPushButton *>(u"retireButton"_s)->click();
    RUNE_TRY_VERIFY(pane->messageText().contains(u"kept for history only"_s));

    // Block from the header: the agents refuse calls, the version shows BLOCKED; unblock again.
    auto *block = pane->findChild<QPushButton *>(u"blockButton"_s);
    QCOMPARE(block->text(), u"Block"_s);
    block->click();
    RUNE_TRY_COMPARE(block->text(), u"Unblock"_s);
    QVERIFY(pane->findChild<QLabel *>(u"functionDetailLabel"_s)->text().contains(u"BLOCKED"_s));
    QCOMPARE(fx.invoke(id, u"node-1"_s)->status, 423);
    QVERIFY(window.screenshot(u"functions-blocked.png"_s));
    block->click();
    RUNE_TRY_COMPARE(block->text(), u"Block"_s);
    QCOMPARE(fx.invoke(id, u"node-1"_s)->status, 200);
}

void TestFunctionsPane::configFormShowsCoreMessagesAndSaves()
{
    FunctionFixture fx(0);
    QVERIFY(fx.load());
    const QString id = fx.create(u"hello"_s);
    PaneWindow window(fx);
    views::FunctionsPane *pane = window.pane;
    pane->selectFunction(id);
    pane->showTab(views::FunctionsPane::Tab::Configuration);
    views::FunctionConfigForm *form = pane->configForm();
    auto *save = form->findChild<QPushButton *>(u"saveConfigButton"_s);
    QVERIFY(!save->isEnabled()); // nothing changed

    form->findChild<QSpinBox *>(u"memorySpin"_s)->setValue(100);
    QVERIFY2(form->messageFor(u"memory_mib"_s).contains(u"memory_mib must be a multiple of 64 (got 100)"_s),
        qPrintable(form->messageFor(u"memory_mib"_s)));
    form->findChild<QSpinBox *>(u"maxReplicasSpin"_s)->setValue(0);
    QVERIFY(form->messageFor(u"max_replicas"_s).contains(u"between 1 and 1000 (got 0)"_s));
    form->findChild<QLineEdit *>(u"handlerEdit"_s)->setText(u"handler"_s);
    QVERIFY(form->messageFor(u"handler"_s).contains(u"module.function"_s));
    QVERIFY(!save->isEnabled());
    QVERIFY(window.screenshot(u"functions-config.png"_s));

    form->findChild<QSpinBox *>(u"memorySpin"_s)->setValue(256);
    form->findChild<QSpinBox *>(u"maxReplicasSpin"_s)->setValue(6);
    form->findChild<QLineEdit *>(u"handlerEdit"_s)->setText(u"handler.handle"_s);
    QVERIFY(form->messageFor(u"memory_mib"_s).isEmpty());
    QVERIFY(save->isEnabled());
    save->click();
    RUNE_TRY_COMPARE(fx.catalog.find(id)->config.memoryMiB, 256);
    QCOMPARE(fx.catalog.find(id)->config.maxReplicas, 6);
    QCOMPARE(fx.store->loadFunctions()->first().config.memoryMiB, 256);
    RUNE_TRY_VERIFY(!save->isEnabled());
}

void TestFunctionsPane::invokeAsynchronouslyAndSeeAFullQueue()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = fx.create(u"sleeper"_s);
    QVERIFY(fx.saveFile(id, u"handler.py"_s, sleeper));
    // One call at a time, and at most one queued or running: a second is refused with 429.
    FunctionConfig config = fx.catalog.find(id)->config;
    config.maxReplicas = 1;
    config.asyncQueueLimit = 1;
    QVERIFY(fx.call<void>([&](auto done) {
        fx.workspace->saveConfig(id, config, &fx.context, done);
    }));
    QVERIFY(fx.wait(fx.releases->deploy(id, {u"node-1"_s})));
    RUNE_TRY_VERIFY(fx.invoker->nodesFor(id) == QStringList {u"node-1"_s});

    PaneWindow window(fx);
    views::FunctionsPane *pane = window.pane;
    pane->selectFunction(id);
    pane->showTab(views::FunctionsPane::Tab::Configuration);
    auto *queueSpin = child<QSpinBox>(pane->configForm(), u"asyncQueueSpin"_s);
    QCOMPARE(queueSpin->value(), 1);
    queueSpin->setValue(1000001); // past the agent's bound: the form says so in the agent's words
    QVERIFY2(pane->configForm()->messageFor(u"async_queue_limit"_s).contains(u"between 0 and 1000000 (got 1000001)"_s),
        qPrintable(pane->configForm()->messageFor(u"async_queue_limit"_s)));
    queueSpin->setValue(1);

    pane->showTab(views::FunctionsPane::Tab::Invoke);
    views::InvokePanel *invoke = pane->invokePanel();
    invoke->setPollInterval(std::chrono::milliseconds(300));
    auto *send = child<QPushButton>(invoke, u"invokeButton"_s);
    auto *status = child<QLabel>(invoke, u"invokeStatusLabel"_s);
    RUNE_TRY_VERIFY(send->isEnabled());
    child<QCheckBox>(invoke, u"invokeAsyncCheck"_s)->setChecked(true);

    // Queued at once with its request id, then its result shown like a direct answer.
    child<QPlainTextEdit>(invoke, u"requestBodyEdit"_s)->setPlainText(u"{\"name\": \"Ada\", \"sleep\": 1}"_s);
    send->click();
    RUNE_TRY_VERIFY(status->text().startsWith(u"Queued as "_s));
    QVERIFY(!send->isEnabled()); // one call waited for at a time
    QVERIFY(child<QPushButton>(invoke, u"stopWaitingButton"_s)->isVisible());
    RUNE_TRY_COMPARE(invoke->history()->rowCount(), 1);
    const InvokeResult result = invoke->history()->resultAt(0);
    QVERIFY(result.asynchronous);
    QCOMPARE(result.status, 200);
    QCOMPARE(result.requestId.size(), 32);
    QCOMPARE(invoke->history()->index(0, views::InvocationTableModel::Status).data().toString(), u"200 (async)"_s);
    QVERIFY2(child<QPlainTextEdit>(invoke, u"responseBodyEdit"_s)->toPlainText().contains(u"Good day, Ada!"_s),
        qPrintable(child<QPlainTextEdit>(invoke, u"responseBodyEdit"_s)->toPlainText()));
    QVERIFY2(status->text().contains(u"succeeded after 1 attempt"_s), qPrintable(status->text()));
    QVERIFY(send->isEnabled());
    QVERIFY(window.screenshot(u"functions-invoke-async.png"_s));

    // Another caller keeps the one place busy: the panel's call is refused, and says why.
    InvokeRequest busy;
    busy.body = R"({"sleep": 3})";
    const auto queued = fx.call<QString>([&](auto done) {
        fx.invoker->invokeAsync(id, u"node-1"_s, 0, busy, &fx.context, done);
    });
    QVERIFY2(queued, queued ? "" : qPrintable(queued.error().message));
    send->click();
    RUNE_TRY_VERIFY(status->text().contains(u"Not queued: the function's queue is full (429)."_s));
    QVERIFY2(status->text().contains(u"as many as the function's async_queue_limit (1) allows"_s),
        qPrintable(status->text()));
    QCOMPARE(invoke->history()->rowCount(), 1);
    QVERIFY(send->isEnabled());
    QVERIFY(window.screenshot(u"functions-invoke-async-full.png"_s));

    // Stop waiting: the panel lets go at once; the call still runs on the node.
    RUNE_TRY_VERIFY(fx.call<AsyncCallState>([&](auto done) {
                          fx.invoker->fetchAsyncCall(u"node-1"_s, *queued, &fx.context, done);
                      })->ended());
    child<QPlainTextEdit>(invoke, u"requestBodyEdit"_s)->setPlainText(u"{\"sleep\": 2}"_s);
    send->click();
    RUNE_TRY_VERIFY(status->text().startsWith(u"Queued as "_s));
    child<QPushButton>(invoke, u"stopWaitingButton"_s)->click();
    QVERIFY2(status->text().startsWith(u"Stopped waiting for call "_s), qPrintable(status->text()));
    QVERIFY(send->isEnabled());
    QTest::qWait(2500);
    QCOMPARE(invoke->history()->rowCount(), 1); // its result, had it been polled, would be a second row
}

void TestFunctionsPane::configFormEditsMqttQosAndResultTopic()
{
    FunctionFixture fx(0);
    QVERIFY(fx.load());
    const QString id = fx.create(u"hello"_s);
    PaneWindow window(fx);
    views::FunctionsPane *pane = window.pane;
    pane->selectFunction(id);
    pane->showTab(views::FunctionsPane::Tab::Configuration);
    views::FunctionConfigForm *form = pane->configForm();
    auto *triggers = form->findChild<QTableWidget *>(u"triggerTable"_s);
    const int row = triggers->rowCount();
    form->findChild<QPushButton *>(u"addTriggerButton"_s)->click();
    QCOMPARE(triggers->rowCount(), row + 1);
    auto *type = qobject_cast<QComboBox *>(triggers->cellWidget(row, 0));
    auto *qos = qobject_cast<QComboBox *>(triggers->cellWidget(row, 2));
    QVERIFY(type && qos);
    type->setCurrentIndex(type->findData(int(rune::TriggerType::Mqtt)));
    triggers->item(row, 1)->setText(u"cars/+/crash"_s);
    qos->setCurrentIndex(qos->findData(1));
    triggers->item(row, 3)->setText(u"alerts/#"_s);
    // A wildcard in the topic an answer is published to: the agent's words, beside the triggers.
    QVERIFY2(form->messageFor(u"triggers"_s).contains(u"result_topic"_s), qPrintable(form->messageFor(u"triggers"_s)));
    auto *save = form->findChild<QPushButton *>(u"saveConfigButton"_s);
    QVERIFY(!save->isEnabled());

    triggers->item(row, 3)->setText(u"alerts/crash"_s);
    QVERIFY2(form->messageFor(u"triggers"_s).isEmpty(), qPrintable(form->messageFor(u"triggers"_s)));
    QVERIFY(save->isEnabled());
    save->click();
    RUNE_TRY_COMPARE(fx.catalog.find(id)->config.triggers.size(), qsizetype(row + 1));
    const rune::Trigger saved = fx.store->loadFunctions()->first().config.triggers.at(row);
    QCOMPARE(saved.type, rune::TriggerType::Mqtt);
    QCOMPARE(saved.value, u"cars/+/crash"_s);
    QCOMPARE(saved.qos, 1);
    QCOMPARE(saved.resultTopic, u"alerts/crash"_s);
}

void TestFunctionsPane::newFunctionFromATemplate()
{
    FunctionFixture fx(0);
    QVERIFY(fx.load());
    PaneWindow window(fx);
    views::FunctionsPane *pane = window.pane;
    QVERIFY(pane->findChild<QLabel *>(u"functionDetailLabel"_s)->text().contains(u"No functions yet"_s));
    auto *dialog = new views::NewFunctionDialog(rune::test::servicesOf(fx), u"shop"_s, pane);
    connect(dialog, &views::NewFunctionDialog::created, pane, [pane](const QString &id, const QString &path) {
        pane->openFile(id, path);
    });
    dialog->show();
    dialog->setName(u"Bad Name"_s);
    QVERIFY(dialog->findChild<QLabel *>(u"newFunctionProblemLabel"_s)->text().contains(u"lowercase"_s));
    dialog->setName(u"cart"_s);
    dialog->setTemplate(u"node"_s);
    QVERIFY(dialog->findChild<QLabel *>(u"newFunctionProblemLabel"_s)->text().isEmpty());
    const QImage shot = rune::test::grabWhen(dialog, [](const QImage &image) {
        return !image.isNull();
    });
    QVERIFY(shot.save(rune::test::screenshotPath(u"functions-new.png"_s)));
    dialog->create();
    RUNE_TRY_VERIFY(fx.catalog.find(u"shop"_s, u"cart"_s) != nullptr);
    const QString id = fx.catalog.find(u"shop"_s, u"cart"_s)->id;
    QCOMPARE(fx.catalog.find(id)->config.runtime, FunctionRuntime::Node);
    // The tree shows project, function and file; the editor opens the handler.
    const QModelIndex fileIndex = pane->treeModel()->fileIndex(id, u"handler.js"_s);
    QVERIFY(fileIndex.isValid());
    QCOMPARE(fileIndex.parent().parent().data().toString(), u"shop"_s);
    QVERIFY(waitUntil(
        [&] {
            return pane->codeView()->editor()->text().contains(u"exports.handle"_s);
        },
        20000));
    QCOMPARE(pane->currentFunctionId(), id);
}

void TestFunctionsPane::removedElsewhereKeepsUnsavedText()
{
    FunctionFixture fx(0);
    QVERIFY(fx.load());
    const QString id = fx.create(u"cart"_s);
    QVERIFY(!id.isEmpty());
    PaneWindow window(fx);
    views::FunctionsPane *pane = window.pane;
    const QString path = fx.catalog.files(id).value(0);
    pane->openFile(id, path);
    views::CodeEditor *editor = pane->codeView()->editor();
    QVERIFY(waitUntil(
        [&] {
            return pane->codeView()->path() == path && rune::test::editorReady(editor) && !editor->text().isEmpty();
        },
        20000));
    rune::test::replaceCode(editor, u"print('typed, never saved')\n"_s);
    QVERIFY(waitUntil([&] {
        return pane->codeView()->isModified();
    }));

    // The command line removes the function (its own connection to the store); the window reloads.
    auto other = Store::open(fx.store->path());
    QVERIFY(other);
    QVERIFY((*other)->removeFunction(id));
    bool reloaded = false;
    fx.workspace->reload(&window.widget, [&reloaded](Result<void> done) {
        reloaded = bool(done);
    });
    QVERIFY(waitUntil([&] {
        return reloaded;
    }));
    QVERIFY(!fx.catalog.find(id));
    auto *box = pane->findChild<QMessageBox *>(u"unsavedTextBox"_s);
    QVERIFY(box);
    QVERIFY2(box->text().contains(u"shop/cart"_s) || box->text().contains(u"/cart"_s), qPrintable(box->text()));
    QVERIFY(box->text().contains(path));
    QVERIFY(box->detailedText().contains(u"typed, never saved"_s));
    QVERIFY(pane->currentFunctionId().isEmpty());
    box->show();
    const QImage shot = rune::test::grabWhen(box, [](const QImage &image) {
        return !image.isNull();
    });
    QVERIFY(shot.save(rune::test::screenshotPath(u"functions-removed-elsewhere.png"_s)));
}

RUNE_TEST_MAIN(TestFunctionsPane)
#include "tst_functionspane.moc"
