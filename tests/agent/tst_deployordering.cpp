// SPDX-License-Identifier: GPL-3.0-or-later
// Operations on one function (deploy, delete, block) are applied in the order they arrive, each
// complete in memory and on disk before the next: the answer every request gets describes the
// state the agent is left in, and a restart shows the same state.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTest>
#include <algorithm>
#include <future>
#include <mutex>
#include <random>

using namespace rune::test;
using json = nlohmann::json;

class TestDeployOrdering final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deleteRightAfterAFirstDeploy();
    void deleteRightAfterARedeploy();
    void blockRightAfterADeploy();
    void stormOfDeploysAndDeletes();
};

namespace
{

const QByteArray functionsPath = "/v1/functions/";

// Large enough that unpacking it takes a moment, so the next request arrives mid-deploy.
QByteArray slowArchive(const QString &tag)
{
    QJsonObject padding = file(QStringLiteral("padding.bin"), {});
    padding.insert(QStringLiteral("size"), 24 * 1024 * 1024);
    return makeArchive(QJsonArray {
        file(QStringLiteral("handler.py"), QStringLiteral("def handle(e, c):\n    return '%1'\n").arg(tag)), padding});
}

QByteArray rawRequest(
    const QByteArray &method, const QByteArray &path, const QString &token, const QByteArray &body = {})
{
    QByteArray raw = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token.toUtf8()
        + "\r\nContent-Type: application/gzip\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
    return raw + body;
}

bool onDisk(TestAgent &agent, const QString &name)
{
    return QDir(agent.stateDir() + QStringLiteral("/functions/") + name).exists();
}

bool unpacking(TestAgent &agent, const QString &name)
{
    const QDir dir(agent.stateDir() + QStringLiteral("/functions/") + name);
    return !dir.entryList({QStringLiteral(".staging-*")}, QDir::Dirs | QDir::Hidden).isEmpty();
}

// Sends a PUT, then a second request on another connection once the agent unpacks the PUT's
// archive (or, on a machine fast enough to miss that, once the PUT is answered): the second
// request always arrives after the PUT, as its checks assume, however loaded the machine.
std::pair<HttpReply, HttpReply> putThen(
    TestAgent &agent, const QString &name, const QByteArray &archive, const QByteArray &method, const QByteArray &path)
{
    HttpConnection put(agent.port());
    HttpConnection second(agent.port());
    put.socket().write(rawRequest("PUT", functionsPath + name.toUtf8(), agent.token(), archive));
    put.socket().flush();
    QElapsedTimer waited;
    waited.start();
    while (!unpacking(agent, name) && put.socket().bytesAvailable() == 0 && waited.elapsed() < 30000)
        put.socket().waitForReadyRead(1);
    second.socket().write(rawRequest(method, path, agent.token()));
    second.socket().flush();
    const HttpReply putReply = put.readReply(30000);
    const HttpReply secondReply = second.readReply(30000);
    return {putReply, secondReply};
}

void restart(TestAgent &agent)
{
    QVERIFY(agent.stop());
    agent.start();
    QVERIFY(agent.waitForPort() != 0);
}

} // namespace

void TestDeployOrdering::deleteRightAfterAFirstDeploy()
{
    TestAgent agent({}, QStringLiteral("t"));
    QVERIFY(agent.waitForPort());
    const auto [put, removed] =
        putThen(agent, QStringLiteral("quick"), slowArchive(QStringLiteral("one")), "DELETE", functionsPath + "quick");
    QCOMPARE(put.status, 201);
    QCOMPARE(removed.status, 200); // it arrived after the PUT, so there was something to delete
    QCOMPARE(controlGet(agent, functionsPath + "quick").status, 404);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/quick").status, 404);
    QVERIFY(!onDisk(agent, QStringLiteral("quick")));
    restart(agent);
    QCOMPARE(controlGet(agent, functionsPath + "quick").status, 404);
}

void TestDeployOrdering::deleteRightAfterARedeploy()
{
    TestAgent agent({}, QStringLiteral("t"));
    QVERIFY(agent.waitForPort());
    QCOMPARE(
        deployFunction(agent.port(), agent.token(), QStringLiteral("again"), slowArchive(QStringLiteral("one"))).status,
        201);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/again").body, QByteArray("one"));
    const auto [put, removed] =
        putThen(agent, QStringLiteral("again"), slowArchive(QStringLiteral("two")), "DELETE", functionsPath + "again");
    QCOMPARE(put.status, 201);
    QCOMPARE(jsonOf(put)["version"].get<int>(), 2);
    QCOMPARE(removed.status, 200);
    QCOMPARE(controlGet(agent, functionsPath + "again").status, 404);
    QVERIFY(jsonOf(controlGet(agent, "/v1/functions"))["functions"].empty());
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/again").status, 404);
    QVERIFY(!onDisk(agent, QStringLiteral("again")));
    restart(agent);
    QCOMPARE(controlGet(agent, functionsPath + "again").status, 404);
}

void TestDeployOrdering::blockRightAfterADeploy()
{
    TestAgent agent({}, QStringLiteral("t"));
    QVERIFY(agent.waitForPort());
    const auto [put, blocked] = putThen(
        agent, QStringLiteral("shut"), slowArchive(QStringLiteral("one")), "POST", functionsPath + "shut:block");
    QCOMPARE(put.status, 201);
    QCOMPARE(blocked.status, 200);
    QCOMPARE(textOf(jsonOf(blocked)["state"]), QStringLiteral("BLOCKED"));
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/shut").status, 423);
    restart(agent);
    QCOMPARE(textOf(jsonOf(controlGet(agent, functionsPath + "shut"))["state"]), QStringLiteral("BLOCKED"));
}

void TestDeployOrdering::stormOfDeploysAndDeletes()
{
    TestAgent agent({}, QStringLiteral("t"));
    QVERIFY(agent.waitForPort());
    const QByteArray archive =
        archiveWith(QStringLiteral("handler.py"), QStringLiteral("def handle(e, c):\n    return 'storm'\n"));
    struct Answer {
        qint64 sentNs;
        qint64 receivedNs;
        bool put;
        int status;
        json body;
    };
    std::mutex mutex;
    std::vector<Answer> answers;
    QElapsedTimer clock;
    clock.start();
    const auto client = [&](unsigned seed) {
        std::mt19937 random(seed);
        for (int op = 0; op < 12; ++op) {
            const bool put = random() % 2 == 0;
            HttpConnection connection(agent.port());
            const qint64 sentNs = clock.nsecsElapsed();
            const HttpReply reply = connection.sendRaw(
                rawRequest(
                    put ? "PUT" : "DELETE", functionsPath + "stormy", agent.token(), put ? archive : QByteArray()),
                30000);
            const std::lock_guard lock(mutex);
            answers.push_back({sentNs, clock.nsecsElapsed(), put, reply.status, jsonOf(reply)});
        }
    };
    std::vector<std::future<void>> clients;
    for (unsigned seed = 1; seed <= 4; ++seed)
        clients.push_back(std::async(std::launch::async, client, seed));
    for (auto &running : clients)
        running.wait();

    QCOMPARE(answers.size(), std::size_t(48));
    for (const Answer &answer : answers) {
        if (answer.put) {
            // Every deploy is answered with the function it deployed, never 404 or 500.
            QCOMPARE(answer.status, 201);
            QCOMPARE(textOf(answer.body["name"]), QStringLiteral("stormy"));
        } else {
            QVERIFY2(answer.status == 200 || answer.status == 404, answer.body.dump().c_str());
        }
    }
    // The agent applied some operation last. Seen from the clients, that can be any operation
    // answered after every other one was sent (a client may note its answer late): the state must
    // be the outcome of one of those.
    std::vector<const Answer *> couldBeLast;
    for (const Answer &candidate : answers) {
        const bool answeredAfterAllSent = std::all_of(answers.begin(), answers.end(), [&](const Answer &other) {
            return &other == &candidate || candidate.receivedNs >= other.sentNs;
        });
        if (answeredAfterAllSent)
            couldBeLast.push_back(&candidate);
    }
    QVERIFY(!couldBeLast.empty());
    const auto verifyState = [&] {
        const auto now = controlGet(agent, functionsPath + "stormy");
        if (now.status == 200) {
            const bool deployedLast = std::any_of(couldBeLast.begin(), couldBeLast.end(), [&](const Answer *a) {
                return a->put && a->body["version"] == jsonOf(now)["version"];
            });
            QVERIFY2(deployedLast, now.body.constData());
            QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/stormy").body, QByteArray("storm"));
            QVERIFY(onDisk(agent, QStringLiteral("stormy")));
        } else {
            QCOMPARE(now.status, 404);
            QVERIFY(std::any_of(couldBeLast.begin(), couldBeLast.end(), [](const Answer *a) {
                return !a->put;
            }));
            QVERIFY(!onDisk(agent, QStringLiteral("stormy")));
        }
    };
    verifyState();
    restart(agent);
    verifyState();
}

RUNE_TEST_GUILESS_MAIN(TestDeployOrdering)
#include "tst_deployordering.moc"
