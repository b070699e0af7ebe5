// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchmarks/benchmarkformat.h"

#include "benchprotocol.h"
#include "widgets/format.h"

#include <QCoreApplication>
#include <QLocale>
#include <QMap>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::views::Benchmarks", text);
}

namespace t = protocol::benchtests;
namespace m = protocol::benchmetrics;

/** The metrics a summary line shows for each test, in order (rtt is summarised apart). */
QList<const char *> summaryMetrics(const QString &test)
{
    if (test == latin(t::cpu))
        return {m::cpuSingle, m::cpuMulti};
    if (test == latin(t::memory))
        return {m::memoryRead, m::memoryWrite};
    if (test == latin(t::fileio))
        return {m::fileRead, m::fileWrite, m::fileWriteFsync, m::fileReadIops, m::fileWriteIops};
    if (test == latin(t::db))
        return {m::dbRead, m::dbWrite};
    return {};
}

/** "RTT avg 0.063 ms to 3 nodes (slowest 0.2 ms)". */
QString rttSummary(const QList<BenchmarkRecord> &records)
{
    double sum = 0;
    double slowest = 0;
    int peers = 0;
    for (const BenchmarkRecord &record : records) {
        if (record.metric != latin(m::rttAvg))
            continue;
        sum += record.value;
        slowest = std::max(slowest, record.value);
        ++peers;
    }
    if (peers == 0)
        return {};
    const QString unit = latin(protocol::benchunits::milliseconds);
    const QString to = peers == 1 ? tr("to 1 node") : tr("to %1 nodes").arg(peers);
    return tr("avg %1 %2, slowest %3")
        .arg(formatBenchmarkValue(sum / peers, unit), to, formatBenchmarkValue(slowest, unit));
}

} // namespace

QString latin(const char *text)
{
    return QString::fromLatin1(text);
}

QStringList benchmarkTests()
{
    return {latin(t::cpu), latin(t::memory), latin(t::fileio), latin(t::db), latin(t::rtt)};
}

QString benchmarkTestTitle(const QString &test)
{
    if (test == latin(t::cpu))
        return tr("CPU");
    if (test == latin(t::memory))
        return tr("Memory");
    if (test == latin(t::fileio))
        return tr("File I/O");
    if (test == latin(t::db))
        return tr("Database");
    if (test == latin(t::rtt))
        return tr("RTT");
    return test;
}

QString benchmarkMetricLabel(const QString &test, const QString &metric)
{
    static const QMap<QString, const char *> labels {
        {latin(m::cpuSingle), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "single")},
        {latin(m::cpuMulti), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "all cores")},
        {latin(m::memoryRead), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "read")},
        {latin(m::memoryWrite), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "write")},
        {latin(m::fileReadIops), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "read")},
        {latin(m::fileWriteIops), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "write")},
        {latin(m::fileWriteFsync), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "write + fsync")},
        {latin(m::fileWriteFsyncIops), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "write + fsync")},
        {latin(m::dbRead), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "read")},
        {latin(m::dbWrite), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "write")},
        {latin(m::rttMin), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "min")},
        {latin(m::rttAvg), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "avg")},
        {latin(m::rttMax), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "max")},
        {latin(m::rttP99), QT_TRANSLATE_NOOP("rune::views::Benchmarks", "p99")},
    };
    Q_UNUSED(test);
    const auto found = labels.constFind(metric);
    return found == labels.constEnd() ? metric : tr(*found);
}

QString formatBenchmarkValue(double value, const QString &unit)
{
    const QLocale locale;
    if (unit == latin(protocol::benchunits::mibPerSecond))
        return value >= 1024 ? locale.toString(value / 1024, 'f', 1) + u" GiB/s"_s
                             : locale.toString(value, 'f', value >= 100 ? 0 : 1) + u" MiB/s"_s;
    if (unit == latin(protocol::benchunits::milliseconds))
        return locale.toString(value, 'f', value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3) + u" ms"_s;
    return locale.toString(value, 'f', value >= 100 ? 0 : 1) + u' ' + unit;
}

QStringList benchmarkSummaryLines(const QList<BenchmarkRecord> &records)
{
    QStringList lines;
    for (const QString &test : benchmarkTests()) {
        QList<BenchmarkRecord> ofTest;
        for (const BenchmarkRecord &record : records) {
            if (record.test == test)
                ofTest.append(record);
        }
        if (ofTest.isEmpty())
            continue;
        QStringList parts;
        for (const char *metric : summaryMetrics(test)) {
            for (const BenchmarkRecord &record : std::as_const(ofTest)) {
                if (record.metric == latin(metric)) {
                    parts << u"%1 %2"_s.arg(
                        formatBenchmarkValue(record.value, record.unit), benchmarkMetricLabel(test, record.metric));
                }
            }
        }
        if (test == latin(t::rtt))
            parts << rttSummary(ofTest);
        parts.removeAll(QString());
        if (parts.isEmpty())
            continue;
        const QString when = QLocale().toString(ofTest.first().started.toLocalTime(), u"yyyy-MM-dd HH:mm"_s);
        lines << tr("%1 %2 · measured %3").arg(benchmarkTestTitle(test), parts.join(u", "_s), when);
    }
    return lines;
}

} // namespace rune::views
