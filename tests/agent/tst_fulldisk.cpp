// SPDX-License-Identifier: GPL-3.0-or-later
// An agent restarted on a full disk comes up and serves what it has: it rewrites nothing it
// already holds at start, keeps function logs in memory while the file cannot grow, and answers
// a deploy that does not fit with the reason. Runs on a small tmpfs it mounts (root only).

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <sys/mount.h>
#include <unistd.h>

using namespace rune::test;
using json = nlohmann::json;

class TestFullDisk final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void agentStartsAndServesOnAFullDisk();
};

namespace
{

// Writes zeros into @p path until the file system refuses more; the bytes written.
qint64 fillUp(const QString &path)
{
    QFile filler(path);
    if (!filler.open(QIODevice::WriteOnly))
        return 0;
    const QByteArray block(64 * 1024, '\0');
    qint64 written = 0;
    for (;;) {
        const qint64 wrote = filler.write(block);
        if (wrote <= 0 || !filler.flush())
            break;
        written += wrote;
    }
    // The last partial block: the page cache may have taken less than a whole one.
    while (filler.write("x", 1) == 1 && filler.flush())
        ++written;
    return written;
}

} // namespace

void TestFullDisk::agentStartsAndServesOnAFullDisk()
{
    if (::geteuid() != 0)
        QSKIP("mounting a tmpfs needs root");
    QTemporaryDir mountPoint;
    QVERIFY(mountPoint.isValid());
    const QByteArray where = QFile::encodeName(mountPoint.path());
    if (::mount("tmpfs", where.constData(), "tmpfs", 0, "size=8m,mode=0755") != 0)
        QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs here: %1").arg(QString::fromLocal8Bit(strerror(errno)))));
    // Unmounted however the test ends; lazily, in case a worker still holds a file open.
    const auto unmount = qScopeGuard([&where] {
        ::umount2(where.constData(), MNT_DETACH);
    });
    const QString stateDir = mountPoint.path() + QStringLiteral("/state");
    TestAgent agent({QStringLiteral("--state-dir"), stateDir}, QStringLiteral("disk-token"));
    QVERIFY(agent.waitForPort() != 0);
    QCOMPARE(deployPython(agent,
                 QStringLiteral("survivor"),
                 QStringLiteral("def handle(event, context):\n"
                                "    print('still logging', flush=True)\n"
                                "    return 'alive'\n"))
                 .status,
        201);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/survivor").status, 200);
    QVERIFY(agent.stop());

    QVERIFY(fillUp(mountPoint.path() + QStringLiteral("/filler")) > 0);
    QFile probe(mountPoint.path() + QStringLiteral("/probe"));
    QVERIFY(probe.open(QIODevice::WriteOnly));
    QVERIFY(probe.write(QByteArray(8192, 'x')) < 8192 || !probe.flush()); // the disk is full indeed
    probe.close();

    agent.start();
    QVERIFY2(agent.waitForPort() != 0, "the agent did not start on a full disk");
    QCOMPARE(controlGet(agent, "/v1/health").status, 200);
    QCOMPARE(controlGet(agent, "/v1/functions/survivor").status, 200);
    const auto reply = callFunction(agent.invokePort(), "GET", "/function/survivor");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("alive"));
    // The log line could not go to the file, but it is kept in memory.
    QVERIFY(QTest::qWaitFor([&] {
        const json logs = jsonOf(controlGet(agent, "/v1/logs?request_id=" + reply.header("x-request-id")));
        return logs.is_object() && logs["lines"].size() == 1 && logs["lines"][0]["text"] == "still logging";
    }));
    // A deploy that does not fit is refused with the reason, and the agent goes on.
    QJsonObject big = file(QStringLiteral("big.bin"), {});
    big.insert(QStringLiteral("size"), 4 * 1024 * 1024);
    const auto deployed = deployFunction(agent.port(),
        agent.token(),
        QStringLiteral("toobig"),
        makeArchive(
            QJsonArray {file(QStringLiteral("handler.py"), QStringLiteral("def handle(e, c):\n    return 1\n")), big}));
    QVERIFY2(deployed.status >= 400, deployed.body.constData());
    QVERIFY2(errorMessageOf(deployed).contains(QStringLiteral("No space left on device")), deployed.body.constData());
    QCOMPARE(controlGet(agent, "/v1/functions/toobig").status, 404);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/survivor").status, 200);
    QVERIFY(agent.stop());
}

RUNE_TEST_GUILESS_MAIN(TestFullDisk)
#include "tst_fulldisk.moc"
