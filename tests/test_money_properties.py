"""Money invariants of service credits (hypothesis), for random contracts and monthly results:
paid <= cap, the paid rows of a month add up exactly to its TOTAL, no negative amount, never more
earned back than paid, every amount in the currency's minor unit, and no credit outside the term
or the data's span."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from test_scoring import make_contract

from scorecard import money
from scorecard.contract.model import ServiceCredits
from scorecard.credits import compute_credits
from scorecard.periods import months_between
from scorecard.scoring import AMBER, GREEN, INSUFFICIENT, NOT_MEASURABLE, RED
from scorecard.term import left_out_months

KPIS = ["sl", "asa", "fcr", "qa"]
MONTHS = months_between("2025-01", "2026-06")
STATUSES = [GREEN, GREEN, AMBER, RED, RED, INSUFFICIENT, NOT_MEASURABLE]
percent = st.integers(min_value=1, max_value=10000).map(lambda bp: bp / 10000)  # 0.01 % .. 100 %


def _day(month: str, day: int) -> date:
    return date(int(month[:4]), int(month[5:]), day)


@st.composite
def contracts(draw):
    kpis = draw(st.lists(st.sampled_from(KPIS), min_size=1, max_size=4, unique=True))
    clause = ServiceCredits(
        at_risk=draw(percent), pool=draw(st.sampled_from([1.0, 1.5, 2.0, 4.0])),
        allocations={k: draw(percent) for k in kpis},
        earn_back_months=draw(st.none() | st.integers(min_value=1, max_value=4)),
        chronic_misses=draw(st.integers(min_value=1, max_value=4)), chronic_within_months=6)
    effective, expires = (draw(st.none() | st.builds(_day, st.sampled_from(MONTHS), st.integers(1, 28)))
                          for _ in range(2))
    if effective and expires and effective > expires:
        effective, expires = expires, effective
    fee = draw(st.decimals(min_value=1, max_value=10**9, places=3, allow_nan=False, allow_infinity=False))
    return replace(make_contract(credits=clause), currency=draw(st.sampled_from(["EUR", "JPY", "KWD", "USD"])),
                   monthly_fee=float(fee), effective=effective, expires=expires)


def scored(statuses: list[list[str]], kpis: list[str]) -> pd.DataFrame:
    rows = [{"period": m, "kpi": k, "grain": "vendor", "entity": "Nordlys", "value": 0.5, "n": 1000,
             "status": s, "target": ">= 80%", "minimum": ">= 70%", "note": "", "unit": "rate"}
            for m, line in zip(MONTHS, statuses, strict=True) for k, s in zip(kpis, line, strict=False)]
    return pd.DataFrame(rows)


@settings(max_examples=150, deadline=None)
@given(contract=contracts(),
       statuses=st.lists(st.lists(st.sampled_from(STATUSES), min_size=4, max_size=4),
                         min_size=len(MONTHS), max_size=len(MONTHS)),
       data_span=st.tuples(st.sampled_from(MONTHS[:6]), st.sampled_from(MONTHS[6:])),
       within_term=st.booleans())
def test_money_invariants(contract, statuses, data_span, within_term):
    kpis = list(contract.service_credits.allocations)
    left = left_out_months(MONTHS, contract, data_span, within_term=within_term)
    out = compute_credits(scored(statuses, kpis), contract, MONTHS, left)
    cap = money.amount(contract.currency, contract.monthly_fee, contract.service_credits.at_risk)
    digits = money.minor_unit(contract.currency)
    for column in ("credit", "paid", "earned_back"):
        assert all(isinstance(a, Decimal) and a >= 0 and -a.as_tuple().exponent == digits for a in out[column])
    for month, rows in out.groupby("period"):
        total, lines = rows[rows["kpi"] == "TOTAL"].iloc[0], rows[rows["kpi"] != "TOTAL"]
        assert total["paid"] == total["credit"] == sum(lines["paid"], money.ZERO) <= cap
        assert (lines["paid"] <= lines["credit"]).all()
        if month in left:
            assert len(lines) == 0 and total["paid"] == 0 and total["earned_back"] == 0
        elif sum(lines["credit"], money.ZERO) <= cap:
            assert (lines["paid"] == lines["credit"]).all()
        missed = lines[lines["missed"]]
        assert (missed["credit"] == [money.amount(contract.currency, cap, contract.service_credits.allocations[k])
                                     for k in missed["kpi"]]).all()
    lines = out[out["kpi"] != "TOTAL"]
    for _, mine in lines.groupby("kpi"):
        assert sum(mine["earned_back"], money.ZERO) <= sum(mine["paid"], money.ZERO)
    # chronic failure counts only red months that are charged
    red = {(m, k) for m, line in zip(MONTHS, statuses, strict=True) for k, s in zip(kpis, line, strict=False)
           if s == RED and m not in left}
    misses = contract.service_credits.chronic_misses
    for row in lines.itertuples():
        window = months_between(MONTHS[max(0, MONTHS.index(row.period) - 5)], row.period)
        assert row.chronic_failure == (sum((m, row.kpi) in red for m in window) >= misses)
    if within_term and contract.effective:
        first = f"{contract.effective.year:04d}-{contract.effective.month:02d}"
        assert (out[out["period"] < first]["paid"] == 0).all()
