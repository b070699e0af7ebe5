// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deployconfig.h"
#include "functions/archive.h"
#include "protocol.h"

#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace rune::agent
{

/** One deployed version of a function as kept on disk. */
struct FunctionRecord {
    std::string name;
    int version = 0;
    protocol::FunctionConfig config;
    bool blocked = false;
    std::filesystem::path codeDir;
};

/** Why a deploy was refused: a machine code and every problem in words. */
struct DeployError {
    std::string code; ///< protocol::errorcode's invalidConfig, badArchive or storage
    std::vector<std::string> problems;
};

/**
 * Functions on the agent's disk: `<state>/functions/<name>/v<N>/{code/,config.json}` and a
 * `current` link naming the version that serves. A deploy unpacks into a staging directory,
 * renames it to the next version and then swaps `current` with an atomic rename, so an agent
 * killed at any moment restarts with either the old or the new version, never a mix.
 */
class FunctionStore
{
public:
    explicit FunctionStore(std::filesystem::path stateDir, ArchiveLimits limits = {});

    /** Runs @p hook after each step of a deploy ("staged", "renamed", "linked"): see AgentHooks. */
    void setAfterStep(std::function<void(std::string_view step)> hook);

    /**
     * A check that runs before every deploy and refuses it with the problem it names: that the
     * functions' users could not reach the code, say.
     */
    void setDeployCheck(std::function<std::optional<std::string>()> check);

    /** Removes what an interrupted deploy or delete left behind. Run once at start. */
    void recover();

    std::expected<FunctionRecord, DeployError> deploy(
        const std::string &name, std::string_view archive, const nlohmann::json &config);
    std::optional<FunctionRecord> current(const std::string &name) const;
    std::optional<FunctionRecord> version(const std::string &name, int version) const;
    std::vector<FunctionRecord> list() const;
    /** The version numbers of @p name kept on disk, oldest first; empty for an unknown function. */
    std::vector<int> versions(const std::string &name) const;
    bool remove(const std::string &name);
    /** Why a version could not be removed. */
    enum class RemoveVersionError { notFound, serving, storage };
    /** Removes one older version of @p name for good; the serving version stays. */
    std::expected<void, RemoveVersionError> removeVersion(const std::string &name, int version);
    /** Blocks or unblocks a function; false when there is no such function. */
    bool setBlocked(const std::string &name, bool blocked);

private:
    std::filesystem::path functionDir(const std::string &name) const;
    std::optional<FunctionRecord> load(const std::string &name, int version) const;
    int currentVersion(const std::string &name) const;
    int nextVersion(const std::string &name) const;
    void stepDone(std::string_view step) const;
    std::expected<std::filesystem::path, DeployError> stage(
        const std::string &name, std::string_view archive, const protocol::FunctionConfig &config);

    std::filesystem::path m_root;
    ArchiveLimits m_limits;
    std::function<void(std::string_view)> m_afterStep;
    std::function<std::optional<std::string>()> m_deployCheck;
    mutable std::mutex m_mutex;
};

} // namespace rune::agent
