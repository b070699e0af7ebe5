// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/functionhost.h"

#include "runtime/memorybudget.h"
#include "runtime/standbypool.h"

#include <charconv>

namespace rune::agent
{

std::optional<FunctionTarget> FunctionTarget::parse(std::string_view text)
{
    const auto at = text.find('@');
    FunctionTarget target {std::string(text.substr(0, at)), std::nullopt};
    if (target.name.empty() || !protocol::checkFunctionName(target.name).empty())
        return std::nullopt;
    if (at == std::string_view::npos)
        return target;
    std::string_view version = text.substr(at + 1);
    if (version.starts_with('v'))
        version.remove_prefix(1);
    int number = 0;
    const auto [end, error] = std::from_chars(version.data(), version.data() + version.size(), number);
    if (error != std::errc {} || end != version.data() + version.size() || number <= 0)
        return std::nullopt;
    target.version = number;
    return target;
}

FunctionHost::FunctionHost(
    boost::asio::io_context &io, std::shared_ptr<const RuntimeContext> context, FunctionStore &store, EventSink events)
    : m_io(io)
    , m_context(std::move(context))
    , m_store(store)
    , m_events(std::move(events))
{
    if (m_context->memory) {
        m_context->memory->setEvictor([this] {
            return evictLeastRecentlyUsed();
        });
    }
}

int FunctionHost::evictLeastRecentlyUsed()
{
    const std::lock_guard lock(m_mutex);
    FunctionPool *oldest = nullptr;
    auto oldestTime = std::chrono::steady_clock::time_point::max();
    for (auto &[name, entry] : m_entries) {
        std::vector<FunctionPool *> pools {entry.serving.get()};
        for (auto &[version, pinned] : entry.pinned)
            pools.push_back(pinned.get());
        for (FunctionPool *pool : pools) {
            if (const auto idle = pool->oldestIdle(); idle < oldestTime) {
                oldestTime = idle;
                oldest = pool;
            }
        }
    }
    return oldest ? oldest->evictOldestIdle() : 0;
}

FunctionHost::~FunctionHost()
{
    shutdown();
    if (m_context->memory)
        m_context->memory->setEvictor({});
}

std::shared_ptr<FunctionPool> FunctionHost::makePool(const FunctionRecord &record) const
{
    auto spec =
        std::make_shared<FunctionSpec>(FunctionSpec {record.name, record.version, record.codeDir, record.config});
    return FunctionPool::create(m_io, m_context, std::move(spec), m_events);
}

void FunctionHost::setChangeListener(std::function<void()> listener)
{
    const std::lock_guard lock(m_mutex);
    m_changed = std::move(listener);
}

void FunctionHost::changed() const
{
    std::function<void()> listener;
    {
        const std::lock_guard lock(m_mutex);
        listener = m_changed;
    }
    if (listener)
        listener();
}

void FunctionHost::loadAll()
{
    for (const FunctionRecord &record : m_store.list())
        activate(record);
}

void FunctionHost::beginUpdate(const std::string &name)
{
    const std::lock_guard lock(m_mutex);
    ++m_updating[name];
}

void FunctionHost::endUpdate(const std::string &name)
{
    const std::lock_guard lock(m_mutex);
    if (const auto found = m_updating.find(name); found != m_updating.end() && --found->second <= 0)
        m_updating.erase(found);
}

void FunctionHost::activate(const FunctionRecord &record)
{
    auto pool = makePool(record);
    std::vector<std::shared_ptr<FunctionPool>> retired;
    {
        const std::lock_guard lock(m_mutex);
        if (m_shutDown)
            return;
        Entry &entry = m_entries[record.name];
        if (entry.serving)
            retired.push_back(entry.serving);
        for (auto &[version, pinned] : entry.pinned)
            retired.push_back(pinned);
        entry.pinned.clear();
        entry.record = record;
        entry.serving = pool;
    }
    // Calls already inside an old pool finish on the old version.
    for (auto &old : retired)
        old->retire();
    if (m_context->standby)
        m_context->standby->want({record.config.runtime, record.config.memoryMiB});
    pool->warmUp();
    changed();
}

void FunctionHost::forget(const std::string &name)
{
    std::vector<std::shared_ptr<FunctionPool>> pools;
    {
        const std::lock_guard lock(m_mutex);
        const auto found = m_entries.find(name);
        if (found == m_entries.end())
            return;
        pools.push_back(found->second.serving);
        for (auto &[version, pinned] : found->second.pinned)
            pools.push_back(pinned);
        m_entries.erase(found);
        for (auto &trial : takeTrials(name))
            pools.push_back(std::move(trial));
    }
    for (auto &pool : pools)
        pool->retire();
    changed();
}

void FunctionHost::forgetVersion(const std::string &name, int version)
{
    std::shared_ptr<FunctionPool> pool;
    {
        const std::lock_guard lock(m_mutex);
        const auto found = m_entries.find(name);
        if (found == m_entries.end())
            return;
        const auto pinned = found->second.pinned.find(version);
        if (pinned == found->second.pinned.end())
            return;
        pool = pinned->second;
        found->second.pinned.erase(pinned);
    }
    pool->retire();
}

void FunctionHost::setBlocked(const std::string &name, bool blocked)
{
    {
        const std::lock_guard lock(m_mutex);
        if (const auto found = m_entries.find(name); found != m_entries.end())
            found->second.record.blocked = blocked;
    }
    changed();
}

std::expected<std::shared_ptr<FunctionPool>, InvokeError> FunctionHost::route(const FunctionTarget &target)
{
    const std::lock_guard lock(m_mutex);
    if (m_shutDown)
        return std::unexpected(InvokeError {runtime_errors::shuttingDown, 503, "the agent is shutting down", {}});
    const auto found = m_entries.find(target.name);
    if (found == m_entries.end())
        return std::unexpected(InvokeError {"not_found", 404, "no function named '" + target.name + "'", {}});
    Entry &entry = found->second;
    if (entry.record.blocked)
        return std::unexpected(InvokeError {
            "blocked", 423, "the function '" + target.name + "' is blocked; unblock it to take calls again", {}});
    if (!target.version || *target.version == entry.record.version)
        return entry.serving;
    if (const auto pinned = entry.pinned.find(*target.version); pinned != entry.pinned.end())
        return pinned->second;
    auto record = m_store.version(target.name, *target.version);
    if (!record)
        return std::unexpected(InvokeError {"not_found",
            404,
            "the function '" + target.name + "' has no version " + std::to_string(*target.version),
            {}});
    auto pool = makePool(*record);
    entry.pinned.emplace(*target.version, pool);
    return pool;
}

std::optional<std::uint64_t> FunctionHost::payloadLimit(std::string_view name) const
{
    const std::lock_guard lock(m_mutex);
    const auto found = m_entries.find(name);
    if (found == m_entries.end())
        return std::nullopt;
    return found->second.record.config.maxPayloadBytes;
}

std::optional<FunctionRecord> FunctionHost::record(const std::string &name) const
{
    const std::lock_guard lock(m_mutex);
    const auto found = m_entries.find(name);
    if (found == m_entries.end())
        return std::nullopt;
    return found->second.record;
}

std::vector<std::string> FunctionHost::shortfall(const protocol::FunctionConfig &config) const
{
    return gpuShortfall(config, m_context->gpus);
}

std::vector<FunctionStatus> FunctionHost::list() const
{
    const std::lock_guard lock(m_mutex);
    std::vector<FunctionStatus> statuses;
    for (const auto &[name, entry] : m_entries) {
        PoolSnapshot pool = entry.serving->snapshot();
        for (const auto &[version, pinned] : entry.pinned) {
            const PoolSnapshot more = pinned->snapshot();
            pool.replicas += more.replicas;
            pool.ready += more.ready;
            pool.scaleUps += more.scaleUps;
            pool.scaleDowns += more.scaleDowns;
            pool.busy += more.busy;
            pool.queued += more.queued;
        }
        const char *state = entry.record.blocked ? "BLOCKED" : m_updating.contains(name) ? "UPDATING" : "PUBLISHED";
        statuses.push_back({entry.record, state, pool});
    }
    return statuses;
}

void FunctionHost::shutdown()
{
    std::vector<std::shared_ptr<FunctionPool>> pools;
    {
        const std::lock_guard lock(m_mutex);
        m_shutDown = true;
        for (auto &[name, entry] : m_entries) {
            pools.push_back(entry.serving);
            for (auto &[version, pinned] : entry.pinned)
                pools.push_back(pinned);
        }
        m_entries.clear();
        for (auto &[id, trial] : m_trials)
            pools.push_back(trial.pool);
        m_trials.clear();
    }
    for (auto &pool : pools)
        pool->shutdown();
    if (m_context->standby)
        m_context->standby->clear();
}

std::vector<std::shared_ptr<FunctionPool>> FunctionHost::takeTrials(const std::string &name)
{
    std::vector<std::shared_ptr<FunctionPool>> pools;
    for (auto trial = m_trials.begin(); trial != m_trials.end();) {
        if (trial->second.function == name) {
            pools.push_back(trial->second.pool);
            trial = m_trials.erase(trial);
        } else {
            ++trial;
        }
    }
    return pools;
}

namespace
{

// The configuration a trial runs: the serving one with another memory size, checked by the same
// validator as a deploy; one replica, never kept warm, fired by nothing but its caller.
std::expected<protocol::FunctionConfig, std::vector<std::string>> trialConfig(
    protocol::FunctionConfig config, int memoryMiB)
{
    config.memoryMiB = memoryMiB;
    config.minReplicas = 0;
    config.maxReplicas = 1;
    config.triggers.clear();
    auto checked = protocol::parseFunctionConfig(protocol::toJson(config));
    if (!checked)
        return std::unexpected(protocol::messagesOf(checked.error()));
    return *checked;
}

} // namespace

std::expected<TrialStatus, TrialError> FunctionHost::createTrial(const std::string &name, int memoryMiB)
{
    const auto serving = record(name);
    if (!serving)
        return std::unexpected(TrialError {404, protocol::errorcode::notFound, {"no function named '" + name + "'"}});
    auto config = trialConfig(serving->config, memoryMiB);
    if (!config)
        return std::unexpected(TrialError {400, protocol::errorcode::invalidConfig, std::move(config.error())});
    if (auto missing = shortfall(*config); !missing.empty())
        return std::unexpected(TrialError {409, protocol::errorcode::insufficientResources, std::move(missing)});
    FunctionRecord trialRecord = *serving;
    trialRecord.config = std::move(*config);
    Trial trial {name, serving->version, memoryMiB, makePool(trialRecord), std::chrono::steady_clock::now()};
    const std::string id = "trial-" + newRequestId();
    {
        const std::lock_guard lock(m_mutex);
        if (m_shutDown)
            return std::unexpected(TrialError {503, protocol::errorcode::shuttingDown, {"the agent is shutting down"}});
        if (m_trials.size() >= maxTrials)
            return std::unexpected(TrialError {409,
                protocol::errorcode::tooManyTrials,
                {"this node already runs " + std::to_string(maxTrials)
                    + " trials: delete one, or wait until an unused one expires"}});
        m_trials.emplace(id, trial);
    }
    return TrialStatus {id, name, trial.version, memoryMiB, 0, trial.pool->snapshot()};
}

std::expected<std::shared_ptr<FunctionPool>, InvokeError> FunctionHost::routeTrial(
    const std::string &name, const std::string &id)
{
    const std::lock_guard lock(m_mutex);
    if (m_shutDown)
        return std::unexpected(InvokeError {runtime_errors::shuttingDown, 503, "the agent is shutting down", {}});
    const auto found = m_trials.find(id);
    if (found == m_trials.end() || found->second.function != name)
        return std::unexpected(
            InvokeError {protocol::errorcode::notFound, 404, "'" + name + "' has no trial '" + id + "'", {}});
    found->second.lastUsed = std::chrono::steady_clock::now();
    return found->second.pool;
}

bool FunctionHost::removeTrial(const std::string &name, const std::string &id)
{
    std::shared_ptr<FunctionPool> pool;
    {
        const std::lock_guard lock(m_mutex);
        const auto found = m_trials.find(id);
        if (found == m_trials.end() || found->second.function != name)
            return false;
        pool = found->second.pool;
        m_trials.erase(found);
    }
    pool->shutdown();
    return true;
}

std::vector<TrialStatus> FunctionHost::trials(const std::string &name) const
{
    const auto now = std::chrono::steady_clock::now();
    const std::lock_guard lock(m_mutex);
    std::vector<TrialStatus> found;
    for (const auto &[id, trial] : m_trials) {
        if (trial.function != name)
            continue;
        const auto idle = std::chrono::duration_cast<std::chrono::seconds>(now - trial.lastUsed).count();
        found.push_back({id, trial.function, trial.version, trial.memoryMiB, idle, trial.pool->snapshot()});
    }
    return found;
}

void FunctionHost::expireTrials()
{
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::shared_ptr<FunctionPool>> expired;
    {
        const std::lock_guard lock(m_mutex);
        for (auto trial = m_trials.begin(); trial != m_trials.end();) {
            const PoolSnapshot pool = trial->second.pool->snapshot();
            if (now - trial->second.lastUsed > trialIdleLimit && pool.busy == 0 && pool.queued == 0) {
                expired.push_back(trial->second.pool);
                trial = m_trials.erase(trial);
            } else {
                ++trial;
            }
        }
    }
    for (auto &pool : expired)
        pool->shutdown();
}

} // namespace rune::agent
