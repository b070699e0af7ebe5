// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Small helpers over libssh's key API, shared by the libssh transport's pieces.

#include <QString>
#include <libssh/libssh.h>

namespace rune
{

/** "SHA256:<base64>" as `ssh-keygen -l` prints it; empty when libssh cannot hash the key. */
QString sha256Fingerprint(ssh_key key);
/** e.g. "ssh-ed25519". */
QString keyTypeName(ssh_key key);

} // namespace rune
