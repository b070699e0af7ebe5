// SPDX-License-Identifier: GPL-3.0-or-later
// Reading the GPUs from the driver's /proc files and nvidia-smi's answer, and which GPUs a
// function gets: the parsing a real agent relies on (tst_gpus), with the odd input it may meet.

#include "../common/fakegpus.h"
#include "../common/testmain.h"
#include "gpus.h"

#include <QTest>

using namespace rune::agent;
using namespace rune::test;

class TestGpuDetection final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void procTreeGivesModelAndIndex();
    void procTreeSkipsWhatIsNotAGpu();
    void nvidiaSmiLines();
    void assignsTheFirstGpusWithEnoughMemory();
    void shortfallNamesWhatIsMissing();
};

void TestGpuDetection::procTreeGivesModelAndIndex()
{
    FakeGpuHost host({{QStringLiteral("Tesla T4"), 15360}, {QStringLiteral("NVIDIA A10"), 23028}});
    const auto gpus = readProcGpus(host.procRoot().toStdString());
    QCOMPARE(gpus.size(), std::size_t(2));
    QCOMPARE(gpus[0], (Gpu {0, "Tesla T4", 0}));
    QCOMPARE(gpus[1], (Gpu {1, "NVIDIA A10", 0}));
    // Both, with their memory, when nvidia-smi answers.
    const auto detected = detectGpus(GpuSources {host.procRoot().toStdString(), host.smiPath().toStdString()});
    QCOMPARE(detected, (std::vector<Gpu> {{0, "Tesla T4", 15360ull << 20}, {1, "NVIDIA A10", 23028ull << 20}}));
}

void TestGpuDetection::procTreeSkipsWhatIsNotAGpu()
{
    QTemporaryDir dir;
    const QString gpus = dir.filePath(QStringLiteral("driver/nvidia/gpus"));
    QVERIFY(QDir().mkpath(gpus + QStringLiteral("/0000:01:00.0")));
    QVERIFY(QDir().mkpath(gpus + QStringLiteral("/0000:02:00.0")));
    QFile noMinor(gpus + QStringLiteral("/0000:01:00.0/information"));
    QVERIFY(noMinor.open(QIODevice::WriteOnly));
    noMinor.write("Model: \t\t Mystery\nDevice Minor: \t -1\n");
    noMinor.close();
    QFile ok(gpus + QStringLiteral("/0000:02:00.0/information"));
    QVERIFY(ok.open(QIODevice::WriteOnly));
    ok.write("Model: \t\t Tesla V100-SXM2-16GB\nDevice Minor: \t 3\n");
    ok.close();
    QCOMPARE(readProcGpus(dir.path().toStdString()), (std::vector<Gpu> {{3, "Tesla V100-SXM2-16GB", 0}}));
    QVERIFY(readProcGpus(dir.filePath(QStringLiteral("nowhere")).toStdString()).empty());
}

void TestGpuDetection::nvidiaSmiLines()
{
    // A model name may hold a comma; broken lines and negative indices are skipped; memory
    // that is not a number is unknown; sorted by index.
    const auto gpus = parseNvidiaSmi("1, NVIDIA A100-SXM4-80GB, 81920\n"
                                     "0, Quadro RTX 8000, Ultra, 49152\r\n"
                                     "garbage\n"
                                     "-1, Bad, 1\n"
                                     "2, NVIDIA L4, [N/A]\n"
                                     "3, Huge, 99999999999999999999\n");
    QCOMPARE(gpus,
        (std::vector<Gpu> {{0, "Quadro RTX 8000, Ultra", 49152ull << 20},
            {1, "NVIDIA A100-SXM4-80GB", 81920ull << 20},
            {2, "NVIDIA L4", 0},
            {3, "Huge", 0}}));
    QVERIFY(parseNvidiaSmi("").empty());
}

void TestGpuDetection::assignsTheFirstGpusWithEnoughMemory()
{
    const std::vector<Gpu> gpus {{0, "small", 4096ull << 20}, {1, "big", 24576ull << 20}, {2, "big", 24576ull << 20}};
    rune::protocol::FunctionConfig config;
    config.gpuCount = 2;
    QCOMPARE(assignGpus(config, gpus).size(), std::size_t(2));
    QCOMPARE(assignGpus(config, gpus)[1].index, 1);
    config.gpuMemoryMiB = 8192;
    const auto assigned = assignGpus(config, gpus);
    QCOMPARE(assigned.size(), std::size_t(2));
    QCOMPARE(assigned[0].index, 1);
    QCOMPARE(assigned[1].index, 2);
    const auto env = gpuEnvironment(config, gpus);
    QCOMPARE(env.front(), (std::pair<std::string, std::string> {"CUDA_VISIBLE_DEVICES", "1,2"}));
    config.gpuCount = 0;
    config.gpuMemoryMiB = 0;
    QCOMPARE(gpuEnvironment(config, gpus).front(), (std::pair<std::string, std::string> {"CUDA_VISIBLE_DEVICES", ""}));
}

void TestGpuDetection::shortfallNamesWhatIsMissing()
{
    const std::vector<Gpu> one {{0, "T4", 15360ull << 20}};
    rune::protocol::FunctionConfig config;
    QVERIFY(gpuShortfall(config, {}).empty());
    config.gpuCount = 2;
    QCOMPARE(gpuShortfall(config, one), std::vector<std::string> {"gpu_count 2 but this node has 1 GPU"});
    config.gpuCount = 1;
    QVERIFY(gpuShortfall(config, one).empty());
    config.gpuMemoryMiB = 16384;
    QCOMPARE(
        gpuShortfall(config, one), std::vector<std::string> {"gpu_memory_mib 16384 but the largest GPU has 15360 MiB"});
}

RUNE_TEST_GUILESS_MAIN(TestGpuDetection)
#include "tst_gpudetection.moc"
