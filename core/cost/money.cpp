// SPDX-License-Identifier: GPL-3.0-or-later
#include "cost/money.h"

#include <QLocale>
#include <algorithm>
#include <cstdlib>

namespace rune::cost
{

namespace
{

/** Reads "123.456" into an integer scaled by 10^places; nothing for anything else. */
std::optional<Int128> parseScaledDecimal(QStringView text, int places, Int128 max)
{
    const QStringView trimmed = text.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > 40)
        return std::nullopt;
    Int128 whole = 0;
    Int128 fraction = 0;
    int fractionDigits = 0;
    bool inFraction = false;
    bool anyDigit = false;
    for (const QChar c : trimmed) {
        if (c == u'.' && !inFraction) {
            inFraction = true;
            continue;
        }
        if (c < u'0' || c > u'9')
            return std::nullopt;
        anyDigit = true;
        const int digit = c.unicode() - u'0';
        if (!inFraction) {
            whole = whole * 10 + digit;
            if (whole > max)
                return std::nullopt;
        } else {
            if (++fractionDigits > places)
                return std::nullopt;
            fraction = fraction * 10 + digit;
        }
    }
    if (!anyDigit)
        return std::nullopt;
    for (int i = fractionDigits; i < places; ++i)
        fraction *= 10;
    Int128 scale = 1;
    for (int i = 0; i < places; ++i)
        scale *= 10;
    const Int128 value = whole * scale + fraction;
    if (value > max * scale)
        return std::nullopt;
    return value;
}

QString scaledToDecimal(std::int64_t value, int places)
{
    std::int64_t scale = 1;
    for (int i = 0; i < places; ++i)
        scale *= 10;
    QString text = QString::number(value / scale);
    std::int64_t fraction = value % scale;
    if (fraction == 0)
        return text;
    QString digits = QString::number(fraction).rightJustified(places, u'0');
    while (digits.endsWith(u'0'))
        digits.chop(1);
    return text + u'.' + digits;
}

Money saturated(Int128 micros)
{
    if (micros >= INT64_MAX)
        return Money::tooLarge();
    return Money::fromMicros(std::int64_t(micros));
}

} // namespace

std::optional<Money> Money::parse(QStringView text)
{
    const auto micros = parseScaledDecimal(text, 6, INT64_MAX / 1'000'000);
    if (!micros)
        return std::nullopt;
    return saturated(*micros);
}

Money Money::operator+(Money other) const
{
    return saturated(Int128(m_micros) + other.m_micros);
}

Money &Money::operator+=(Money other)
{
    *this = *this + other;
    return *this;
}

Money Money::minusAtMostTo0(Money other) const
{
    if (isTooLarge())
        return *this;
    return Money(other.m_micros >= m_micros ? 0 : m_micros - other.m_micros);
}

Money Money::times(std::int64_t count) const
{
    if (count <= 0)
        return Money();
    return saturated(Int128(m_micros) * count);
}

QString Money::toText(int decimals) const
{
    if (isTooLarge())
        return QStringLiteral("more than 9,223,372,036,854");
    decimals = std::clamp(decimals, 0, 6);
    std::int64_t unit = 1;
    for (int i = decimals; i < 6; ++i)
        unit *= 10;
    const std::int64_t rounded = (m_micros + (m_micros >= 0 ? unit / 2 : -unit / 2)) / unit;
    std::int64_t scale = 1;
    for (int i = 0; i < decimals; ++i)
        scale *= 10;
    QString text = QLocale(QLocale::English, QLocale::UnitedStates).toString(qlonglong(rounded / scale));
    if (decimals > 0)
        text += u'.' + QString::number(std::abs(rounded % scale)).rightJustified(decimals, u'0');
    return text;
}

QString Money::toDecimal() const
{
    return scaledToDecimal(m_micros, 6);
}

std::optional<UnitPrice> UnitPrice::parse(QStringView text)
{
    const auto picos = parseScaledDecimal(text, 12, maxUnits);
    if (!picos)
        return std::nullopt;
    return UnitPrice(std::int64_t(*picos));
}

Money UnitPrice::times(Int128 numerator, Int128 denominator) const
{
    if (numerator <= 0 || denominator <= 0)
        return Money();
    constexpr Int128 picosPerMicro = 1'000'000;
    constexpr Int128 int128Max = Int128(~static_cast<UInt128>(0) >> 1);
    if (m_picos > 0 && numerator > int128Max / m_picos)
        return Money::tooLarge();
    if (denominator > int128Max / picosPerMicro)
        return Money();
    const Int128 whole = Int128(m_picos) * numerator;
    const Int128 divisor = denominator * picosPerMicro;
    const Int128 remainder = whole % divisor;
    return saturated(whole / divisor + (remainder >= divisor - remainder ? 1 : 0));
}

QString UnitPrice::toDecimal() const
{
    return scaledToDecimal(m_picos, 12);
}

} // namespace rune::cost
