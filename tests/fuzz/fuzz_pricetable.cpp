// SPDX-License-Identifier: GPL-3.0-or-later
// The reader of price tables (shipped, or the user's edited copies): any bytes give a table or an
// Error naming the problem, never a crash; a table it accepts reads back the same after writing,
// and prices every workload without overflow.
#include "cost/costmodel.h"
#include "cost/pricetables.h"

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <cstdlib>

using namespace rune::cost;

namespace
{

void require(bool condition)
{
    if (!condition)
        std::abort(); // libFuzzer keeps the input
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto table = parsePriceTable(QStringLiteral("fuzz.json"), bytes);
    if (!table) {
        require(table.error().message.startsWith(QStringLiteral("fuzz.json")));
        return 0;
    }
    const QByteArray written = priceTableJson(*table);
    const auto again = parsePriceTable(QStringLiteral("fuzz.json"), written);
    require(again.has_value());
    require(priceTableJson(*again) == written);
    Workload workload;
    workload.requestsPerMonth = Workload::maxRequestsPerMonth;
    workload.averageDurationMs = Workload::maxDurationMs;
    workload.memoryMiB = 1;
    for (const CostOption &option : costOptions({*table})) {
        const CostEstimate estimate = option.estimate(workload);
        require(estimate.total.micros() >= 0);
    }
    return 0;
}
