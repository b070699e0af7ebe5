// SPDX-License-Identifier: GPL-3.0-or-later
#include "async/asyncqueue.h"

#include "async/callbacksender.h"
#include "jsontext.h"
#include "log.h"
#include "protocol.h"
#include "utf8text.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>

namespace rune::agent
{

namespace
{

namespace names = protocol::asynccall;

std::int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool writeAll(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        const ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return false;
        bytes.remove_prefix(std::size_t(written));
    }
    return true;
}

bool syncDirectory(const std::filesystem::path &directory)
{
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    return synced;
}

std::optional<std::string> readFile(const std::filesystem::path &path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return std::nullopt;
    std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    return file.bad() ? std::nullopt : std::optional(std::move(bytes));
}

void removeQuietly(const std::filesystem::path &path)
{
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
}

Invocation invocationOf(const CallRecord &record)
{
    Invocation invocation;
    invocation.requestId = record.id;
    invocation.method = record.method;
    invocation.path = record.path;
    invocation.query = record.query;
    invocation.headers = record.headers;
    invocation.body = record.body;
    return invocation;
}

CallOutcome outcomeOf(InvokeResult &result)
{
    if (result)
        return CallOutcome {result->status, std::move(result->headers), std::move(result->body), {}};
    const InvokeError &error = result.error();
    namespace field = protocol::error;
    return CallOutcome {error.httpStatus,
        {{"Content-Type", "application/json"}},
        jsonText({{field::object, {{field::code, error.code}, {field::message, error.message}}}}),
        error.code};
}

// The Content-Type the function set on its result; empty when it set none.
std::string declaredContentType(const CallOutcome &outcome)
{
    for (const auto &[name, value] : outcome.headers) {
        if (name.size() == 12 && std::equal(name.begin(), name.end(), "content-type", [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == b;
            }))
            return value;
    }
    return {};
}

std::chrono::milliseconds retryDelay(int firstDelayMs, int attempts)
{
    const long long delay = static_cast<long long>(firstDelayMs) << std::clamp(attempts - 1, 0, 20);
    return std::chrono::milliseconds(std::min<long long>(delay, names::maxRetryDelayMs));
}

} // namespace

AsyncQueue::AsyncQueue(boost::asio::io_context &io,
    FunctionHost &host,
    MetricsRegistry &metrics,
    std::shared_ptr<const LiveConfig> config,
    std::filesystem::path directory)
    : m_io(io)
    , m_host(host)
    , m_metrics(metrics)
    , m_config(std::move(config))
    , m_calls(directory / "calls")
    , m_damaged(directory / "damaged")
    , m_expiry(io)
{
}

AsyncQueue::~AsyncQueue()
{
    stop();
}

std::filesystem::path AsyncQueue::fileOf(const std::string &id) const
{
    return m_calls / (id + ".call");
}

void AsyncQueue::onDisk(std::function<void()> work)
{
    boost::asio::post(m_disk, [work = std::move(work)] {
        try {
            work();
        } catch (const std::exception &error) {
            logLine(std::string("asynchronous calls: ") + error.what());
        }
    });
}

std::expected<void, std::string> AsyncQueue::writeDurably(const CallRecord &record, bool synced) const
{
    const std::filesystem::path temporary = m_calls / (record.id + ".tmp");
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return std::unexpected(std::string("cannot create ") + temporary.string() + ": " + std::strerror(errno));
    const bool written = writeAll(fd, encodeCallRecord(record)) && (!synced || ::fsync(fd) == 0);
    const int writeErrno = errno;
    ::close(fd);
    if (!written) {
        removeQuietly(temporary);
        return std::unexpected("cannot write " + temporary.string() + ": " + std::strerror(writeErrno));
    }
    std::error_code error;
    std::filesystem::rename(temporary, fileOf(record.id), error);
    if (error) {
        removeQuietly(temporary);
        return std::unexpected("cannot rename " + temporary.string() + ": " + error.message());
    }
    if (synced && !syncDirectory(m_calls))
        return std::unexpected("cannot sync " + m_calls.string());
    return {};
}

void AsyncQueue::recover()
{
    std::error_code error;
    std::filesystem::create_directories(m_calls, error);
    std::filesystem::create_directories(m_damaged, error);
    std::vector<std::pair<std::int64_t, std::string>> queued;
    std::vector<std::pair<std::int64_t, std::string>> finished;
    int damaged = 0;
    const std::int64_t oldest = nowMs() - std::int64_t(m_config->current()->asyncResultTtlSeconds) * 1000;
    for (const auto &file : std::filesystem::directory_iterator(m_calls, error)) {
        const std::filesystem::path &path = file.path();
        if (path.extension() == ".tmp") {
            removeQuietly(path); // never acknowledged: the caller got no 202
            continue;
        }
        const auto bytes = readFile(path);
        auto record = bytes ? decodeCallRecord(*bytes) : std::unexpected(std::string("cannot be read"));
        if (record && (path.extension() != ".call" || path.stem() != record->id))
            record = std::unexpected("its name is not its call's id");
        if (!record) {
            ++damaged;
            logLine("asynchronous call file " + path.string() + " is damaged (" + record.error() + "): moved to "
                + m_damaged.string());
            std::error_code moveError;
            std::filesystem::rename(path, m_damaged / path.filename(), moveError);
            if (moveError)
                removeQuietly(path);
            continue;
        }
        if (isFinished(record->state) && record->finishedAtMs < oldest) {
            removeQuietly(path);
            continue;
        }
        Entry entry {record->function,
            isFinished(record->state) ? record->state : CallState::queued,
            record->attempts,
            record->acceptedAtMs,
            record->finishedAtMs,
            record->outcome ? record->outcome->status : 0,
            record->outcome ? record->outcome->errorCode : std::string()};
        (isFinished(entry.state) ? finished : queued)
            .emplace_back(isFinished(entry.state) ? entry.finishedAtMs : entry.acceptedAtMs, record->id);
        m_entries.emplace(record->id, std::move(entry));
    }
    std::ranges::sort(queued);
    std::ranges::sort(finished);
    const std::lock_guard lock(m_mutex);
    for (const auto &[at, id] : queued) {
        const std::string &function = m_entries[id].function;
        m_ready[function].push_back(id);
        ++m_unfinished[function];
    }
    for (const auto &[at, id] : finished)
        m_finished.push_back(id);
    logLine("asynchronous calls: " + std::to_string(queued.size()) + " queued, " + std::to_string(finished.size())
        + " results kept" + (damaged ? ", " + std::to_string(damaged) + " damaged files set aside" : ""));
}

void AsyncQueue::start()
{
    {
        const std::lock_guard lock(m_mutex);
        m_started = true;
    }
    dispatch();
    m_expiry.expires_after(std::chrono::seconds(30));
    m_expiry.async_wait([weak = weak_from_this()](boost::system::error_code error) {
        const auto self = weak.lock();
        if (error || !self)
            return;
        self->onDisk([raw = self.get()] {
            raw->forgetOldResults();
        });
        self->start();
    });
}

void AsyncQueue::halt()
{
    const std::lock_guard lock(m_mutex);
    m_stopped = true;
}

void AsyncQueue::stop()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stopped = true;
        for (const auto &[id, timer] : m_retries)
            timer->cancel();
        m_retries.clear();
    }
    m_expiry.cancel();
    m_disk.join();
}

void AsyncQueue::submit(CallRecord record, std::function<void(std::expected<std::string, AsyncRefusal>)> done)
{
    onDisk([this, record = std::move(record), done = std::move(done)]() mutable {
        const auto config = m_config->current();
        int unfinished = 0;
        {
            // Counted here, on the one disk thread, so two calls cannot both take the last place.
            const std::lock_guard lock(m_mutex);
            const auto found = m_unfinished.find(record.function);
            unfinished = found == m_unfinished.end() ? 0 : found->second;
        }
        if (const auto limit = queueLimitOf(record.function, config->asyncQueueLimit); unfinished >= limit.calls) {
            return done(std::unexpected(AsyncRefusal {429,
                protocol::errorcode::queueFull,
                "'" + record.function + "' already has " + std::to_string(unfinished)
                    + " asynchronous calls queued or running, as many as " + limit.name + " ("
                    + std::to_string(limit.calls) + ") allows",
                names::queueFullRetryAfterSeconds}));
        }
        record.acceptedAtMs = nowMs();
        if (auto written = writeDurably(record, true); !written) {
            logLine("asynchronous call not stored: " + written.error());
            return done(std::unexpected(AsyncRefusal {
                507, protocol::errorcode::queueStorage, "the node could not store the call: " + written.error(), 0}));
        }
        {
            const std::lock_guard lock(m_mutex);
            m_entries.emplace(record.id, Entry {record.function, CallState::queued, 0, record.acceptedAtMs, 0, 0, {}});
            m_ready[record.function].push_back(record.id);
            ++m_unfinished[record.function];
        }
        done(record.id);
        dispatch();
    });
}

AsyncQueue::QueueLimit AsyncQueue::queueLimitOf(const std::string &function, int agentLimit) const
{
    const auto record = m_host.record(function);
    const int own = record ? record->config.asyncQueueLimit : 0;
    if (own > 0 && own < agentLimit)
        return {own, "the function's async_queue_limit"};
    return {agentLimit, "the node's async_queue_limit"};
}

int AsyncQueue::capacityOf(const std::string &function) const
{
    const auto record = m_host.record(function);
    if (!record)
        return 1;
    return std::max(1, record->config.maxReplicas * record->config.targetConcurrency / 2);
}

void AsyncQueue::dispatch()
{
    std::vector<std::string> toRun;
    {
        const std::lock_guard lock(m_mutex);
        if (!m_started || m_stopped)
            return;
        for (auto &[function, ids] : m_ready) {
            if (ids.empty())
                continue;
            const int capacity = capacityOf(function);
            int &running = m_running[function];
            while (running < capacity && !ids.empty()) {
                const std::string id = std::move(ids.front());
                ids.pop_front();
                const auto entry = m_entries.find(id);
                if (entry == m_entries.end() || entry->second.state != CallState::queued)
                    continue;
                entry->second.state = CallState::running;
                ++entry->second.attempts;
                ++running;
                toRun.push_back(id);
            }
        }
    }
    for (std::string &id : toRun) {
        onDisk([this, id = std::move(id)] {
            run(id);
        });
    }
}

void AsyncQueue::run(const std::string &id)
{
    auto bytes = readFile(fileOf(id));
    auto record = bytes ? decodeCallRecord(*bytes) : std::unexpected(std::string("it cannot be read"));
    int attempts = 0;
    {
        const std::lock_guard lock(m_mutex);
        if (m_stopped)
            return;
        const auto entry = m_entries.find(id);
        if (entry == m_entries.end())
            return;
        attempts = entry->second.attempts;
        if (!record) {
            logLine("asynchronous call " + id + " dropped: its file is damaged (" + record.error() + ")");
            --m_running[entry->second.function];
            --m_unfinished[entry->second.function];
            m_entries.erase(entry);
        }
    }
    if (!record) {
        std::error_code ignored;
        std::filesystem::rename(fileOf(id), m_damaged / (id + ".call"), ignored);
        return dispatch();
    }
    record->attempts = attempts;
    const auto target = FunctionTarget::parse(record->target);
    auto pool = target
        ? m_host.route(*target)
        : std::unexpected(InvokeError {protocol::errorcode::notFound, 404, "not a function name", id, 0});
    if (!pool)
        return finishAttempt(std::move(*record), std::unexpected(pool.error()));
    Invocation invocation = invocationOf(*record);
    const auto started = std::chrono::steady_clock::now();
    (*pool)->invoke(std::move(invocation),
        [weak = weak_from_this(), call = std::move(*record), started](InvokeResult result) mutable {
            const auto self = weak.lock();
            if (!self)
                return;
            // Every attempt is the function's traffic, counted like a synchronous call.
            self->m_metrics.recordCall(call.function,
                result ? result->status : result.error().httpStatus,
                result && result->functionError,
                result && result->coldStart,
                std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started));
            self->onDisk([raw = self.get(), call = std::move(call), result = std::move(result)]() mutable {
                raw->finishAttempt(std::move(call), std::move(result));
            });
        });
}

void AsyncQueue::finishAttempt(CallRecord record, InvokeResult result)
{
    const auto config = m_config->current();
    bool dropped = false;
    {
        const std::lock_guard lock(m_mutex);
        if (m_stopped)
            return; // the file still says queued: the next start runs the call again
        --m_running[record.function];
        const auto entry = m_entries.find(record.id);
        // Its function was deleted meanwhile: the call goes with it.
        dropped = entry == m_entries.end() || !m_host.record(record.function);
        if (dropped && entry != m_entries.end()) {
            --m_unfinished[record.function];
            m_entries.erase(entry);
        }
    }
    if (dropped) {
        removeQuietly(fileOf(record.id));
        return dispatch();
    }
    const bool answered = result.has_value();
    record.outcome = outcomeOf(result);
    const int status = record.outcome->status;
    if (answered && status < 500) {
        record.state = status < 400 ? CallState::succeeded : CallState::failed;
        return finish(std::move(record));
    }
    if (record.attempts < config->asyncMaxAttempts) {
        record.outcome.reset();
        if (auto written = writeDurably(record, true); !written)
            logLine("asynchronous call " + record.id + ": attempts not stored: " + written.error());
        return retryLater(record.id, record.attempts);
    }
    record.state = CallState::dead;
    finish(std::move(record));
}

void AsyncQueue::retryLater(const std::string &id, int attempts)
{
    const auto timer =
        std::make_shared<boost::asio::steady_timer>(m_io, retryDelay(m_config->current()->asyncRetryDelayMs, attempts));
    {
        const std::lock_guard lock(m_mutex);
        const auto entry = m_entries.find(id);
        if (entry == m_entries.end() || m_stopped)
            return;
        entry->second.state = CallState::queued;
        m_retries[id] = timer;
    }
    // The handler owns the timer: a retry goes on even if a dropped function's call left m_retries.
    timer->async_wait([weak = weak_from_this(), id, timer](boost::system::error_code error) {
        const auto self = weak.lock();
        if (error || !self)
            return;
        {
            const std::lock_guard lock(self->m_mutex);
            self->m_retries.erase(id);
            const auto entry = self->m_entries.find(id);
            if (entry == self->m_entries.end() || entry->second.state != CallState::queued)
                return;
            self->m_ready[entry->second.function].push_back(id);
        }
        self->dispatch();
    });
    dispatch();
}

void AsyncQueue::finish(CallRecord record)
{
    record.finishedAtMs = nowMs();
    // A dead letter keeps its request, for whoever looks into it; other outcomes need it no more.
    if (record.state != CallState::dead)
        record.body.clear();
    // Not synced: a power cut that loses or tears this write costs the outcome, never the call,
    // which has run (a lost rename leaves the queued file, and the call runs again). Two fsyncs
    // fewer per call leave the disk thread to the calls waiting for their 202.
    if (auto written = writeDurably(record, false); !written)
        logLine("asynchronous call " + record.id + ": outcome not stored: " + written.error());
    {
        const std::lock_guard lock(m_mutex);
        const auto entry = m_entries.find(record.id);
        if (entry != m_entries.end()) {
            entry->second.state = record.state;
            entry->second.finishedAtMs = record.finishedAtMs;
            entry->second.resultStatus = record.outcome->status;
            entry->second.errorCode = record.outcome->errorCode;
            m_finished.push_back(record.id);
            --m_unfinished[record.function];
        }
    }
    forgetOldResults();
    if (!record.callbackUrl.empty()) {
        if (const auto url = parseCallbackUrl(record.callbackUrl)) {
            const auto config = m_config->current();
            sendCallback(m_io,
                *url,
                record,
                CallbackPolicy {config->callbackMaxAttempts,
                    std::chrono::milliseconds(config->callbackRetryDelayMs),
                    std::chrono::milliseconds(10000)});
        }
    }
    dispatch();
}

void AsyncQueue::forgetOldResults()
{
    const auto config = m_config->current();
    const std::int64_t oldest = nowMs() - std::int64_t(config->asyncResultTtlSeconds) * 1000;
    std::vector<std::string> gone;
    {
        const std::lock_guard lock(m_mutex);
        while (!m_finished.empty()) {
            const auto entry = m_entries.find(m_finished.front());
            const bool tooMany = m_finished.size() > std::size_t(config->asyncMaxResults);
            if (entry != m_entries.end() && !tooMany && entry->second.finishedAtMs >= oldest)
                break;
            if (entry != m_entries.end()) {
                gone.push_back(entry->first);
                m_entries.erase(entry);
            }
            m_finished.pop_front();
        }
    }
    for (const std::string &id : gone)
        removeQuietly(fileOf(id));
}

nlohmann::json AsyncQueue::entryJson(const std::string &id, const Entry &entry) const
{
    nlohmann::json json = {{names::requestId, id},
        {names::function, entry.function},
        {names::status, stateName(entry.state)},
        {names::attempts, entry.attempts},
        {names::acceptedAt, entry.acceptedAtMs},
        {names::finishedAt, nullptr}};
    if (isFinished(entry.state)) {
        json[names::finishedAt] = entry.finishedAtMs;
        json[names::result] = {{names::resultStatus, entry.resultStatus}};
        if (!entry.errorCode.empty())
            json[names::result][names::resultError] = entry.errorCode;
    }
    return json;
}

void AsyncQueue::result(const std::string &id, std::function<void(std::optional<nlohmann::json>)> done)
{
    onDisk([this, id, done = std::move(done)] {
        nlohmann::json json;
        {
            const std::lock_guard lock(m_mutex);
            const auto entry = m_entries.find(id);
            const std::int64_t oldest = nowMs() - std::int64_t(m_config->current()->asyncResultTtlSeconds) * 1000;
            if (entry == m_entries.end() || (isFinished(entry->second.state) && entry->second.finishedAtMs < oldest))
                return done(std::nullopt);
            json = entryJson(id, entry->second);
            if (!isFinished(entry->second.state))
                return done(std::move(json));
        }
        const auto bytes = readFile(fileOf(id));
        const auto record = bytes ? decodeCallRecord(*bytes) : std::unexpected(std::string());
        if (record && record->outcome) {
            nlohmann::json &result = json[names::result];
            const std::string &body = record->outcome->body;
            const bool text = isValidUtf8(body);
            result[names::resultBody] = text ? body : base64Encode(body);
            result[names::resultBodyEncoding] = text ? names::encodingText : names::encodingBase64;
            result[names::resultContentType] = declaredContentType(*record->outcome);
        }
        done(std::move(json));
    });
}

nlohmann::json AsyncQueue::deadLetters(const std::string &function) const
{
    nlohmann::json list = nlohmann::json::array();
    const std::lock_guard lock(m_mutex);
    for (const std::string &id : m_finished) {
        const auto entry = m_entries.find(id);
        if (entry != m_entries.end() && entry->second.function == function && entry->second.state == CallState::dead)
            list.push_back(entryJson(id, entry->second));
    }
    return list;
}

void AsyncQueue::dropFunction(const std::string &function)
{
    std::vector<std::string> dropped;
    {
        const std::lock_guard lock(m_mutex);
        m_ready.erase(function);
        for (auto entry = m_entries.begin(); entry != m_entries.end();) {
            if (entry->second.function != function || entry->second.state != CallState::queued) {
                ++entry;
                continue;
            }
            // A retry's timer finds its call gone when it fires.
            --m_unfinished[function];
            dropped.push_back(entry->first);
            entry = m_entries.erase(entry);
        }
    }
    if (!dropped.empty())
        logLine("asynchronous calls: " + std::to_string(dropped.size()) + " queued calls of '" + function
            + "' dropped with it");
    onDisk([this, dropped = std::move(dropped)] {
        for (const std::string &id : dropped)
            removeQuietly(fileOf(id));
    });
}

AsyncDepth AsyncQueue::depth(const std::string &function) const
{
    const std::lock_guard lock(m_mutex);
    const auto unfinished = m_unfinished.find(function);
    const auto running = m_running.find(function);
    AsyncDepth depth;
    depth.running = running == m_running.end() ? 0 : running->second;
    depth.queued = (unfinished == m_unfinished.end() ? 0 : unfinished->second) - depth.running;
    return depth;
}

} // namespace rune::agent
