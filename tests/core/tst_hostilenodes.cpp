// SPDX-License-Identifier: GPL-3.0-or-later
// The console's monitoring core against nodes that answer what no agent would (garbage, 100 MB,
// a byte at a time, broken JSON and HTTP; served by tests/core/hostilenodes.py, since a real
// agent cannot produce these faults) beside a real agent: the event loop keeps turning, memory
// stays bounded, each hostile node shows what is wrong with it, and the real one stays Running.
#include "../common/remoteaccess.h"
#include "../common/testagent.h"
#include "../common/testmain.h"
#include "agent/agentclient.h"
#include "agent/functionagentclient.h"
#include "cluster/nodemonitor.h"
#include "functions/functionlog.h"
#include "metrics/fleetmetrics.h"

#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace rune;

namespace
{

/** tests/core/hostilenodes.py, one port per behaviour, stopped with the object. */
class HostileNodes
{
public:
    explicit HostileNodes(const QStringList &behaviours)
    {
        m_process.setProgram(u"python3"_s);
        m_process.setArguments(
            QStringList {QStringLiteral(RUNE_SOURCE_DIR "/tests/core/hostilenodes.py")} + behaviours);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 30000 && m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(500);
            while (m_process.canReadLine()) {
                const QStringList words = QString::fromUtf8(m_process.readLine()).trimmed().split(u' ');
                if (words.value(0) == u"ready"_s)
                    return;
                m_ports.insert(words.value(0), quint16(words.value(1).toUInt()));
            }
        }
    }

    ~HostileNodes()
    {
        m_process.closeWriteChannel(); // the server ends with its stdin
        if (!m_process.waitForFinished(3000)) {
            m_process.kill();
            m_process.waitForFinished(1000);
        }
    }

    quint16 port(const QString &behaviour) const
    {
        return m_ports.value(behaviour);
    }

    QUrl url(const QString &behaviour) const
    {
        return QUrl(u"http://127.0.0.1:%1"_s.arg(port(behaviour)));
    }

private:
    QProcess m_process;
    QHash<QString, quint16> m_ports;
};

/** Resident memory of this process in bytes (VmRSS). */
qint64 residentBytes()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return 0;
}

/** Watches the thread's event loop: the longest time between two turns of a 10 ms timer. */
class LoopWatch
{
public:
    LoopWatch()
    {
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] {
            m_longestGapMs = std::max(m_longestGapMs, m_clock.restart());
            ++m_turns;
            m_peakBytes = std::max(m_peakBytes, m_turns % 10 == 0 ? residentBytes() : 0);
        });
        m_clock.start();
        m_timer.start();
    }
    qint64 longestGapMs() const
    {
        return m_longestGapMs;
    }
    qint64 peakBytes() const
    {
        return m_peakBytes;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_longestGapMs = 0;
    qint64 m_turns = 0;
    qint64 m_peakBytes = 0;
};

Node localNode(const QString &id, quint16 port, const QString &token = {})
{
    Node node;
    node.id = id;
    node.name = id;
    node.agent = AgentEndpoint {port, token, true, 0};
    node.state = NodeState::Creating;
    return node;
}

// What each hostile node must show: the error code of its fault (either, where Qt may see the
// fault one way or the other).
const QList<std::pair<QString, QStringList>> expectedProblems {
    // Qt drops bytes that are not HTTP and reports the connection closed without an answer.
    {u"garbage"_s, {u"agent.no_answer"_s, u"agent.bad_response"_s}},
    {u"flood"_s, {u"agent.too_large"_s}},
    {u"endless"_s, {u"agent.too_large"_s}},
    {u"trickle"_s, {u"agent.timeout"_s}},
    {u"trickle-headers"_s, {u"agent.timeout"_s, u"agent.bad_response"_s}},
    {u"silent"_s, {u"agent.timeout"_s}},
    {u"truncated"_s, {u"agent.bad_response"_s}},
    {u"truncated-json"_s, {u"agent.bad_response"_s}},
    {u"wrong-shape"_s, {u"agent.bad_response"_s}},
    {u"deep"_s, {u"agent.bad_response"_s}},
    {u"bad-utf8"_s, {u"agent.bad_response"_s}},
    {u"bad-framing"_s, {u"agent.bad_response"_s}},
    {u"bad-chunks"_s, {u"agent.bad_response"_s}},
    // The console asks for answers uncompressed: a gzip body is only bytes that are not JSON.
    {u"gzip-bomb"_s, {u"agent.bad_response"_s}},
    {u"html"_s, {u"agent.bad_response"_s}},
};

QStringList hostileBehaviours()
{
    QStringList names;
    for (const auto &[name, codes] : expectedProblems)
        names << name;
    return names;
}

} // namespace

class TestHostileNodes final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void theMonitorOutlastsAFleetOfHostileNodes();
    void aLogStreamThatIsNotTheProtocolIsBrokenOffWithTheReason_data();
    void aLogStreamThatIsNotTheProtocolIsBrokenOffWithTheReason();
    void functionCallsToAHostileNodeFailInWords_data();
    void functionCallsToAHostileNodeFailInWords();

private:
    std::unique_ptr<HostileNodes> m_nodes;
};

void TestHostileNodes::initTestCase()
{
    m_nodes = std::make_unique<HostileNodes>(hostileBehaviours() << u"bad-lines"_s);
    for (const QString &name : hostileBehaviours())
        QVERIFY2(m_nodes->port(name) != 0, qPrintable(name));
}

void TestHostileNodes::theMonitorOutlastsAFleetOfHostileNodes()
{
    test::TestAgent agent({}, u"token"_s);
    QVERIFY(agent.waitForPort());
    NodeList nodes;
    FleetMetrics metrics;
    test::RemoteAccess remote(&nodes);
    NodeMonitor monitor(&nodes, &metrics, &remote.access);
    // Short limits keep the test short; the defaults are the same mechanism, only longer.
    monitor.setReplyLimits(ReplyLimits {8 * 1024 * 1024, 1500ms, 3s});
    monitor.setInterval(300ms);
    monitor.setUnreachableAfter(2);
    QStringList ids {u"real"_s};
    nodes.add(localNode(u"real"_s, agent.port(), agent.token()));
    for (const QString &name : hostileBehaviours()) {
        nodes.add(localNode(name, m_nodes->port(name)));
        ids << name;
    }
    monitor.setWatched(ids);
    bool realLeftRunning = false;
    connect(&nodes, &NodeList::nodeChanged, this, [&](qsizetype row) {
        const Node &node = nodes.at(row);
        if (node.id == u"real"_s && node.state != NodeState::Running && node.state != NodeState::Creating)
            realLeftRunning = true;
    });
    const qint64 before = residentBytes();
    LoopWatch loop;
    monitor.start();
    // Every hostile node is the focus in turn, so its functions and events are asked for too.
    QElapsedTimer elapsed;
    elapsed.start();
    for (int round = 0; elapsed.elapsed() < 12000; ++round) {
        monitor.setFocus(ids.at(round % ids.size()));
        QTest::qWait(400);
    }
    const Node *real = nodes.find(u"real"_s);
    QVERIFY2(real->state == NodeState::Running,
        qPrintable(metrics.problem(u"real"_s) ? metrics.problem(u"real"_s)->message : nodeStateName(real->state)));
    QVERIFY(!realLeftRunning);
    QVERIFY(metrics.latest(u"real"_s));
    QVERIFY(!metrics.problem(u"real"_s));
    for (const auto &[name, codes] : expectedProblems) {
        const Node *node = nodes.find(name);
        const Error *problem = metrics.problem(name);
        QVERIFY2(problem, qPrintable(name));
        QVERIFY2(codes.contains(problem->code), qPrintable(name + u": "_s + problem->code + u' ' + problem->message));
        QVERIFY2(!problem->message.isEmpty(), qPrintable(name));
        QVERIFY2(node->state == NodeState::Undefined, qPrintable(name + u": "_s + nodeStateName(node->state)));
        QVERIFY2(!metrics.latest(name), qPrintable(name));
        qInfo("%s: %s", qPrintable(name), qPrintable(problem->message));
    }
    qInfo("event loop: longest gap %lld ms; memory: %lld MiB before, peak %lld MiB",
        loop.longestGapMs(),
        before >> 20,
        loop.peakBytes() >> 20);
    // Not a speed figure (tests/bench/ measures those): a hung loop would show seconds here.
    QVERIFY2(loop.longestGapMs() < 1000, qPrintable(QString::number(loop.longestGapMs())));
    // A 100 MB body or a 256 MiB inflation held in memory would show here.
    QVERIFY2(loop.peakBytes() - before < 48 * 1024 * 1024,
        qPrintable(u"%1 MiB more"_s.arg((loop.peakBytes() - before) >> 20)));
}

void TestHostileNodes::aLogStreamThatIsNotTheProtocolIsBrokenOffWithTheReason_data()
{
    QTest::addColumn<QString>("behaviour");
    QTest::addColumn<QString>("reason");
    QTest::newRow("a line that is not a log line") << u"bad-lines"_s << u"not the agent's protocol"_s;
    QTest::newRow("a line without end") << u"flood"_s << u"longer than 256 KiB"_s;
    QTest::newRow("brackets without end") << u"endless"_s << u"longer than 256 KiB"_s;
    QTest::newRow("a byte at a time") << u"trickle"_s << u"no complete log line"_s;
    QTest::newRow("headers without end") << u"trickle-headers"_s << u"no complete log line"_s;
    QTest::newRow("silence") << u"silent"_s << u"no complete log line"_s;
    QTest::newRow("not HTTP") << u"garbage"_s << u"without an HTTP answer"_s;
}

void TestHostileNodes::aLogStreamThatIsNotTheProtocolIsBrokenOffWithTheReason()
{
    QFETCH(QString, behaviour);
    QFETCH(QString, reason);
    QNetworkAccessManager network;
    FunctionLogFollower follower(&network, AgentAddress {u"n"_s, m_nodes->url(behaviour), {}, {}}, u"f"_s);
    follower.setSilenceTimeout(1500ms);
    follower.setRetryInterval(200ms);
    QStringList problems;
    connect(&follower, &FunctionLogFollower::connectionChanged, this, [&problems](bool up, const QString &problem) {
        if (!up)
            problems << problem;
    });
    QList<FunctionLogLine> lines;
    connect(&follower, &FunctionLogFollower::linesArrived, this, [&lines](const QList<FunctionLogLine> &more) {
        lines << more;
    });
    LoopWatch loop;
    follower.start();
    // Broken off, and tried again after the retry interval: the follower does not give up.
    QTRY_VERIFY_WITH_TIMEOUT(problems.size() >= 2, 10000);
    QVERIFY2(problems.constFirst().contains(reason), qPrintable(problems.constFirst()));
    if (behaviour == u"bad-lines"_s) {
        QVERIFY(!lines.isEmpty()); // the good line before the bad one is kept
        QCOMPARE(lines.constFirst().text, u"fine"_s);
    }
    QVERIFY2(loop.longestGapMs() < 1000, qPrintable(QString::number(loop.longestGapMs())));
}

void TestHostileNodes::functionCallsToAHostileNodeFailInWords_data()
{
    QTest::addColumn<QString>("behaviour");
    QTest::addColumn<QString>("code");
    QTest::newRow("100 MB") << u"flood"_s << u"agent.too_large"_s;
    QTest::newRow("not HTTP") << u"garbage"_s << u"agent.no_answer"_s;
    QTest::newRow("wrong shape") << u"wrong-shape"_s << u"agent.bad_response"_s;
    QTest::newRow("10,000 deep") << u"deep"_s << u"agent.bad_response"_s;
    QTest::newRow("invalid UTF-8") << u"bad-utf8"_s << u"agent.bad_response"_s;
    QTest::newRow("gzip bomb") << u"gzip-bomb"_s << u"agent.bad_response"_s;
}

void TestHostileNodes::functionCallsToAHostileNodeFailInWords()
{
    QFETCH(QString, behaviour);
    QFETCH(QString, code);
    QNetworkAccessManager network;
    HttpFunctionAgentClient client(&network, AgentAddress {u"n"_s, m_nodes->url(behaviour), {}, {}});
    std::optional<Result<AgentFunctionStatus>> answer;
    QObject context;
    client.fetchFunction(u"f"_s, &context, [&answer](Result<AgentFunctionStatus> status) {
        answer = std::move(status);
    });
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 20000);
    QVERIFY(!answer->has_value());
    const Error error = answer->error();
    QVERIFY2(error.code == code, qPrintable(error.code + u": "_s + error.message));
    QVERIFY2(error.message.contains(u"the agent's protocol"_s) || error.message.contains(u"larger than"_s),
        qPrintable(error.message));
}

RUNE_TEST_GUILESS_MAIN(TestHostileNodes)
#include "tst_hostilenodes.moc"
