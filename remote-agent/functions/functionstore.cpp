// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionstore.h"

#include "jsontext.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

namespace rune::agent
{

namespace fs = std::filesystem;

namespace
{

constexpr char currentLink[] = "current";
constexpr char blockedMarker[] = "blocked";
constexpr char configFile[] = "config.json";
constexpr char stagingPrefix[] = ".staging-";
constexpr char deletedPrefix[] = ".deleted-";

std::string uniqueSuffix()
{
    static std::atomic<unsigned> counter {0};
    return std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

void syncPath(const fs::path &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

bool writeFileSynced(const fs::path &path, const std::string &content)
{
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out.flush())
            return false;
    }
    syncPath(path);
    return true;
}

int versionOf(const fs::path &dir)
{
    const std::string name = dir.filename().string();
    if (name.size() < 2 || name[0] != 'v')
        return 0;
    try {
        return std::stoi(name.substr(1));
    } catch (...) {
        return 0;
    }
}

DeployError storageError(const std::string &what)
{
    return DeployError {protocol::errorcode::storage, {what}};
}

} // namespace

FunctionStore::FunctionStore(fs::path stateDir, ArchiveLimits limits)
    : m_root(std::move(stateDir) / "functions")
    , m_limits(limits)
{
    std::error_code error;
    fs::create_directories(m_root, error);
    // Code and configurations (with their secrets) are the agent's: functions get their own code
    // mounted into their namespace, never a path into this directory.
    fs::permissions(m_root, fs::perms(0700), error);
}

void FunctionStore::setDeployCheck(std::function<std::optional<std::string>()> check)
{
    m_deployCheck = std::move(check);
}

void FunctionStore::setAfterStep(std::function<void(std::string_view step)> hook)
{
    m_afterStep = std::move(hook);
}

void FunctionStore::stepDone(std::string_view step) const
{
    if (m_afterStep)
        m_afterStep(step);
}

std::vector<int> FunctionStore::versions(const std::string &name) const
{
    std::vector<int> numbers;
    if (!protocol::checkFunctionName(name).empty())
        return numbers;
    std::lock_guard lock(m_mutex);
    const int serving = currentVersion(name);
    std::error_code error;
    for (const auto &entry : fs::directory_iterator(functionDir(name), error)) {
        const int number = versionOf(entry.path());
        if (number > 0 && number <= serving)
            numbers.push_back(number);
    }
    std::sort(numbers.begin(), numbers.end());
    return numbers;
}

fs::path FunctionStore::functionDir(const std::string &name) const
{
    return m_root / name;
}

void FunctionStore::recover()
{
    std::lock_guard lock(m_mutex);
    std::error_code error;
    for (const auto &entry : fs::directory_iterator(m_root, error)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with(deletedPrefix)) {
            fs::remove_all(entry.path(), error);
            continue;
        }
        const int serving = currentVersion(name);
        for (const auto &inner : fs::directory_iterator(entry.path(), error)) {
            const std::string innerName = inner.path().filename().string();
            const bool staging =
                innerName.starts_with(stagingPrefix) || innerName.starts_with(std::string(currentLink) + stagingPrefix);
            // A version above the serving one was never switched in: an interrupted deploy.
            if (staging || versionOf(inner.path()) > serving)
                fs::remove_all(inner.path(), error);
        }
        if (serving == 0)
            fs::remove_all(entry.path(), error);
    }
}

int FunctionStore::currentVersion(const std::string &name) const
{
    std::error_code error;
    const fs::path target = fs::read_symlink(functionDir(name) / currentLink, error);
    return error ? 0 : versionOf(target);
}

int FunctionStore::nextVersion(const std::string &name) const
{
    int highest = 0;
    std::error_code error;
    for (const auto &entry : fs::directory_iterator(functionDir(name), error))
        highest = std::max(highest, versionOf(entry.path()));
    return highest + 1;
}

std::optional<FunctionRecord> FunctionStore::load(const std::string &name, int version) const
{
    const fs::path dir = functionDir(name) / ("v" + std::to_string(version));
    std::ifstream in(dir / configFile);
    const auto json = nlohmann::json::parse(in, nullptr, false);
    auto config = protocol::parseFunctionConfig(json);
    if (!config)
        return std::nullopt;
    std::error_code error;
    const bool blocked = fs::exists(functionDir(name) / blockedMarker, error);
    return FunctionRecord {name, version, *config, blocked, dir / "code"};
}

std::expected<fs::path, DeployError> FunctionStore::stage(
    const std::string &name, std::string_view archive, const protocol::FunctionConfig &config)
{
    const fs::path staging = functionDir(name) / (stagingPrefix + uniqueSuffix());
    std::error_code error;
    fs::create_directories(staging / "code", error);
    if (error)
        return std::unexpected(storageError("cannot create " + staging.string() + ": " + error.message()));
    auto extracted = extractArchive(archive, staging / "code", m_limits);
    if (!extracted) {
        fs::remove_all(staging, error);
        return std::unexpected(DeployError {protocol::errorcode::badArchive, {extracted.error()}});
    }
    if (!writeFileSynced(staging / configFile, jsonText(protocol::toJson(config), 2))) {
        fs::remove_all(staging, error);
        return std::unexpected(storageError("cannot write the configuration"));
    }
    return staging;
}

std::expected<FunctionRecord, DeployError> FunctionStore::deploy(
    const std::string &name, std::string_view archive, const nlohmann::json &configJson)
{
    auto problems = protocol::checkFunctionName(name);
    auto config = protocol::parseFunctionConfig(configJson);
    if (!config) {
        const auto messages = protocol::messagesOf(config.error());
        problems.insert(problems.end(), messages.begin(), messages.end());
    }
    if (!problems.empty())
        return std::unexpected(DeployError {protocol::errorcode::invalidConfig, problems});
    if (m_deployCheck) {
        if (auto problem = m_deployCheck())
            return std::unexpected(storageError("the function could not run here: " + *problem));
    }
    // Unpacking takes long and touches only a private directory: readers need not wait for it.
    auto staging = stage(name, archive, *config);
    if (!staging)
        return std::unexpected(staging.error());
    stepDone("staged");
    std::lock_guard lock(m_mutex);
    const int version = nextVersion(name);
    const std::string versionName = "v" + std::to_string(version);
    std::error_code error;
    fs::rename(*staging, functionDir(name) / versionName, error);
    syncPath(functionDir(name));
    stepDone("renamed");
    // The switch: a new link beside the old, renamed over it in one step.
    const fs::path link = functionDir(name) / (std::string(currentLink) + stagingPrefix + uniqueSuffix());
    if (!error)
        fs::create_symlink(versionName, link, error);
    stepDone("linked");
    if (!error)
        fs::rename(link, functionDir(name) / currentLink, error);
    if (error)
        return std::unexpected(storageError("cannot switch to the new version: " + error.message()));
    syncPath(functionDir(name));
    return *load(name, version);
}

std::optional<FunctionRecord> FunctionStore::current(const std::string &name) const
{
    if (!protocol::checkFunctionName(name).empty())
        return std::nullopt;
    std::lock_guard lock(m_mutex);
    const int version = currentVersion(name);
    return version == 0 ? std::nullopt : load(name, version);
}

std::optional<FunctionRecord> FunctionStore::version(const std::string &name, int number) const
{
    if (!protocol::checkFunctionName(name).empty() || number <= 0)
        return std::nullopt;
    std::lock_guard lock(m_mutex);
    return number > currentVersion(name) ? std::nullopt : load(name, number);
}

std::vector<FunctionRecord> FunctionStore::list() const
{
    std::lock_guard lock(m_mutex);
    std::vector<FunctionRecord> records;
    std::error_code error;
    for (const auto &entry : fs::directory_iterator(m_root, error)) {
        const std::string name = entry.path().filename().string();
        if (!protocol::checkFunctionName(name).empty())
            continue;
        if (auto record = load(name, currentVersion(name)))
            records.push_back(*record);
    }
    std::sort(records.begin(), records.end(), [](const auto &a, const auto &b) {
        return a.name < b.name;
    });
    return records;
}

bool FunctionStore::remove(const std::string &name)
{
    if (!protocol::checkFunctionName(name).empty())
        return false;
    std::lock_guard lock(m_mutex);
    if (currentVersion(name) == 0)
        return false;
    // Renamed away first, so a crash mid-delete never leaves a half-deleted function serving.
    const fs::path doomed = m_root / (deletedPrefix + name + "-" + uniqueSuffix());
    std::error_code error;
    fs::rename(functionDir(name), doomed, error);
    if (error)
        return false;
    fs::remove_all(doomed, error);
    return true;
}

std::expected<void, FunctionStore::RemoveVersionError> FunctionStore::removeVersion(const std::string &name, int number)
{
    if (!protocol::checkFunctionName(name).empty() || number <= 0)
        return std::unexpected(RemoveVersionError::notFound);
    std::lock_guard lock(m_mutex);
    const int serving = currentVersion(name);
    const fs::path dir = functionDir(name) / ("v" + std::to_string(number));
    std::error_code error;
    if (serving == 0 || number > serving || !fs::is_directory(dir, error))
        return std::unexpected(RemoveVersionError::notFound);
    if (number == serving)
        return std::unexpected(RemoveVersionError::serving);
    // Renamed away first, like a whole function: never half a version on disk under its name.
    const fs::path doomed = m_root / (deletedPrefix + name + "-v" + std::to_string(number) + "-" + uniqueSuffix());
    fs::rename(dir, doomed, error);
    if (error)
        return std::unexpected(RemoveVersionError::storage);
    fs::remove_all(doomed, error);
    return {};
}

bool FunctionStore::setBlocked(const std::string &name, bool blocked)
{
    if (!protocol::checkFunctionName(name).empty())
        return false;
    std::lock_guard lock(m_mutex);
    if (currentVersion(name) == 0)
        return false;
    const fs::path marker = functionDir(name) / blockedMarker;
    std::error_code error;
    if (blocked)
        return writeFileSynced(marker, "blocked\n");
    fs::remove(marker, error);
    return !error;
}

} // namespace rune::agent
