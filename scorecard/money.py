"""Money to the minor unit: amounts are `Decimal`, rounded half up to the currency's ISO 4217 exponent.

A credit note is paid in cents (yen, fils...): an amount like 10017.391304 cannot be paid, and capped
per-KPI amounts that do not add up to the month's TOTAL invite a dispute. Every amount of credits.py
and of the bonus (scoring.py) is computed here, so they all round the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal

# ISO 4217 exponents (digits after the decimal point) of the active codes that are not 2.
_EXPONENTS = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
    2: "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD "
       "CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL "
       "GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD "
       "LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN "
       "PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL "
       "THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL",
}
MINOR_UNITS: dict[str, int] = {code: digits for digits, codes in _EXPONENTS.items() for code in codes.split()}
# A code the table does not know (a new currency, a fund or metal code without a minor unit) gets
# cents: the contract loader already checks that the code is three capital letters.
DEFAULT_MINOR_UNIT = 2
# Wide enough that an amount is never rounded before it reaches its minor unit (the loader refuses
# absurdly large fees).
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)
ZERO = Decimal(0)


def minor_unit(currency: str) -> int:
    """Decimals of the currency: JPY 0, EUR 2, KWD 3; 2 for a code the table does not know."""
    return MINOR_UNITS.get(currency.upper(), DEFAULT_MINOR_UNIT)


def exact(x: float | int | str | Decimal) -> Decimal:
    """The decimal a contract wrote, from the float the loader parsed: 15 significant digits drop
    the binary noise of a division (33.3 % is 0.33299999999999996 as a float, 0.333 here)."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, float):
        return Decimal(format(x, ".15g"))
    return Decimal(str(x))


def rounded(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half up to the currency's minor unit (23040 -> 23040.00 EUR, 23040 JPY)."""
    return _CONTEXT.quantize(amount, Decimal(1).scaleb(-minor_unit(currency)))


def amount(currency: str, *factors: float | int | str | Decimal) -> Decimal:
    """The product of the factors, rounded once to the minor unit: amount("EUR", 480000, 0.12)."""
    product = Decimal(1)
    for factor in factors:
        product = _CONTEXT.multiply(product, exact(factor))
    return rounded(product, currency)


def spread(total: Decimal, parts: Sequence[Decimal], currency: str) -> list[Decimal]:
    """`total` shared in proportion to `parts` (a capped month's credits), each share rounded to the
    minor unit and the rounding remainder given to the largest part (the first of equal ones), so
    the shares add up to `total` exactly.

    A share never exceeds its part nor falls below zero: should the remainder not fit in the largest
    part, the rest goes to the next largest. Needs 0 <= total <= sum(parts).
    """
    whole = sum(parts, ZERO)
    if not ZERO <= total <= whole:
        raise ValueError(f"cannot spread {total} over parts adding up to {whole}")
    if whole == total:
        return list(parts)
    shares = [rounded(_CONTEXT.divide(_CONTEXT.multiply(total, p), whole), currency) for p in parts]
    remainder = total - sum(shares, ZERO)
    for i in sorted(range(len(parts)), key=lambda i: -parts[i]):  # stable: contract order on ties
        if remainder == 0:
            break
        step = min(max(remainder, -shares[i]), parts[i] - shares[i])
        shares[i] += step
        remainder -= step
    return shares
