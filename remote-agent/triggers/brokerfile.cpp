// SPDX-License-Identifier: GPL-3.0-or-later
#include "triggers/brokerfile.h"

#include "jsontext.h"
#include "protocol.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace rune::agent
{

namespace
{

namespace fs = std::filesystem;
namespace triggerField = protocol::triggers;

constexpr std::size_t maxSettingsBytes = 16 * 1024;

std::expected<std::string, std::string> readAll(const fs::path &path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return std::unexpected("cannot read " + path.string() + ": " + std::strerror(errno));
    std::ostringstream content;
    content << file.rdbuf();
    return content.str();
}

// Written to a new file that only the owner may read, then renamed over the old one.
std::expected<void, std::string> writeReplacing(const fs::path &path, const std::string &text)
{
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    if (error)
        return std::unexpected("cannot create " + path.parent_path().string() + ": " + error.message());
    const fs::path temporary = path.string() + ".new";
    ::unlink(temporary.c_str());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return std::unexpected("cannot write " + temporary.string() + ": " + std::strerror(errno));
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t now = ::write(fd, text.data() + written, text.size() - written);
        if (now < 0 && errno == EINTR)
            continue;
        if (now <= 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(temporary.c_str());
            return std::unexpected("cannot write " + temporary.string() + ": " + why);
        }
        written += std::size_t(now);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || ::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temporary.c_str());
        return std::unexpected("cannot replace " + path.string() + ": " + why);
    }
    return {};
}

std::expected<void, std::string> removeIfPresent(const fs::path &path)
{
    std::error_code error;
    fs::remove(path, error);
    if (error)
        return std::unexpected("cannot remove " + path.string() + ": " + error.message());
    return {};
}

} // namespace

BrokerFile::BrokerFile(const fs::path &stateDir)
    : m_settingsPath(stateDir / "triggers" / "broker.json")
    , m_passwordPath(stateDir / "triggers" / "mqtt-password")
{
}

std::expected<std::optional<StoredBroker>, std::string> BrokerFile::load() const
{
    std::error_code error;
    if (!fs::exists(m_settingsPath, error))
        return std::optional<StoredBroker> {};
    auto text = readAll(m_settingsPath);
    if (!text)
        return std::unexpected(text.error());
    auto json = parseJsonText(*text, maxSettingsBytes, 4);
    if (!json || !json->is_object() || !(*json)[triggerField::url].is_string())
        return std::unexpected(m_settingsPath.string() + " is damaged: set the broker again from the console");
    StoredBroker broker;
    broker.url = (*json)[triggerField::url].get<std::string>();
    if (const auto user = json->find(triggerField::username); user != json->end() && user->is_string())
        broker.username = user->get<std::string>();
    return broker;
}

std::expected<std::string, std::string> BrokerFile::password() const
{
    std::error_code error;
    if (!fs::exists(m_passwordPath, error))
        return std::string();
    return readAll(m_passwordPath);
}

std::expected<void, std::string> BrokerFile::save(
    const StoredBroker &broker, const std::optional<std::string> &password) const
{
    if (password) {
        auto stored = password->empty() ? removeIfPresent(m_passwordPath) : writeReplacing(m_passwordPath, *password);
        if (!stored)
            return stored;
    }
    return writeReplacing(
        m_settingsPath, jsonText({{triggerField::url, broker.url}, {triggerField::username, broker.username}}));
}

std::expected<void, std::string> BrokerFile::clear() const
{
    if (auto removed = removeIfPresent(m_settingsPath); !removed)
        return removed;
    return removeIfPresent(m_passwordPath);
}

const fs::path &BrokerFile::passwordPath() const
{
    return m_passwordPath;
}

} // namespace rune::agent
