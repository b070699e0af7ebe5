// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/invokepanel.h"

#include "cluster/nodelist.h"
#include "functions/functioncatalog.h"
#include "functions/functionformat.h"
#include "functions/functioninvoker.h"
#include "functions/functionworkspace.h"
#include "functions/invocationtablemodel.h"
#include "protocol.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

QPlainTextEdit *codeBox(QWidget *parent, const char *name, bool readOnly)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setObjectName(QLatin1StringView(name));
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setReadOnly(readOnly);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    return edit;
}

} // namespace

InvokePanel::InvokePanel(const FunctionServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
    , m_history(new InvocationTableModel(services.nodes, this))
    , m_nodeCombo(new QComboBox(this))
    , m_versionCombo(new QComboBox(this))
    , m_methodCombo(new QComboBox(this))
    , m_pathEdit(new QLineEdit(u"/"_s, this))
    , m_headersEdit(codeBox(this, "requestHeadersEdit", false))
    , m_bodyEdit(codeBox(this, "requestBodyEdit", false))
    , m_eventCombo(new QComboBox(this))
    , m_saveEventButton(new QPushButton(tr("Save event"), this))
    , m_deleteEventButton(new QPushButton(tr("Delete"), this))
    , m_invokeButton(new QPushButton(tr("Invoke"), this))
    , m_asyncCheck(new QCheckBox(tr("Send asynchronously"), this))
    , m_stopWaitingButton(new QPushButton(tr("Stop waiting"), this))
    , m_pollTimer(new QTimer(this))
    , m_statusLabel(new QLabel(this))
    , m_responseTabs(new QTabWidget(this))
    , m_responseBody(codeBox(this, "responseBodyEdit", true))
    , m_responseHeaders(codeBox(this, "responseHeadersEdit", true))
    , m_historyView(new QTableView(this))
{
    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(buildRequest());
    top->addWidget(buildResponse());
    top->setStretchFactor(0, 1);
    top->setStretchFactor(1, 1);

    m_historyView->setObjectName(u"invocationsTable"_s);
    m_historyView->setModel(m_history);
    m_historyView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_historyView->verticalHeader()->hide();
    m_historyView->horizontalHeader()->setStretchLastSection(true);
    m_historyView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    connect(m_historyView, &QTableView::clicked, this, [this](const QModelIndex &index) {
        showResult(m_history->resultAt(index.row()));
        Q_EMIT requestSelected(m_history->resultAt(index.row()).requestId);
    });

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    splitter->addWidget(m_historyView);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(services.catalog, &FunctionCatalog::versionsChanged, this, [this](const QString &id) {
        if (id == m_functionId)
            refreshTargets();
    });
    connect(services.catalog, &FunctionCatalog::functionChanged, this, [this](const QString &id) {
        if (id == m_functionId)
            refreshTargets();
    });
    m_pollTimer->setSingleShot(true);
    m_pollTimer->setInterval(std::chrono::milliseconds(750));
    connect(m_pollTimer, &QTimer::timeout, this, &InvokePanel::pollAsyncCall);
    setFunction({});
}

QWidget *InvokePanel::buildRequest()
{
    auto *box = new QWidget(this);
    m_nodeCombo->setObjectName(u"invokeNodeCombo"_s);
    m_versionCombo->setObjectName(u"invokeVersionCombo"_s);
    m_methodCombo->setObjectName(u"invokeMethodCombo"_s);
    m_methodCombo->addItems({u"GET"_s, u"POST"_s, u"PUT"_s, u"PATCH"_s, u"DELETE"_s, u"HEAD"_s, u"OPTIONS"_s});
    m_methodCombo->setCurrentText(u"POST"_s);
    m_pathEdit->setObjectName(u"invokePathEdit"_s);
    m_pathEdit->setToolTip(tr("The path after /function/<name>, with an optional ?query"));
    m_headersEdit->setPlaceholderText(tr("Content-Type: application/json"));
    m_headersEdit->setMaximumHeight(70);
    m_eventCombo->setObjectName(u"eventCombo"_s);
    m_eventCombo->setEditable(true);
    m_eventCombo->setInsertPolicy(QComboBox::NoInsert);
    m_eventCombo->lineEdit()->setPlaceholderText(tr("name a sample event"));
    m_saveEventButton->setObjectName(u"saveEventButton"_s);
    m_deleteEventButton->setObjectName(u"deleteEventButton"_s);
    m_invokeButton->setObjectName(u"invokeButton"_s);
    m_invokeButton->setDefault(true);
    m_invokeButton->setToolTip(tr("Send the request (Ctrl+Return)"));
    m_asyncCheck->setObjectName(u"invokeAsyncCheck"_s);
    m_asyncCheck->setToolTip(tr("Queue the call on the node (POST /async-function/<name>) and wait for its result"));
    m_stopWaitingButton->setObjectName(u"stopWaitingButton"_s);
    m_stopWaitingButton->setToolTip(tr("Stop asking for the result; the call still runs on the node"));
    m_stopWaitingButton->hide();

    auto *events = new QHBoxLayout;
    events->addWidget(m_eventCombo, 1);
    events->addWidget(m_saveEventButton);
    events->addWidget(m_deleteEventButton);
    auto *target = new QHBoxLayout;
    target->addWidget(m_nodeCombo, 1);
    target->addWidget(m_versionCombo);
    auto *line = new QHBoxLayout;
    line->addWidget(m_methodCombo);
    line->addWidget(m_pathEdit, 1);
    line->addWidget(m_invokeButton);
    auto *mode = new QHBoxLayout;
    mode->addWidget(m_asyncCheck);
    mode->addStretch(1);
    mode->addWidget(m_stopWaitingButton);

    auto *form = new QFormLayout;
    form->addRow(tr("Sample event"), events);
    form->addRow(tr("Node"), target);
    form->addRow(tr("Request"), line);
    form->addRow(QString(), mode);
    form->addRow(tr("Headers"), m_headersEdit);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Body"), box));
    layout->addWidget(m_bodyEdit, 1);

    connect(m_eventCombo, &QComboBox::activated, this, [this](int index) {
        if (index >= 0 && index < m_events.size())
            applyEvent(m_events.at(index));
    });
    connect(m_saveEventButton, &QPushButton::clicked, this, &InvokePanel::saveEvent);
    connect(m_deleteEventButton, &QPushButton::clicked, this, &InvokePanel::deleteEvent);
    connect(m_invokeButton, &QPushButton::clicked, this, &InvokePanel::invoke);
    connect(m_stopWaitingButton, &QPushButton::clicked, this, &InvokePanel::stopWaiting);
    auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &InvokePanel::invoke);
    return box;
}

QWidget *InvokePanel::buildResponse()
{
    auto *box = new QWidget(this);
    m_statusLabel->setObjectName(u"invokeStatusLabel"_s);
    m_statusLabel->setTextFormat(Qt::RichText);
    m_statusLabel->setWordWrap(true);
    m_responseTabs->setObjectName(u"responseTabs"_s);
    m_responseTabs->addTab(m_responseBody, tr("Body"));
    m_responseTabs->addTab(m_responseHeaders, tr("Headers"));
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_statusLabel);
    layout->addWidget(m_responseTabs, 1);
    return box;
}

void InvokePanel::setFunction(const QString &functionId)
{
    const bool changed = functionId != m_functionId;
    m_functionId = functionId;
    if (changed)
        endWaiting(); // the call goes on; its function is no longer shown
    refreshTargets();
    if (!changed)
        return;
    m_events.clear();
    m_eventCombo->clear();
    m_history->clear();
    setStatus(
        functionId.isEmpty() ? tr("Choose a function.") : tr("Send a request to see the answer."), Status::Prompt);
    m_responseBody->clear();
    m_responseHeaders->clear();
    showAvailability();
    if (functionId.isEmpty())
        return;
    m_services.workspace->loadEvents(functionId, this, [this, functionId](Result<QList<SampleEvent>> events) {
        if (functionId != m_functionId || !events)
            return;
        m_events = *events;
        m_eventCombo->clear();
        for (const SampleEvent &event : std::as_const(m_events))
            m_eventCombo->addItem(event.name);
        if (!m_events.isEmpty())
            applyEvent(m_events.first());
    });
}

void InvokePanel::refreshTargets()
{
    const QString node = m_nodeCombo->currentData().toString();
    const int version = m_versionCombo->currentData().toInt();
    m_nodeCombo->clear();
    m_versionCombo->clear();
    const Function *function = m_services.catalog->find(m_functionId);
    const auto current = m_services.catalog->currentVersion(m_functionId);
    for (const QString &id : m_services.invoker->nodesFor(m_functionId)) {
        const Node *n = m_services.nodes->find(id);
        m_nodeCombo->addItem(n ? tr("%1 (%2)").arg(n->name, nodeRoleName(n->role)) : id, id);
    }
    if (current)
        m_versionCombo->addItem(tr("serving (v%1)").arg(current->number), 0);
    for (const FunctionVersion &v : m_services.catalog->versions(m_functionId)) {
        if (v.state != FunctionState::Retired && v.state != FunctionState::Updating)
            m_versionCombo->addItem(tr("v%1 only").arg(v.number), v.number);
    }
    m_nodeCombo->setCurrentIndex(std::max(0, m_nodeCombo->findData(node)));
    m_versionCombo->setCurrentIndex(std::max(0, m_versionCombo->findData(version)));
    m_invokeButton->setEnabled(function && current && m_nodeCombo->count() > 0 && !m_waiting.active);
    showAvailability();
}

QString InvokePanel::availabilityProblem() const
{
    // Read from the catalog the header reads, so the two say the same.
    const Function *function = m_services.catalog->find(m_functionId);
    if (!function)
        return {};
    const auto current = m_services.catalog->currentVersion(m_functionId);
    if (!current)
        return tr("%1 is not deployed yet: deploy it to call it.").arg(function->name);
    if (m_nodeCombo->count() == 0)
        return tr("v%1 of %2 runs on no node yet: wait for its deploy to finish, or deploy it again.")
            .arg(current->number)
            .arg(function->name);
    return {};
}

void InvokePanel::showAvailability()
{
    // Every refresh decides again: a line saying the function cannot be called is taken back as
    // soon as it can, so it never contradicts the header above.
    const QString problem = availabilityProblem();
    if (!problem.isEmpty())
        setStatus(problem, Status::Unavailable);
    else if (m_status == Status::Unavailable)
        setStatus(tr("Send a request to see the answer."), Status::Prompt);
}

void InvokePanel::setStatus(const QString &text, Status status)
{
    m_statusLabel->setText(text);
    m_status = status;
}

void InvokePanel::applyEvent(const SampleEvent &event)
{
    m_eventCombo->setCurrentText(event.name);
    m_methodCombo->setCurrentText(event.method);
    m_pathEdit->setText(event.path);
    QStringList lines;
    for (const auto &[name, value] : event.headers)
        lines << name + u": "_s + value;
    m_headersEdit->setPlainText(lines.join(u'\n'));
    m_bodyEdit->setPlainText(event.body);
}

SampleEvent InvokePanel::currentEvent(const QString &name) const
{
    SampleEvent event;
    event.name = name;
    event.method = m_methodCombo->currentText();
    event.path = m_pathEdit->text().trimmed();
    const QStringList lines = m_headersEdit->toPlainText().split(u'\n', Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        const qsizetype colon = line.indexOf(u':');
        if (colon > 0)
            event.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    event.body = m_bodyEdit->toPlainText();
    return event;
}

void InvokePanel::invoke()
{
    if (!m_invokeButton->isEnabled())
        return;
    const SampleEvent event = currentEvent();
    InvokeRequest request;
    request.method = event.method;
    request.path = event.path;
    request.headers = event.headers;
    request.body = event.body.toUtf8();
    const QString nodeId = m_nodeCombo->currentData().toString();
    m_invokeButton->setEnabled(false);
    if (m_asyncCheck->isChecked())
        return invokeAsync(nodeId, request);
    setStatus(tr("Calling…"), Status::Answer);
    m_services.invoker->invoke(m_functionId,
        nodeId,
        m_versionCombo->currentData().toInt(),
        request,
        this,
        [this](Result<InvokeResult> result) {
            m_invokeButton->setEnabled(true);
            if (!result)
                return showProblem(result.error().message);
            m_history->add(*result);
            m_historyView->selectRow(0);
            m_historyView->resizeColumnsToContents();
            showResult(*result);
            Q_EMIT invoked(*result, {});
            Q_EMIT requestSelected(result->requestId);
        });
}

void InvokePanel::showProblem(const QString &problem)
{
    setStatus(u"<span style='color:#d13a3a'>%1</span>"_s.arg(problem.toHtmlEscaped()), Status::Answer);
    m_responseBody->clear();
    m_responseHeaders->clear();
    Q_EMIT invoked({}, problem);
}

void InvokePanel::setPollInterval(std::chrono::milliseconds interval)
{
    m_pollTimer->setInterval(interval);
}

void InvokePanel::invokeAsync(const QString &nodeId, const InvokeRequest &request)
{
    setStatus(tr("Queueing the call…"), Status::Answer);
    const quint64 generation = ++m_waiting.generation;
    const QDateTime at = QDateTime::currentDateTimeUtc();
    auto sent = std::make_shared<QElapsedTimer>();
    sent->start();
    m_services.invoker->invokeAsync(m_functionId,
        nodeId,
        m_versionCombo->currentData().toInt(),
        request,
        this,
        [this, nodeId, generation, at, sent](Result<QString> queued) {
            if (generation != m_waiting.generation)
                return;
            if (!queued) {
                m_invokeButton->setEnabled(true);
                const Error &error = queued.error();
                if (error.code == u"agent.queue_full"_s)
                    return showProblem(tr("Not queued: the function's queue is full (429). %1").arg(error.message));
                if (error.code == u"agent.queue_storage"_s)
                    return showProblem(
                        tr("Not queued: the node could not store the call (507). %1").arg(error.message));
                return showProblem(tr("Not queued: %1").arg(error.message));
            }
            m_waiting.nodeId = nodeId;
            m_waiting.requestId = *queued;
            m_waiting.at = at;
            m_waiting.sent = *sent;
            m_waiting.active = true;
            m_stopWaitingButton->show();
            m_responseBody->clear();
            m_responseHeaders->clear();
            setStatus(tr("Queued as %1; waiting for its result…").arg(queued->toHtmlEscaped()), Status::Answer);
            m_pollTimer->start();
        });
}

void InvokePanel::pollAsyncCall()
{
    if (!m_waiting.active)
        return;
    const quint64 generation = m_waiting.generation;
    const QString requestId = m_waiting.requestId;
    m_services.invoker->fetchAsyncCall(
        m_waiting.nodeId, requestId, this, [this, generation, requestId](Result<AsyncCallState> call) {
            if (generation != m_waiting.generation || !m_waiting.active)
                return;
            if (call)
                return asyncCallAnswered(*call);
            endWaiting();
            if (call.error().code == u"agent.result_not_found"_s)
                return showProblem(tr("The node no longer knows call %1: its result expired, or the call went with "
                                      "its deleted function.")
                                       .arg(requestId));
            showProblem(tr("Stopped waiting for call %1: %2 The call may still run on the node.")
                            .arg(requestId, call.error().message));
        });
}

void InvokePanel::asyncCallAnswered(const AsyncCallState &call)
{
    if (!call.ended()) {
        setStatus(tr("Queued as %1: %2, attempt %3…")
                      .arg(m_waiting.requestId.toHtmlEscaped(), call.status.toHtmlEscaped())
                      .arg(std::max(call.attempts, 1)),
            Status::Answer);
        return m_pollTimer->start();
    }
    InvokeResult result;
    result.nodeId = m_waiting.nodeId;
    result.requestId = m_waiting.requestId;
    result.status = call.resultStatus;
    result.reason = call.status == QLatin1StringView(protocol::asynccall::statusDead)
        ? tr("dead letter after %n attempt(s)", nullptr, call.attempts)
        : tr("%1 after %n attempt(s)", nullptr, call.attempts).arg(call.status);
    if (!call.contentType.isEmpty())
        result.headers.append({u"Content-Type"_s, call.contentType});
    if (!call.resultError.isEmpty())
        result.headers.append({u"X-Rune-Error"_s, call.resultError});
    result.body = call.body;
    result.latencyMs = m_waiting.sent.elapsed();
    result.at = m_waiting.at;
    result.asynchronous = true;
    endWaiting();
    m_history->add(result);
    m_historyView->selectRow(0);
    m_historyView->resizeColumnsToContents();
    showResult(result);
    Q_EMIT invoked(result, {});
    Q_EMIT requestSelected(result.requestId);
}

void InvokePanel::stopWaiting()
{
    if (!m_waiting.active)
        return;
    const QString requestId = m_waiting.requestId;
    endWaiting();
    setStatus(tr("Stopped waiting for call %1; it still runs on the node, and GET /v1/results/%1 tells its outcome.")
                  .arg(requestId.toHtmlEscaped()),
        Status::Answer);
}

void InvokePanel::endWaiting()
{
    ++m_waiting.generation;
    m_waiting.active = false;
    m_pollTimer->stop();
    m_stopWaitingButton->hide();
    refreshTargets();
}

void InvokePanel::showResult(const InvokeResult &result)
{
    QString status = u"<b style='color:%1'>%2 %3</b> · %4"_s.arg(httpStatusColor(result.status).name())
                         .arg(result.status)
                         .arg(result.reason.toHtmlEscaped(), tr("%1 ms").arg(result.latencyMs));
    if (result.asynchronous)
        status +=
            u" · "_s + tr("asynchronous, on %1").arg(nodeNameOrId(m_services.nodes, result.nodeId).toHtmlEscaped());
    else
        status += u" · "_s
            + tr("agent v%1 on %2")
                  .arg(result.agentVersion)
                  .arg(nodeNameOrId(m_services.nodes, result.nodeId).toHtmlEscaped());
    if (result.coldStart)
        status += u" · "_s + tr("cold start");
    status += u"<br><small>"_s + tr("request %1").arg(result.requestId.toHtmlEscaped()) + u"</small>"_s;
    setStatus(status, Status::Answer);
    m_responseBody->setPlainText(prettyBody(result.body));
    QStringList headers;
    for (const auto &[name, value] : result.headers)
        headers << name + u": "_s + value;
    m_responseHeaders->setPlainText(headers.join(u'\n'));
}

void InvokePanel::saveEvent()
{
    const QString name = m_eventCombo->currentText().trimmed();
    if (name.isEmpty() || m_functionId.isEmpty()) {
        setStatus(tr("Type a name for the sample event first."), Status::Answer);
        return;
    }
    const SampleEvent event = currentEvent(name);
    const auto existing = std::find_if(m_events.begin(), m_events.end(), [&name](const SampleEvent &e) {
        return e.name == name;
    });
    if (existing != m_events.end()) {
        *existing = event;
    } else {
        m_events.append(event);
        m_eventCombo->addItem(name);
    }
    m_eventCombo->setCurrentText(name);
    storeEvents();
}

void InvokePanel::deleteEvent()
{
    const int index = m_eventCombo->findText(m_eventCombo->currentText());
    if (index < 0 || index >= m_events.size())
        return;
    m_events.removeAt(index);
    m_eventCombo->removeItem(index);
    storeEvents();
}

void InvokePanel::storeEvents()
{
    m_services.workspace->saveEvents(m_functionId, m_events, this, [this](Result<void> saved) {
        if (!saved)
            setStatus(saved.error().message.toHtmlEscaped(), Status::Answer);
    });
}

InvocationTableModel *InvokePanel::history() const
{
    return m_history;
}

QTableView *InvokePanel::historyView() const
{
    return m_historyView;
}

QList<SampleEvent> InvokePanel::events() const
{
    return m_events;
}

} // namespace rune::views
