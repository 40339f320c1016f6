"""Money to the minor unit (scorecard/money.py), checked by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from scorecard import explain, money


@pytest.mark.parametrize("code, digits", [("JPY", 0), ("KRW", 0), ("EUR", 2), ("USD", 2), ("GBP", 2),
                                          ("KWD", 3), ("BHD", 3), ("JOD", 3), ("OMR", 3), ("TND", 3),
                                          ("CLF", 4), ("eur", 2), ("ZZZ", 2), ("XAU", 2)])
def test_minor_units_follow_iso_4217_and_default_to_cents(code, digits):
    assert money.minor_unit(code) == digits


def test_the_table_holds_the_iso_list():
    assert len(money.MINOR_UNITS) >= 150 and all(len(c) == 3 and c.isupper() for c in money.MINOR_UNITS)


def test_amounts_are_rounded_half_up_once():
    assert str(money.amount("EUR", 480000, 0.12)) == "57600.00"
    assert str(money.amount("JPY", 1000003, 0.12)) == "120000"  # 120,000.36
    assert str(money.amount("JPY", 5, 0.1)) == "1"  # 0.5 rounds up, not to even
    assert str(money.amount("EUR", 0.125, 1)) == "0.13"
    assert str(money.amount("KWD", 12345.678, 0.12)) == "1481.481"  # 1,481.48136
    # the float 33.3 % is 0.33299999999999996: the contract's decimal is used
    assert money.exact(33.3 / 100) == D("0.333") and str(money.amount("EUR", 100, 33.3 / 100)) == "33.30"


def test_spread_gives_the_remainder_to_the_largest_and_adds_up_exactly():
    parts = [D("23040.00"), D("11520.00"), D("23040.00"), D("8640.00")]
    shares = money.spread(D("57600.00"), parts, "EUR")
    assert shares == [D("20034.79"), D("10017.39"), D("20034.78"), D("7513.04")]
    assert sum(shares) == D("57600.00")
    # three equal credits of 1 cent capped to 2 cents: each 0.0067 rounds to 0.01, one too many,
    # taken back from the first of the equal largest
    assert money.spread(D("0.02"), [D("0.01")] * 3, "EUR") == [D("0.00"), D("0.01"), D("0.01")]
    assert money.spread(D("10"), [D("10"), D("5")], "JPY") == [D("7"), D("3")]  # 6.67 + 3.33 = 10
    assert money.spread(D("5"), [D("5")], "JPY") == [D("5")]
    with pytest.raises(ValueError):
        money.spread(D("6"), [D("5")], "JPY")


def test_sentences_state_the_rounded_amount_with_the_currency_decimals():
    assert explain.money(D("57600.00"), "EUR", "en") == "57,600 EUR"
    assert explain.money(D("10017.39"), "EUR", "en") == "10,017.39 EUR"
    assert explain.money(D("592.5"), "KWD", "en") == "592.500 KWD"
    assert explain.money(D("120000"), "JPY", "fr") == "120\u00a0000\u00a0JPY"
    assert explain.money(480000.0, "EUR", "fr") == "480\u00a0000\u00a0EUR"
    assert explain.minor_unit("JPY", "en") == "whole unit" and explain.minor_unit("KWD", "en") == \
        "minor unit (3 decimals)"
