// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringView>
#include <compare>
#include <cstdint>
#include <optional>

namespace rune::cost
{

// Products of prices and quantities need more than 64 bits before they are rounded to money.
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

/**
 * An amount of money in whole micro-units of its currency (one dollar is 1,000,000), so sums
 * are exact: money is never accumulated in binary floating point. Arithmetic saturates at
 * Money::tooLarge() (about 9.2 trillion units) instead of wrapping.
 */
class Money
{
public:
    constexpr Money() = default;
    static constexpr Money fromMicros(std::int64_t micros)
    {
        return Money(micros);
    }
    static constexpr Money tooLarge()
    {
        return Money(INT64_MAX);
    }
    /** A decimal amount ("1860.13", "0.2"), up to six decimal places and tooLarge(); no exponent. */
    static std::optional<Money> parse(QStringView text);

    constexpr std::int64_t micros() const
    {
        return m_micros;
    }
    constexpr bool isTooLarge() const
    {
        return m_micros == INT64_MAX;
    }

    Money operator+(Money other) const;
    Money &operator+=(Money other);
    /** Never below zero: a free allowance larger than the usage costs nothing. */
    Money minusAtMostTo0(Money other) const;
    Money times(std::int64_t count) const;
    constexpr auto operator<=>(const Money &) const = default;

    /** Rounded half away from zero to @p decimals places, with a comma every three digits: "1,860.13". */
    QString toText(int decimals = 2) const;
    /** The exact amount as a plain decimal ("1860.132"), for files and CSV. */
    QString toDecimal() const;

private:
    constexpr explicit Money(std::int64_t micros)
        : m_micros(micros)
    {
    }
    std::int64_t m_micros = 0;
};

/**
 * A price per unit (per request, per GB-second, per hour), exact to twelve decimal places:
 * Lambda's $0.0000166667 per GB-second is 16,666,700 pico-dollars.
 */
class UnitPrice
{
public:
    constexpr UnitPrice() = default;
    /** The most a unit may cost, so that price × quantity is computed without overflow. */
    static constexpr std::int64_t maxUnits = 1'000'000;
    /** A decimal ("0.0000166667", "0.20"), 0 to maxUnits, up to twelve decimal places. */
    static std::optional<UnitPrice> parse(QStringView text);
    static constexpr UnitPrice fromPicos(std::int64_t picos)
    {
        return UnitPrice(picos);
    }

    constexpr std::int64_t picos() const
    {
        return m_picos;
    }
    /** The price of numerator / denominator units, rounded half up to a micro-unit. */
    Money times(Int128 numerator, Int128 denominator = 1) const;
    /** The shortest exact decimal: "0.0000166667". */
    QString toDecimal() const;
    constexpr auto operator<=>(const UnitPrice &) const = default;

private:
    constexpr explicit UnitPrice(std::int64_t picos)
        : m_picos(picos)
    {
    }
    std::int64_t m_picos = 0;
};

} // namespace rune::cost
