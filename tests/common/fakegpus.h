// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// GPUs for an agent on a machine without any: a /proc tree laid out as the NVIDIA driver lays out
// /proc/driver/nvidia/gpus/<bus id>/information, an nvidia-smi stand-in that answers the one query
// the agent makes, and the agent config file (proc_root, nvidia_smi) that points the agent at both.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace rune::test
{

struct FakeGpu {
    QString model;
    int memoryMiB = 0;
};

class FakeGpuHost
{
public:
    /** @p smi: what nvidia-smi does: answers, is missing, or hangs (a driver stuck in a reset). */
    enum class Smi { Answers, Missing, Hangs };

    explicit FakeGpuHost(const QList<FakeGpu> &gpus, Smi smi = Smi::Answers, bool inProc = true)
    {
        for (qsizetype index = 0; inProc && index < gpus.size(); ++index)
            writeInformation(int(index), gpus[index].model);
        if (smi != Smi::Missing)
            writeSmi(gpus, smi);
        writeFile(configPath(),
            "proc_root = " + procRoot().toUtf8() + "\nnvidia_smi = " + smiPath().toUtf8() + "\n",
            QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }

    QString procRoot() const
    {
        return m_dir.filePath(QStringLiteral("proc"));
    }
    QString smiPath() const
    {
        return m_dir.filePath(QStringLiteral("nvidia-smi"));
    }
    QString configPath() const
    {
        return m_dir.filePath(QStringLiteral("agent.conf"));
    }
    /** The arguments that start a TestAgent on this host's GPUs. */
    QStringList agentArgs() const
    {
        return {QStringLiteral("--config"), configPath()};
    }

private:
    static void writeFile(const QString &path, const QByteArray &content, QFileDevice::Permissions permissions)
    {
        QDir().mkpath(QFileInfo(path).path());
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        file.setPermissions(permissions);
    }

    // The driver's layout: one directory per GPU named by its PCI address, "Key:\t value" lines.
    void writeInformation(int index, const QString &model)
    {
        const QString bus = QStringLiteral("0000:%1:00.0").arg(index + 0x17, 2, 16, QLatin1Char('0'));
        const QByteArray text = "Model: \t\t " + model.toUtf8() + "\nIRQ:   \t\t " + QByteArray::number(140 + index)
            + "\nGPU UUID: \t GPU-1c2d3e4f-0000-0000-0000-00000000000" + QByteArray::number(index)
            + "\nVideo BIOS: \t 90.04.38.00.03\nBus Type: \t PCIe\nDMA Size: \t 47 bits\nDMA Mask: \t "
              "0x7fffffffffff\nBus Location: \t "
            + bus.toUtf8() + "\nDevice Minor: \t " + QByteArray::number(index) + "\nGPU Excluded:\t No\n";
        writeFile(procRoot() + QStringLiteral("/driver/nvidia/gpus/") + bus + QStringLiteral("/information"),
            text,
            QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    }

    void writeSmi(const QList<FakeGpu> &gpus, Smi smi)
    {
        // Only the query the agent makes; anything else is an error, as a real nvidia-smi's would be.
        QByteArray script = "#!/bin/sh\n";
        if (smi == Smi::Hangs)
            script += "exec sleep 600\n";
        script += "[ \"$1\" = --query-gpu=index,name,memory.total ] && [ \"$2\" = --format=csv,noheader,nounits ] "
                  "|| exit 6\n";
        for (qsizetype index = 0; index < gpus.size(); ++index)
            script += "echo '" + QByteArray::number(index) + ", " + gpus[index].model.toUtf8() + ", "
                + QByteArray::number(gpus[index].memoryMiB) + "'\n";
        writeFile(smiPath(),
            script,
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadOther
                | QFileDevice::ExeOther);
    }

    QTemporaryDir m_dir;
};

} // namespace rune::test
