// SPDX-License-Identifier: GPL-3.0-or-later
// The version diff (core/util/linediff.h) against GNU diff on the same two files, in one run:
// texts of N lines either unrelated (every line changed: the worst case of the algorithm) or with
// one line in a hundred edited. Prints the median of five runs of each, in milliseconds; diff's
// figure includes starting the process.
//   bench_linediff [N...]   (default 1000 5000 20000)

#include "util/linediff.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

namespace
{

double medianMs(const std::function<void()> &run)
{
    std::vector<double> times;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer timer;
        timer.start();
        run();
        times.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

bool write(const QString &path, const QString &text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text.toUtf8()) >= 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList sizes = app.arguments().mid(1);
    if (sizes.isEmpty())
        sizes = {QStringLiteral("1000"), QStringLiteral("5000"), QStringLiteral("20000")};
    QTemporaryDir dir;
    if (!dir.isValid()) {
        std::fprintf(stderr, "bench_linediff: no temporary directory\n");
        return 1;
    }
    std::printf("%8s %-10s %12s %12s %10s\n", "lines", "texts", "LineDiff ms", "diff ms", "changed");
    for (const QString &size : sizes) {
        bool ok = false;
        const int n = size.toInt(&ok);
        if (!ok || n < 1 || n > 1'000'000) {
            std::fprintf(stderr, "bench_linediff: %s is not a line count from 1 to 1000000\n", qPrintable(size));
            return 2;
        }
        for (const bool unrelated : {true, false}) {
            QStringList oldLines, newLines;
            for (int i = 0; i < n; ++i) {
                oldLines << QStringLiteral("line %1 of the old text").arg(i);
                newLines << (unrelated || i % 100 == 50 ? QStringLiteral("line %1 of the new text").arg(i)
                                                        : oldLines.constLast());
            }
            const QString oldText = oldLines.join(u'\n') + u'\n';
            const QString newText = newLines.join(u'\n') + u'\n';
            const QString oldPath = dir.filePath(QStringLiteral("old.txt"));
            const QString newPath = dir.filePath(QStringLiteral("new.txt"));
            if (!write(oldPath, oldText) || !write(newPath, newText)) {
                std::fprintf(stderr, "bench_linediff: cannot write %s\n", qPrintable(dir.path()));
                return 1;
            }
            int changed = 0;
            const double ours = medianMs([&] {
                const rune::LineDiff diff(oldText, newText);
                changed = diff.addedCount();
            });
            bool diffRan = true;
            const double peer = medianMs([&] {
                QProcess diff;
                diff.setStandardOutputFile(QProcess::nullDevice());
                diff.start(QStringLiteral("diff"), {oldPath, newPath});
                // 1: the files differ, as they do; anything else is a failure.
                diffRan = diffRan && diff.waitForFinished(600'000) && diff.exitStatus() == QProcess::NormalExit
                    && diff.exitCode() == 1;
            });
            if (!diffRan) {
                std::fprintf(stderr, "bench_linediff: GNU diff did not run (is diffutils installed?)\n");
                return 1;
            }
            std::printf(
                "%8d %-10s %12.1f %12.1f %10d\n", n, unrelated ? "unrelated" : "1 % edited", ours, peer, changed);
        }
    }
    return 0;
}
