// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/replica.h"

#include "log.h"
#include "runtime/execreplica.h"
#include "runtime/workerreplica.h"
#include "utf8text.h"

#include <algorithm>

namespace rune::agent
{

PendingCall::PendingCall(Invocation call, InvokeCompletion completion)
    : invocation(std::move(call))
    , m_completion(std::move(completion))
{
}

void PendingCall::complete(InvokeResult result)
{
    if (m_done)
        return;
    m_done = true;
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    if (result) {
        result->requestId = invocation.requestId;
        result->replicaId = replicaId;
        result->duration = elapsed;
        result->coldStart = coldStart;
    } else {
        result.error().requestId = invocation.requestId;
    }
    auto completion = std::move(m_completion);
    completion(std::move(result));
}

bool PendingCall::done() const
{
    return m_done;
}

long long PendingCall::remainingMs() const
{
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return std::max<long long>(1, left.count());
}

Replica::Replica(ReplicaSetup setup)
    : m_setup(std::move(setup))
{
}

const std::string &Replica::id() const
{
    return m_setup.id;
}

Replica::State Replica::state() const
{
    return m_state;
}

std::uint64_t Replica::callsServed() const
{
    return m_calls;
}

std::chrono::steady_clock::time_point Replica::lastUsed() const
{
    return m_lastUsed;
}

void Replica::emitLine(const char *stream, std::string_view text, const std::string &requestId) const
{
    const auto &sink = m_setup.context->options.logSink;
    if (!sink)
        return;
    LogLine line;
    line.timeMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    line.function = m_setup.function->name;
    line.version = m_setup.function->version;
    line.replica = m_setup.id;
    line.requestId = requestId;
    line.stream = stream;
    line.text = std::string(text);
    // What a function prints must never cost it its call: a failing sink loses the line only.
    try {
        sink(std::move(line));
    } catch (const std::exception &error) {
        logLine(std::string("a line of ") + m_setup.function->name + "'s output was lost: " + error.what());
    }
}

std::shared_ptr<ReplicaObserver> Replica::observer() const
{
    return m_setup.observer.lock();
}

std::shared_ptr<Replica> makeReplica(ReplicaSetup setup)
{
    if (setup.function->config.runtime == "exec")
        return std::make_shared<ExecReplica>(std::move(setup));
    return std::make_shared<WorkerReplica>(std::move(setup));
}

std::string lastLine(const std::string &output)
{
    std::string last = output;
    while (!last.empty() && (last.back() == '\n' || last.back() == '\r'))
        last.pop_back();
    if (const auto newline = last.rfind('\n'); newline != std::string::npos)
        last.erase(0, newline + 1);
    if (last.size() > 300) {
        // Cut where a character starts, so the quote stays readable text.
        std::size_t cut = last.size() - 300;
        for (int skipped = 0; skipped < 3 && (static_cast<unsigned char>(last[cut]) & 0xc0) == 0x80; ++skipped)
            ++cut;
        last.erase(0, cut);
    }
    return validUtf8(last);
}

InvokeError crashError(const std::string &how, const std::string &stderrTail, bool outOfMemory)
{
    if (outOfMemory)
        return {runtime_errors::outOfMemory, 502, "the function ran out of memory (" + how + ")", {}};
    std::string message = "the function's process died mid-call (" + how + ")";
    if (const std::string last = lastLine(stderrTail); !last.empty())
        message += ": " + last;
    return {runtime_errors::crashed, 502, message, {}};
}

} // namespace rune::agent
