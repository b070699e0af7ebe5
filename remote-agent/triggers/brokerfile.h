// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <expected>
#include <filesystem>
#include <optional>
#include <string>

namespace rune::agent
{

/** The broker the console set (PUT /v1/triggers/broker); the password is a file of its own. */
struct StoredBroker {
    std::string url;
    std::string username;
};

/**
 * The broker set through the control API, kept in the state directory so it survives a restart:
 * triggers/broker.json (URL and user) and triggers/mqtt-password (mode 0600, only the agent's user
 * reads it). While it exists it wins over mqtt_url in the config file. Files are replaced whole
 * (written beside, then renamed), so a crash leaves the old or the new settings.
 */
class BrokerFile final
{
public:
    explicit BrokerFile(const std::filesystem::path &stateDir);

    /** nullopt when the console set no broker (or cleared it). */
    std::expected<std::optional<StoredBroker>, std::string> load() const;
    /** The stored password; empty when there is none. */
    std::expected<std::string, std::string> password() const;
    /** Stores @p broker; @p password nullopt keeps the stored one, empty removes it. */
    std::expected<void, std::string> save(const StoredBroker &broker, const std::optional<std::string> &password) const;
    /** Forgets the stored broker and password: the config file's mqtt_url applies again. */
    std::expected<void, std::string> clear() const;
    const std::filesystem::path &passwordPath() const;

private:
    std::filesystem::path m_settingsPath;
    std::filesystem::path m_passwordPath;
};

} // namespace rune::agent
