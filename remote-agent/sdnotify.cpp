// SPDX-License-Identifier: GPL-3.0-or-later
#include "sdnotify.h"

#include "log.h"

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace rune::agent
{

void notifySystemd(std::string_view state)
{
    const char *socketPath = std::getenv("NOTIFY_SOCKET");
    if (!socketPath || !*socketPath)
        return;
    std::string path = socketPath;
    sockaddr_un address {};
    if (path.size() >= sizeof address.sun_path || (path[0] != '/' && path[0] != '@')) {
        logLine("NOTIFY_SOCKET is not a usable socket address: " + path);
        return;
    }
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.data(), path.size());
    if (path[0] == '@')
        address.sun_path[0] = '\0'; // abstract namespace: the name is not NUL-terminated
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    const auto *target = reinterpret_cast<const sockaddr *>(&address);
    if (sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, target, length) < 0)
        logLine("cannot notify systemd at " + path);
    close(fd);
}

} // namespace rune::agent
