// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace rune::agent
{

// The request-body bytes every connection of the agent may hold at once. A request takes its
// share before its body is read (the declared length) or as it grows (chunked), and gives it back
// when its exchange ends; the limit is passed on each call, so a reload applies at once.
class BodyBudget final : public std::enable_shared_from_this<BodyBudget>
{
public:
    class Share final
    {
    public:
        explicit Share(std::shared_ptr<BodyBudget> budget);
        Share(const Share &) = delete;
        Share &operator=(const Share &) = delete;
        ~Share();

        // Grows this share to @p total bytes; false, and unchanged, when the budget has no room.
        bool growTo(std::uint64_t total, std::uint64_t limit);
        std::uint64_t bytes() const;

    private:
        std::shared_ptr<BodyBudget> m_budget;
        std::uint64_t m_bytes = 0;
    };

    std::shared_ptr<Share> share();
    std::uint64_t inUse() const;

private:
    bool take(std::uint64_t bytes, std::uint64_t limit);
    void giveBack(std::uint64_t bytes);

    std::atomic<std::uint64_t> m_inUse {0};
};

} // namespace rune::agent
