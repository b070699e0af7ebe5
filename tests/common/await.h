// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QObject>
#include <QTest>
#include <functional>
#include <optional>

namespace rune::test
{

/** Runs an asynchronous call and waits (in the test's event loop) for its callback. */
template <typename T>
Result<T> await(const std::function<void(QObject *, std::function<void(Result<T>)>)> &call, int timeoutMs = 30000)
{
    std::optional<Result<T>> result;
    QObject context;
    call(&context, [&result](Result<T> value) {
        result = std::move(value);
    });
    if (!QTest::qWaitFor(
            [&result] {
                return result.has_value();
            },
            timeoutMs))
        return fail(QStringLiteral("test.timeout"), QStringLiteral("no answer within %1 ms").arg(timeoutMs));
    return *result;
}

} // namespace rune::test
