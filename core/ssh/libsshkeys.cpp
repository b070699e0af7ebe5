// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/libsshkeys.h"

namespace rune
{

QString sha256Fingerprint(ssh_key key)
{
    unsigned char *hash = nullptr;
    size_t length = 0;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != SSH_OK)
        return {};
    char *text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    ssh_clean_pubkey_hash(&hash);
    const QString fingerprint = QString::fromLatin1(text);
    ssh_string_free_char(text);
    return fingerprint;
}

QString keyTypeName(ssh_key key)
{
    return QString::fromLatin1(ssh_key_type_to_char(ssh_key_type(key)));
}

} // namespace rune
