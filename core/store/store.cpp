// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/store.h"

#include "store/sqlitestore.h"

namespace rune
{

Result<std::unique_ptr<Store>> Store::open(const QString &path)
{
    auto store = SqliteStore::open(path);
    if (!store)
        return std::unexpected(store.error());
    return std::unique_ptr<Store>(std::move(*store));
}

Store::~Store() = default;

} // namespace rune
