// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpbodybudget.h"

namespace rune::agent
{

BodyBudget::Share::Share(std::shared_ptr<BodyBudget> budget)
    : m_budget(std::move(budget))
{
}

BodyBudget::Share::~Share()
{
    m_budget->giveBack(m_bytes);
}

bool BodyBudget::Share::growTo(std::uint64_t total, std::uint64_t limit)
{
    if (total <= m_bytes)
        return true;
    if (!m_budget->take(total - m_bytes, limit))
        return false;
    m_bytes = total;
    return true;
}

std::uint64_t BodyBudget::Share::bytes() const
{
    return m_bytes;
}

std::shared_ptr<BodyBudget::Share> BodyBudget::share()
{
    return std::make_shared<Share>(shared_from_this());
}

std::uint64_t BodyBudget::inUse() const
{
    return m_inUse.load();
}

bool BodyBudget::take(std::uint64_t bytes, std::uint64_t limit)
{
    std::uint64_t used = m_inUse.load();
    do {
        if (bytes > limit || used > limit - bytes)
            return false;
    } while (!m_inUse.compare_exchange_weak(used, used + bytes));
    return true;
}

void BodyBudget::giveBack(std::uint64_t bytes)
{
    m_inUse.fetch_sub(bytes);
}

} // namespace rune::agent
