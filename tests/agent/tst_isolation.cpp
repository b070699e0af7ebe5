// SPDX-License-Identifier: GPL-3.0-or-later
// Functions are untrusted code: what one function can reach of another, of the agent and of the
// machine, tried from inside real functions on a real agent — as root, as its own user the way
// install.sh sets it up, and with the fallbacks forced by options.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <sys/stat.h>
#include <unistd.h>

using namespace rune::test;
using json = nlohmann::json;

class TestIsolation final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void infoNamesTheMechanisms();
    void replicasRunAsUsersOfTheirOwn();
    void functionsCannotReadEachOthersFiles();
    void scratchSpaceIsPrivate();
    void noSignalsOrTracingAcrossFunctions();
    void nobodyCanStopThePreStartedWorkers();
    void memoryLimitsTheWholeFunction_data();
    void memoryLimitsTheWholeFunction();
    void backgroundProcessesEndWithTheFunction();
    void backgroundProcessesEndAfterTheAgentWasKilled();
    void withoutCgroupsTheUserStillEndsEverything();
    void agentsOwnUserModeReapsOrphans();
    void unreachableStateDirectoryIsRefusedAtDeploy();
    void readableTokenFileIsAWarning();
    void installedAgentRunsAsItsOwnUser();
    void chrootedAgentKeepsFunctionsInsideItsRoot();
    void cleanupTestCase();

private:
    json probe(const json &request);
    json victim();

    std::unique_ptr<TestAgent> m_agent;
};

namespace
{

const QString victimSource =
    QStringLiteral("import os\n"
                   "def handle(event, context):\n"
                   "    open('/tmp/planted.py', 'w').write('X = 1\\n')\n"
                   "    try:\n"
                   "        open('/dev/shm/planted', 'w').write('x')\n"
                   "    except OSError:\n"
                   "        pass\n"
                   "    return {'pid': os.getpid(), 'uid': os.getuid(), 'gid': os.getgid(), 'cwd': os.getcwd(),\n"
                   "            'home': os.environ.get('HOME'), 'secret': os.environ.get('SECRET')}\n");

// Tries what it is asked to and says how each attempt went: "ok: ..." or the exception.
const QString probeSource = QStringLiteral(
    "import os, json, signal, sys\n"
    "def attempt(fn):\n"
    "    try:\n"
    "        return 'ok: ' + repr(fn())[:300]\n"
    "    except BaseException as e:\n"
    "        return '%s: %s' % (type(e).__name__, e)\n"
    "def standbys():\n"
    "    found = []\n"
    "    for name in os.listdir('/proc'):\n"
    "        try:\n"
    "            if name.isdigit() and int(name) != os.getpid() and \\\n"
    "                    b'--standby' in open('/proc/%s/cmdline' % name, 'rb').read():\n"
    "                found.append(int(name))\n"
    "        except OSError:\n"
    "            pass\n"
    "    return found\n"
    "def handle(event, context):\n"
    "    req = json.loads(event['body'])\n"
    "    out = {'uid': os.getuid(), 'gid': os.getgid(), 'groups': os.getgroups(), 'home': os.environ.get('HOME')}\n"
    "    for path in req.get('read', []):\n"
    "        out['read ' + path] = attempt(lambda: open(path, 'rb').read())\n"
    "    for path in req.get('list', []):\n"
    "        out['list ' + path] = attempt(lambda: sorted(os.listdir(path)))\n"
    "    for pid in req.get('signal', []):\n"
    "        out['signal %d' % pid] = attempt(lambda: os.kill(pid, 0))\n"
    "    if req.get('import'):\n"
    "        sys.path.insert(0, '/tmp')\n"
    "        out['import'] = attempt(lambda: __import__('planted').X)\n"
    "    if req.get('stop_standbys'):\n"
    "        pids = standbys()\n"
    "        out['standbys'] = len(pids)\n"
    "        out['stopped'] = [attempt(lambda: os.kill(pid, signal.SIGSTOP)) for pid in pids]\n"
    "    return out\n");

const QString memorySource =
    QStringLiteral("import os, subprocess\n"
                   "def handle(event, context):\n"
                   "    what = event['body']\n"
                   "    if what == 'children':\n"
                   "        kids = [subprocess.Popen(['/usr/bin/python3', '-c',\n"
                   "                 'import time; b = bytearray(100 << 20); time.sleep(2)']) for _ in range(6)]\n"
                   "        codes = [kid.wait() for kid in kids]\n"
                   "        return 'survived %d' % codes.count(0)\n"
                   "    written = 0\n"
                   "    try:\n"
                   "        if what == 'shm':\n"
                   "            with open('/dev/shm/big', 'wb') as f:\n"
                   "                for _ in range(1024):\n"
                   "                    f.write(b'x' * (1 << 20))\n"
                   "                    written += 1\n"
                   "        elif what == 'memfd':\n"
                   "            fd = os.memfd_create('big')\n"
                   "            for _ in range(512):\n"
                   "                os.write(fd, b'x' * (1 << 20))\n"
                   "                written += 1\n"
                   "    except OSError as error:\n"
                   "        return 'stopped after %d MiB: %s' % (written, error.strerror)\n"
                   "    return 'held %d MiB' % written\n");

// A child that leaves the function's session and process group and lives on its own.
QString daemonSource(const QString &marker)
{
    return QStringLiteral("import subprocess\n"
                          "def handle(event, context):\n"
                          "    subprocess.Popen(['/usr/bin/setsid', '/bin/sh', '-c', 'sleep %1 & sleep %1'],\n"
                          "                     start_new_session=True)\n"
                          "    return 'started'\n")
        .arg(marker);
}

bool sameFile(const QString &a, const QString &b)
{
    struct stat first {
    };
    struct stat second {
    };
    return ::stat(QFile::encodeName(a).constData(), &first) == 0
        && ::stat(QFile::encodeName(b).constData(), &second) == 0 && first.st_dev == second.st_dev
        && first.st_ino == second.st_ino;
}

/** The processes whose command line holds @p marker; only those chrooted in @p root if given. */
int processesWith(const QByteArray &marker, const QString &root = {})
{
    int count = 0;
    QDirIterator proc(QStringLiteral("/proc"), QDir::Dirs | QDir::NoDotAndDotDot);
    while (proc.hasNext()) {
        const QString dir = proc.next();
        bool numeric = false;
        QFileInfo(dir).fileName().toLongLong(&numeric);
        QFile cmdline(dir + QStringLiteral("/cmdline"));
        if (numeric && cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(marker)
            && (root.isEmpty() || sameFile(dir + QStringLiteral("/root"), root)))
            ++count;
    }
    return count;
}

bool startsWithOk(const json &value)
{
    return textOf(value).startsWith(QStringLiteral("ok"));
}

QString said(const json &value)
{
    return QString::fromStdString(value.dump());
}

// What an agent chrooted in a root of this machine's system needs of it: /usr and /etc, and in a
// sanitized build the reports' folder (written) and the suppressions (read) its options name.
QStringList hostFoldersForAChroot()
{
    QStringList folders {QStringLiteral("/usr"), QStringLiteral("/etc")};
    static const QRegularExpression named(QStringLiteral("(log_path|suppressions)=([^:]+)"));
    for (const char *options : {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"}) {
        auto matches = named.globalMatch(qEnvironmentVariable(options));
        while (matches.hasNext()) {
            const auto match = matches.next();
            const QString folder = QFileInfo(match.captured(2)).absolutePath();
            const QString bound =
                match.captured(1) == QStringLiteral("log_path") ? folder + QStringLiteral(":rw") : folder;
            if (QFileInfo(folder).isDir() && !folder.startsWith(QStringLiteral("/usr/")) && !folders.contains(bound))
                folders.append(bound);
        }
    }
    return folders;
}

} // namespace

void TestIsolation::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP("not root: users of their own and mount namespaces for functions take root (or the installed "
              "unit's capabilities)");
    m_agent = std::make_unique<TestAgent>(QStringList {}, QStringLiteral("isolation-token"));
    QVERIFY(m_agent->waitForPort() != 0);
    QCOMPARE(deployFunction(m_agent->port(),
                 m_agent->token(),
                 QStringLiteral("victim"),
                 makeArchive(QJsonArray {file(QStringLiteral("handler.py"), victimSource),
                     file(QStringLiteral("secret.txt"), QStringLiteral("victim's secret"))}),
                 {{QStringLiteral("runtime"), QStringLiteral("python3")},
                     {QStringLiteral("env"), QJsonObject {{QStringLiteral("SECRET"), QStringLiteral("victim-env")}}}})
                 .status,
        201);
    QCOMPARE(deployPython(*m_agent, QStringLiteral("probe"), probeSource).status, 201);
}

json TestIsolation::victim()
{
    const auto reply = callFunction(m_agent->invokePort(), "GET", "/function/victim");
    return reply.status == 200 ? jsonOf(reply) : json::object();
}

json TestIsolation::probe(const json &request)
{
    const auto reply =
        callFunction(m_agent->invokePort(), "POST", "/function/probe", QByteArray::fromStdString(request.dump()));
    if (reply.status != 200)
        qWarning() << "probe answered" << reply.status << reply.body;
    return reply.status == 200 ? jsonOf(reply) : json::object();
}

void TestIsolation::infoNamesTheMechanisms()
{
    const json info = jsonOf(controlGet(*m_agent, "/v1/info"));
    const json isolation = info.value("isolation", json());
    QCOMPARE(textOf(isolation["users"]), QStringLiteral("per-replica"));
    QCOMPARE(textOf(isolation["filesystem"]), QStringLiteral("private"));
    QVERIFY2(isolation["warnings"].is_array() && isolation["warnings"].empty(), qPrintable(said(isolation)));
    // This machine class has the cgroup v1 memory controller and a v2 hierarchy; others are pure v2.
    const bool v1Memory = QFileInfo::exists(QStringLiteral("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
    const bool v2 = QFileInfo::exists(QStringLiteral("/sys/fs/cgroup/cgroup.controllers"))
        || QFileInfo::exists(QStringLiteral("/sys/fs/cgroup/unified/cgroup.controllers"));
    if (v1Memory || v2)
        QVERIFY2(textOf(isolation["memory"]) != QStringLiteral("rlimit"), qPrintable(said(isolation)));
    if (v2)
        QCOMPARE(textOf(isolation["processes"]), QStringLiteral("cgroup2"));
}

void TestIsolation::replicasRunAsUsersOfTheirOwn()
{
    const json seen = victim();
    const json prober = probe(json::object());
    const QStringList range = textOf(jsonOf(controlGet(*m_agent, "/v1/info"))["isolation"]["uid_range"]).split(u'-');
    QCOMPARE(range.size(), 2);
    for (const json *function : {&seen, &prober}) {
        const qint64 uid = function->value("uid", -1);
        QVERIFY2(uid >= range[0].toLongLong() && uid <= range[1].toLongLong(), qPrintable(said(*function)));
        QCOMPARE(function->value("gid", -1), uid);
    }
    QVERIFY(seen["uid"] != prober["uid"]);
    QCOMPARE(prober["groups"].size(), std::size_t(0));
    QCOMPARE(textOf(seen["secret"]), QStringLiteral("victim-env"));
    QCOMPARE(textOf(seen["home"]), QStringLiteral("/tmp"));
}

void TestIsolation::functionsCannotReadEachOthersFiles()
{
    const json seen = victim();
    const std::string code = seen.value("cwd", std::string());
    QVERIFY(!code.empty());
    const std::string state = m_agent->stateDir().toStdString();
    const std::string config = state + "/functions/victim/v1/config.json";
    const std::string token = m_agent->tokenFilePath().toStdString();
    const json result = probe({{"read", {code + "/secret.txt", code + "/handler.py", config, token}},
        {"list", {state + "/functions", state, state + "/logs"}}});
    for (const auto &path : {code + "/secret.txt", code + "/handler.py", config, token})
        QVERIFY2(!startsWithOk(result["read " + path]), qPrintable(said(result)));
    // Its own namespace shows the probe nothing of the state directory but its own code and the workers' scripts.
    QCOMPARE(textOf(result["list " + state + "/functions"]), QStringLiteral("ok: ['probe']"));
    QCOMPARE(textOf(result["list " + state]), QStringLiteral("ok: ['functions', 'runtimes']"));
    QVERIFY2(!startsWithOk(result["list " + state + "/logs"]), qPrintable(said(result)));
}

void TestIsolation::scratchSpaceIsPrivate()
{
    QVERIFY(!victim().empty()); // plants /tmp/planted.py and /dev/shm/planted in its own namespace
    const json result = probe({{"list", {"/tmp", "/dev/shm"}}, {"import", true}});
    QVERIFY2(!textOf(result["list /tmp"]).contains(QStringLiteral("planted")), qPrintable(said(result)));
    QVERIFY2(!textOf(result["list /dev/shm"]).contains(QStringLiteral("planted")), qPrintable(said(result)));
    QVERIFY2(textOf(result["import"]).startsWith(QStringLiteral("ModuleNotFoundError")), qPrintable(said(result)));
    QCOMPARE(textOf(result["home"]), QStringLiteral("/tmp"));
    // Nor is the machine's /tmp the functions' /tmp: what the victim wrote is not here either.
    QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/planted.py")));
}

void TestIsolation::noSignalsOrTracingAcrossFunctions()
{
    const json seen = victim();
    const int pid = seen.value("pid", 0);
    QVERIFY(pid > 0);
    const std::string proc = "/proc/" + std::to_string(pid);
    const json result = probe({{"signal", {pid, int(m_agent->process().processId())}},
        {"read", {proc + "/environ", proc + "/mem", proc + "/root/secret.txt"}}});
    QVERIFY2(textOf(result["signal " + std::to_string(pid)]).startsWith(QStringLiteral("PermissionError")),
        qPrintable(said(result)));
    QVERIFY2(textOf(result["signal " + std::to_string(m_agent->process().processId())])
                 .startsWith(QStringLiteral("PermissionError")),
        qPrintable(said(result)));
    for (const auto &path : {proc + "/environ", proc + "/mem", proc + "/root/secret.txt"})
        QVERIFY2(!startsWithOk(result["read " + path]), qPrintable(said(result)));
}

void TestIsolation::nobodyCanStopThePreStartedWorkers()
{
    // The probe runs python3 at 128 MiB: once it ran, a standby of that kind is kept waiting.
    QVERIFY(!probe(json::object()).empty());
    QTRY_VERIFY_WITH_TIMEOUT(processesWith("--standby") > 0, 10000);
    const json result = probe({{"stop_standbys", true}});
    QVERIFY2(result.value("standbys", 0) > 0, qPrintable(said(result)));
    for (const auto &attempt : result["stopped"])
        QVERIFY2(textOf(attempt).startsWith(QStringLiteral("PermissionError")), qPrintable(said(result)));
    // A new function takes a waiting worker and answers.
    QCOMPARE(deployPython(*m_agent, QStringLiteral("newcomer"), QStringLiteral("def handle(e, c):\n    return 'hi'\n"))
                 .status,
        201);
    const auto reply = callFunction(m_agent->invokePort(), "GET", "/function/newcomer");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("hi"));
}

void TestIsolation::memoryLimitsTheWholeFunction_data()
{
    QTest::addColumn<QByteArray>("what");
    QTest::newRow("six children of 100 MiB") << QByteArray("children");
    QTest::newRow("1 GiB in /dev/shm") << QByteArray("shm");
    QTest::newRow("512 MiB in a memfd") << QByteArray("memfd");
}

void TestIsolation::memoryLimitsTheWholeFunction()
{
    QFETCH(QByteArray, what);
    QCOMPARE(
        deployPython(*m_agent, QStringLiteral("hog"), memorySource, {{QStringLiteral("memory_mib"), 128}}).status, 201);
    const auto reply = callFunction(m_agent->invokePort(), "POST", "/function/hog", what, {}, 60000);
    // Either the function is stopped as a whole (out of memory) or what it tried failed inside
    // it; never does it hold more than its 128 MiB.
    if (reply.status == 502) {
        QCOMPARE(errorCodeOf(reply), QStringLiteral("out_of_memory"));
        return;
    }
    QCOMPARE(reply.status, 200);
    if (what == "children") {
        QVERIFY2(reply.body == "survived 0" || reply.body == "survived 1", reply.body.constData());
    } else {
        QVERIFY2(reply.body.startsWith("stopped after"), reply.body.constData());
        QVERIFY2(reply.body.split(' ').at(2).toInt() <= 128, reply.body.constData());
    }
}

void TestIsolation::backgroundProcessesEndWithTheFunction()
{
    const QString marker = QStringLiteral("1000.5151");
    QCOMPARE(deployPython(*m_agent, QStringLiteral("daemon"), daemonSource(marker)).status, 201);
    QCOMPARE(callFunction(m_agent->invokePort(), "GET", "/function/daemon").body, QByteArray("started"));
    QTRY_VERIFY_WITH_TIMEOUT(processesWith(marker.toUtf8()) >= 2, 20000); // the shell and its two sleeps
    QCOMPARE(httpRequest(m_agent->port(), "DELETE", "/v1/functions/daemon", m_agent->token()).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(processesWith(marker.toUtf8()), 0, 20000);
}

void TestIsolation::backgroundProcessesEndAfterTheAgentWasKilled()
{
    const QString marker = QStringLiteral("1000.5252");
    TestAgent agent;
    QVERIFY(agent.waitForPort() != 0);
    QCOMPARE(deployPython(agent, QStringLiteral("daemon"), daemonSource(marker)).status, 201);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/daemon").body, QByteArray("started"));
    // Both sleeps are running (by their own command line): the shell forks no more, so the count
    // taken next cannot include a fork of the shell that is about to become a sleep.
    QTRY_COMPARE_WITH_TIMEOUT(processesWith(QByteArray("sleep") + '\0' + marker.toUtf8()), 2, 20000);
    const int running = processesWith(marker.toUtf8());
    agent.killHard();
    QThread::msleep(300);
    QCOMPARE(processesWith(marker.toUtf8()), running); // out of the agent's reach while it is gone
    agent.start();
    QVERIFY(agent.waitForPort() != 0);
    QTRY_COMPARE_WITH_TIMEOUT(processesWith(marker.toUtf8()), 0, 20000);
}

namespace
{

// An agent started with a config file of @p settings ("key = value" lines) beside its own files.
std::unique_ptr<TestAgent> agentWith(QTemporaryDir &dir, const QByteArray &settings)
{
    QFile config(dir.filePath(QStringLiteral("agent.conf")));
    if (!config.open(QIODevice::WriteOnly) || config.write(settings) != settings.size())
        return nullptr;
    config.close();
    return std::make_unique<TestAgent>(QStringList {QStringLiteral("--config"), config.fileName()});
}

void expectDaemonEndsOnDelete(TestAgent &agent, const QString &marker)
{
    QCOMPARE(deployPython(agent, QStringLiteral("daemon"), daemonSource(marker)).status, 201);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/daemon").body, QByteArray("started"));
    QCOMPARE(httpRequest(agent.port(), "DELETE", "/v1/functions/daemon", agent.token()).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(processesWith(marker.toUtf8()), 0, 20000);
}

bool anyContains(const json &list, const QString &text)
{
    for (const auto &item : list) {
        if (textOf(item).contains(text))
            return true;
    }
    return false;
}

} // namespace

void TestIsolation::withoutCgroupsTheUserStillEndsEverything()
{
    QTemporaryDir dir;
    const auto agent = agentWith(dir, "cgroups = off\n");
    QVERIFY(agent && agent->waitForPort() != 0);
    const json isolation = jsonOf(controlGet(*agent, "/v1/info"))["isolation"];
    QCOMPARE(textOf(isolation["users"]), QStringLiteral("per-replica"));
    QCOMPARE(textOf(isolation["memory"]), QStringLiteral("rlimit"));
    QCOMPARE(textOf(isolation["processes"]), QStringLiteral("subreaper"));
    QVERIFY2(anyContains(isolation["warnings"], QStringLiteral("RLIMIT_AS")), qPrintable(said(isolation)));
    // The replica's own uid finds what left its session.
    expectDaemonEndsOnDelete(*agent, QStringLiteral("1000.5353"));
    // /dev/shm is still the function's own, and no larger than its memory.
    QCOMPARE(
        deployPython(*agent, QStringLiteral("hog"), memorySource, {{QStringLiteral("memory_mib"), 128}}).status, 201);
    const auto reply = callFunction(agent->invokePort(), "POST", "/function/hog", "shm", {}, 60000);
    QCOMPARE(reply.status, 200);
    QVERIFY2(reply.body.startsWith("stopped after"), reply.body.constData());
    QVERIFY2(reply.body.split(' ').at(2).toInt() <= 128, reply.body.constData());
}

void TestIsolation::agentsOwnUserModeReapsOrphans()
{
    QTemporaryDir dir;
    const auto agent = agentWith(dir, "cgroups = off\nrun_as = agent\n");
    QVERIFY(agent && agent->waitForPort() != 0);
    const json isolation = jsonOf(controlGet(*agent, "/v1/info"))["isolation"];
    QCOMPARE(textOf(isolation["users"]), QStringLiteral("agent"));
    QCOMPARE(textOf(isolation["processes"]), QStringLiteral("subreaper"));
    QVERIFY2(anyContains(isolation["warnings"], QStringLiteral("agent's own user")), qPrintable(said(isolation)));
    QVERIFY2(anyContains(isolation["warnings"], QStringLiteral("outlive")), qPrintable(said(isolation)));
    // Nothing but the subreaper knows where the daemon came from: it ends it as an orphan.
    expectDaemonEndsOnDelete(*agent, QStringLiteral("1000.5454"));
}

void TestIsolation::unreachableStateDirectoryIsRefusedAtDeploy()
{
    TestAgent agent;
    QVERIFY(agent.waitForPort() != 0);
    QVERIFY(
        QFile::setPermissions(agent.dir(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    const auto refused =
        deployPython(agent, QStringLiteral("shut-out"), QStringLiteral("def handle(e, c):\n    return 1\n"));
    QCOMPARE(refused.status, 500);
    QVERIFY2(errorMessageOf(refused).contains(QStringLiteral("cannot be entered by the functions' users")),
        qPrintable(errorMessageOf(refused)));
    QVERIFY(QFile::setPermissions(agent.dir(),
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadOther
            | QFileDevice::ExeOther));
    QCOMPARE(
        deployPython(agent, QStringLiteral("let-in"), QStringLiteral("def handle(e, c):\n    return 1\n")).status, 201);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/let-in").status, 200);
}

void TestIsolation::readableTokenFileIsAWarning()
{
    TestAgent agent({}, QStringLiteral("open-token"));
    QVERIFY(agent.waitForPort() != 0);
    QVERIFY(jsonOf(controlGet(agent, "/v1/info"))["isolation"]["warnings"].empty());
    QVERIFY(agent.stop());
    QVERIFY(QFile::setPermissions(
        agent.tokenFilePath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther));
    agent.start();
    QVERIFY(agent.waitForPort() != 0);
    const json warnings = jsonOf(controlGet(agent, "/v1/info"))["isolation"]["warnings"];
    QVERIFY2(anyContains(warnings, agent.tokenFilePath()), qPrintable(said(warnings)));
}

void TestIsolation::installedAgentRunsAsItsOwnUser()
{
    // The layout install.sh makes where there is no systemd: the agent as its own system user,
    // started by the supervisor with the capabilities it keeps, in cgroups made for it.
    QTemporaryDir bundle;
    // Not below /tmp, which every function has a private one of: the token file must be there
    // to be seen, and refused by its mode alone.
    QTemporaryDir root(QStringLiteral("/var/tmp/rune-installed-XXXXXX"));
    QVERIFY(QFile::setPermissions(root.path(),
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadOther
            | QFileDevice::ExeOther));
    const QString nodeDir = QStringLiteral(RUNE_SOURCE_DIR "/installers/node/");
    for (const QString &name : {QStringLiteral("install.sh"),
             QStringLiteral("uninstall.sh"),
             QStringLiteral("rune-agentctl"),
             QStringLiteral("rune-agent-supervise"),
             QStringLiteral("rune-agent.service")})
        QVERIFY(QFile::copy(nodeDir + name, bundle.filePath(name)));
    QVERIFY(QFile::copy(QStringLiteral(RUNE_AGENT_BINARY), bundle.filePath(QStringLiteral("rune-agent"))));
    const QByteArray token = "installed-token";
    QFile tokenFile(bundle.filePath(QStringLiteral("token")));
    QVERIFY(tokenFile.open(QIODevice::WriteOnly) && tokenFile.write(token) == token.size());
    tokenFile.close();
    const QString user = QStringLiteral("rune-iso-%1").arg(::getpid());
    const quint16 port = closedPort();
    const quint16 invokePort = closedPort();
    const QString uninstall = root.filePath(QStringLiteral("usr/local/sbin/rune-agent-uninstall"));
    const auto cleanUp = qScopeGuard([&] {
        QProcess::execute(QStringLiteral("/bin/sh"),
            {uninstall, QStringLiteral("--root"), root.path(), QStringLiteral("--user"), user});
        for (int attempt = 0; attempt < 50; ++attempt) {
            QProcess::execute(QStringLiteral("pkill"), {QStringLiteral("-KILL"), QStringLiteral("-u"), user});
            if (QProcess::execute(QStringLiteral("userdel"), {user}) == 0)
                return;
            QThread::msleep(100);
        }
        qWarning("could not remove the test user %s", qPrintable(user));
    });
    QProcess install;
    install.setProcessChannelMode(QProcess::MergedChannels);
    install.start(QStringLiteral("/bin/sh"),
        {bundle.filePath(QStringLiteral("install.sh")),
            QStringLiteral("--root"),
            root.path(),
            QStringLiteral("--user"),
            user,
            QStringLiteral("--init"),
            QStringLiteral("supervisor"),
            QStringLiteral("--listen"),
            QStringLiteral("127.0.0.1:%1").arg(port),
            QStringLiteral("--invoke-listen"),
            QStringLiteral("127.0.0.1:%1").arg(invokePort),
            QStringLiteral("--start")});
    QVERIFY(install.waitForFinished(60000));
    QVERIFY2(install.exitCode() == 0, install.readAll().constData());
    QTRY_COMPARE_WITH_TIMEOUT(httpRequest(port, "GET", "/v1/health").status, 200, 10000);

    QFile pidFile(root.filePath(QStringLiteral("run/rune-agent/agent.pid")));
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    const int agentPid = pidFile.readAll().trimmed().toInt();
    QVERIFY(agentPid > 0);
    QFile status(QStringLiteral("/proc/%1/status").arg(agentPid));
    QVERIFY(status.open(QIODevice::ReadOnly));
    const QByteArray statusText = status.readAll();
    QProcess id;
    id.start(QStringLiteral("id"), {QStringLiteral("-u"), user});
    QVERIFY(id.waitForFinished(5000));
    const QByteArray agentUid = id.readAll().trimmed();
    const QByteArray uidLine = QByteArray("\nUid:\t").append(agentUid).append('\t');
    QVERIFY2(statusText.contains(uidLine), statusText.constData());

    const json isolation = jsonOf(httpRequest(port, "GET", "/v1/info", QString::fromLatin1(token)))["isolation"];
    QCOMPARE(textOf(isolation["users"]), QStringLiteral("per-replica"));
    QCOMPARE(textOf(isolation["filesystem"]), QStringLiteral("private"));
    QVERIFY2(isolation["warnings"].empty(), qPrintable(said(isolation)));
    if (QFileInfo::exists(QStringLiteral("/sys/fs/cgroup/memory/memory.limit_in_bytes")))
        QCOMPARE(textOf(isolation["memory"]), QStringLiteral("cgroup1"));

    QCOMPARE(deployFunction(port,
                 QString::fromLatin1(token),
                 QStringLiteral("probe"),
                 archiveWith(QStringLiteral("handler.py"), probeSource),
                 {{QStringLiteral("runtime"), QStringLiteral("python3")}})
                 .status,
        201);
    const std::string tokenPath = root.filePath(QStringLiteral("etc/rune-agent/token")).toStdString();
    const std::string state = root.filePath(QStringLiteral("var/lib/rune-agent")).toStdString();
    const json request = {{"read", {tokenPath}}, {"list", {state}}, {"signal", {agentPid}}};
    const auto reply =
        callFunction(invokePort, "POST", "/function/probe", QByteArray::fromStdString(request.dump()), {}, 30000);
    QCOMPARE(reply.status, 200);
    const json result = jsonOf(reply);
    QVERIFY2(result.value("uid", 0) != agentUid.toLongLong() && result.value("uid", 0) > 0, qPrintable(said(result)));
    QVERIFY2(
        textOf(result["read " + tokenPath]).startsWith(QStringLiteral("PermissionError")), qPrintable(said(result)));
    QCOMPARE(textOf(result["list " + state]), QStringLiteral("ok: ['functions', 'runtimes']"));
    QVERIFY2(textOf(result["signal " + std::to_string(agentPid)]).startsWith(QStringLiteral("PermissionError")),
        qPrintable(said(result)));
}

void TestIsolation::chrootedAgentKeepsFunctionsInsideItsRoot()
{
    // An agent started by plain chroot, in a root made of this machine's /usr and /etc: its mount
    // namespace's root is the machine's, not the agent's. A pre-started worker still gets its
    // function's code inside the agent's root, and nothing is made beside it on the machine's disk.
    QTemporaryDir root(QStringLiteral("/var/tmp/rune-chroot-XXXXXX"));
    QTemporaryDir dir(QStringLiteral("/var/tmp/rune-chroot-srv-XXXXXX"));
    const auto entered = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
        | QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther;
    QVERIFY(QFile::setPermissions(root.path(), entered) && QFile::setPermissions(dir.path(), entered));
    for (const QString &folder : {QStringLiteral("usr"),
             QStringLiteral("etc"),
             QStringLiteral("proc"),
             QStringLiteral("sys"),
             QStringLiteral("dev"),
             QStringLiteral("tmp"),
             QStringLiteral("srv")})
        QVERIFY(QDir(root.path()).mkdir(folder));
    // This machine's top-level links into /usr (bin -> usr/bin, lib64 -> usr/lib64, ...), as they are.
    for (const QFileInfo &entry :
        QDir(QStringLiteral("/")).entryInfoList(QDir::System | QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (entry.isSymLink() && entry.symLinkTarget().startsWith(QStringLiteral("/usr/")))
            QVERIFY(
                QFile::link(QStringLiteral("usr/") + entry.symLinkTarget().mid(5), root.filePath(entry.fileName())));
    }
    QVERIFY2(QFileInfo(root.filePath(QStringLiteral("bin"))).isSymLink(),
        "this machine's /bin is not a link into /usr, which this root is made of");
    QVERIFY(QFile::copy(QStringLiteral(RUNE_AGENT_BINARY), dir.filePath(QStringLiteral("rune-agent"))));
    QFile tokenFile(dir.filePath(QStringLiteral("token")));
    QVERIFY(tokenFile.open(QIODevice::WriteOnly) && tokenFile.write("chroot-token") > 0);
    tokenFile.close();
    QVERIFY(tokenFile.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));

    // Killed, with everything it started and its mounts, when the test ends, pass or fail.
    QProcess agent;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("RUNE_INROOT_HOST"), hostFoldersForAChroot().join(u' '));
    agent.setProcessEnvironment(env);
    agent.setProcessChannelMode(QProcess::MergedChannels);
    // A folder only this test uses: where the agent's paths would land outside its root.
    const QString state = QStringLiteral("/srv/rune-chroot-state-%1").arg(::getpid());
    agent.start(QStringLiteral(RUNE_SOURCE_DIR "/tests/portable/inroot.sh"),
        {root.path(),
            dir.path(),
            QStringLiteral("/srv/rune-agent"),
            QStringLiteral("--listen"),
            QStringLiteral("127.0.0.1:0"),
            QStringLiteral("--invoke-listen"),
            QStringLiteral("127.0.0.1:0"),
            QStringLiteral("--state-dir"),
            state,
            QStringLiteral("--token-file"),
            QStringLiteral("/srv/token")});
    QVERIFY(agent.waitForStarted());
    const auto stop = qScopeGuard([&] {
        agent.kill();
        agent.waitForFinished();
        QDir(state).removeRecursively(); // only there if the agent made it outside its root
    });
    static const QRegularExpression listening(QStringLiteral("listening on [^:]+:(\\d+)"));
    static const QRegularExpression invoking(QStringLiteral("invoke on [^:]+:(\\d+)"));
    QString output;
    quint16 port = 0, invokePort = 0;
    QElapsedTimer waited;
    waited.start();
    while ((port == 0 || invokePort == 0) && waited.elapsed() < 30000 && agent.state() == QProcess::Running) {
        agent.waitForReadyRead(100);
        output += QString::fromUtf8(agent.readAll());
        port = quint16(listening.match(output).captured(1).toUInt());
        invokePort = quint16(invoking.match(output).captured(1).toUInt());
    }
    QVERIFY2(port != 0 && invokePort != 0, qPrintable(output));

    const auto deployed = deployFunction(port,
        QStringLiteral("chroot-token"),
        QStringLiteral("inside"),
        archiveWith(QStringLiteral("handler.py"),
            QStringLiteral("import os\n"
                           "def handle(event, context):\n"
                           "    return {'cwd': os.getcwd(), 'files': sorted(os.listdir('.'))}\n")),
        {{QStringLiteral("runtime"), QStringLiteral("python3")}});
    QVERIFY2(deployed.status == 201, deployed.body.constData());
    // The call goes to a pre-started worker (the deploy asked for one), which gets the code mounted into
    // its namespace while it runs: the way that missed the root.
    QTRY_VERIFY_WITH_TIMEOUT(processesWith("--standby", root.path()) > 0, 20000);
    const auto reply = callFunction(invokePort, "GET", "/function/inside", {}, {}, 30000);
    QVERIFY2(
        reply.status == 200, qPrintable(QString::fromUtf8(reply.body) + output + QString::fromUtf8(agent.readAll())));
    const json answer = jsonOf(reply);
    QCOMPARE(textOf(answer["cwd"]), state + QStringLiteral("/functions/inside/v1/code"));
    QCOMPARE(QString::fromStdString(answer["files"].dump()), QStringLiteral("[\"handler.py\"]"));
    QVERIFY2(!QFileInfo::exists(state), qPrintable(state + QStringLiteral(" was made on this machine's disk")));
    QVERIFY(QFileInfo::exists(dir.filePath(state.mid(5) + QStringLiteral("/functions/inside/v1/code/handler.py"))));
}

void TestIsolation::cleanupTestCase()
{
    if (m_agent)
        QVERIFY(m_agent->stop());
}

RUNE_TEST_GUILESS_MAIN(TestIsolation)
#include "tst_isolation.moc"
