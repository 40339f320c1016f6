"""Escalation of repeat misses, transition waivers and reductions, per-channel allocations: each
clause checked by hand, then invariants by property (never above the cap, paid rows add up)."""

from __future__ import annotations

import dataclasses
import math
from datetime import date
from decimal import Decimal as D

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from test_scoring import make_contract, raw_frame

from scorecard import explain, money
from scorecard.contract.model import ServiceCredits, Transition
from scorecard.credits import compute_credits
from scorecard.periods import months_between
from scorecard.scoring import score_results
from scorecard.units import parse_target

NB = "\u00a0"
RED, AMBER, GREEN = 0.60, 0.75, 0.85  # sl: target >= 80 %, minimum >= 70 %
WAIVED = Transition(until=date(2026, 3, 15), credits="waived", reduction=1.0)
HALF = Transition(until=date(2026, 3, 1), credits="reduced", reduction=0.5)


def contract(lang: str = "en", **clause):
    """12 % x 480,000 EUR = 57,600 EUR at risk; sl and fcr 40 % each (23,040 EUR)."""
    terms = {"at_risk": 0.12, "pool": 2.0, "allocations": {"sl": 0.4, "fcr": 0.4}, **clause}
    return dataclasses.replace(make_contract(credits=ServiceCredits(**terms)), language=lang)


def scored(c, sl: dict[str, float], fcr: dict[str, float] | None = None) -> pd.DataFrame:
    rows = [(m, "sl", "vendor", "Nordlys", v, 1000, "no data" if math.isnan(v) else "") for m, v in sl.items()]
    rows += [(m, "fcr", "vendor", "Nordlys", v, 1000) for m, v in (fcr or {}).items()]
    return score_results(raw_frame(rows), c)


def cell(frame: pd.DataFrame, period: str, kpi: str, column: str, channel: str = ""):
    return frame[(frame["period"] == period) & (frame["kpi"] == kpi) & (frame["channel"] == channel)][column].item()


# --- escalation ---------------------------------------------------------------------------------

ESCALATION = contract(escalation=(1.0, 1.5, 2.0))
RUN = {"2026-01": RED, "2026-02": RED, "2026-03": RED, "2026-04": RED, "2026-05": AMBER, "2026-06": RED,
       "2026-07": RED, "2026-08": math.nan, "2026-09": RED}


def test_escalation_multiplies_consecutive_misses_by_hand():
    out = compute_credits(scored(ESCALATION, RUN), ESCALATION, list(RUN))
    credits = out[out["kpi"] == "sl"].set_index("period")
    # 57,600 x 40 % = 23,040 x 1, x 1.5, x 2, then x 2 from the third month on; amber ends the run
    assert credits["credit"].to_dict() == {
        "2026-01": D("23040.00"), "2026-02": D("34560.00"), "2026-03": D("46080.00"), "2026-04": D("46080.00"),
        "2026-05": D("0.00"), "2026-06": D("23040.00"), "2026-07": D("34560.00"),
        "2026-08": D("0.00"), "2026-09": D("23040.00")}  # a month not measurable ends the run too
    assert credits["escalation"].to_dict()["2026-04"] == 2.0 and credits["escalation"].to_dict()["2026-05"] == 1.0
    assert credits.at["2026-02", "explanation"] == (
        "Service level was 60.0 % against a minimum of 70 % (service-credit share: 40 %): credit = 12 % x "
        "480,000 EUR at risk = 57,600 EUR x 40 % x 1.5 = 34,560 EUR (x 1.5: second consecutive month below "
        "the minimum).")
    assert "x 2 = 46,080 EUR (x 2: 4th consecutive month below the minimum)." in credits.at["2026-04", "explanation"]
    assert "consecutive" not in credits.at["2026-01", "explanation"]


def test_escalation_is_applied_before_the_cap():
    """March: sl third miss x 2 = 46,080 plus fcr first miss 23,040 = 69,120 > 57,600: each paid at
    57,600 / 69,120 = 5/6: 38,400 and 19,200."""
    out = compute_credits(scored(ESCALATION, RUN, {"2026-03": 0.60}), ESCALATION, ["2026-03"])
    assert cell(out, "2026-03", "sl", "paid") == D("38400.00") and cell(out, "2026-03", "fcr", "paid") == D("19200.00")
    assert cell(out, "2026-03", "TOTAL", "paid") == D("57600.00") == cell(out, "2026-03", "TOTAL", "credit")
    assert "the KPI credits add up to 69,120 EUR, above the cap of 57,600 EUR" in \
        cell(out, "2026-03", "TOTAL", "explanation")


# --- transition ---------------------------------------------------------------------------------

def test_waived_transition_keeps_what_would_have_been_charged():
    """until 2026-03-15: January to March are in transition (their first day is before it)."""
    c = contract(transition=WAIVED, escalation=(1.0, 1.5, 2.0))
    out = compute_credits(scored(c, RUN), c, months_between("2026-01", "2026-04"))
    sl = out[out["kpi"] == "sl"].set_index("period")
    assert sl["credit"].to_dict() == {"2026-01": 0, "2026-02": 0, "2026-03": 0, "2026-04": D("23040.00")}
    assert (sl["would_have_been"].iloc[:3] == D("23040.00")).all()  # no escalation inside the transition
    assert sl.at["2026-04", "escalation"] == 1.0  # April is the first miss after the transition
    assert sl.at["2026-02", "explanation"].endswith(
        f"= 23,040 EUR. In the transition period (until 15{NB}Mar{NB}2026) the credit is waived: 0 EUR charged "
        "instead of 23,040 EUR.")
    assert cell(out, "2026-02", "TOTAL", "paid") == 0
    assert cell(out, "2026-02", "TOTAL", "would_have_been") == D("23040.00")
    assert cell(out, "2026-02", "TOTAL", "explanation") == (
        "Total credit for 2026-02: 0 EUR, within the cap of 57,600 EUR at risk (12 % x 480,000 EUR); the cap "
        f"does not apply. Transition period (until 15{NB}Mar{NB}2026): credits waived; without it they would have "
        "been 23,040 EUR.")
    assert "Transition" not in cell(out, "2026-04", "TOTAL", "explanation")


def test_reduced_transition_charges_half_and_earn_back_returns_what_was_paid():
    c = dataclasses.replace(contract(transition=HALF),
                            service_credits=dataclasses.replace(contract(transition=HALF).service_credits,
                                                                earn_back_months=2))
    sl = {"2026-01": RED, "2026-02": GREEN, "2026-03": GREEN}
    out = compute_credits(scored(c, sl, {"2026-01": 0.60}), c, ["2026-01", "2026-03"])
    assert cell(out, "2026-01", "sl", "credit") == D("11520.00") == cell(out, "2026-01", "sl", "paid")
    assert cell(out, "2026-01", "sl", "would_have_been") == D("23040.00")
    assert "the credit is reduced by 50 %: 23,040 EUR x 50 % = 11,520 EUR charged instead of 23,040 EUR." \
        in cell(out, "2026-01", "sl", "explanation")
    assert cell(out, "2026-01", "TOTAL", "paid") == D("23040.00")
    assert "credits reduced by 50 %; without it they would have been 46,080 EUR." in \
        cell(out, "2026-01", "TOTAL", "explanation")
    assert cell(out, "2026-03", "sl", "earned_back") == D("11520.00")  # what was paid, not 23,040


def test_transition_in_french():
    c = contract("fr", transition=HALF, escalation=(1.0, 1.5))
    out = compute_credits(scored(c, {"2026-02": RED, "2026-03": RED, "2026-04": RED}), c,
                          ["2026-02", "2026-04"])
    assert cell(out, "2026-02", "sl", "explanation") == (
        f"Niveau de service était à 60,0{NB}% contre un minimum de 70{NB}% (part de pénalité{NB}: 40{NB}%){NB}: "
        f"pénalité = 12{NB}% x 480{NB}000{NB}EUR en jeu = 57{NB}600{NB}EUR x 40{NB}% = 23{NB}040{NB}EUR. "
        f"En période de transition (jusqu'au 1{NB}mars{NB}2026) la pénalité est réduite de 50{NB}%{NB}: "
        f"23{NB}040{NB}EUR x 50{NB}% = 11{NB}520{NB}EUR facturés au lieu de 23{NB}040{NB}EUR.")
    assert (f"x 1,5 = 34{NB}560{NB}EUR (x 1,5{NB}: deuxième mois consécutif sous son minimum)."
            in cell(out, "2026-04", "sl", "explanation"))
    assert explain.threshold("<= 7m", "duration", "fr") == f"7{NB}min au plus"  # "un objectif de 7 min au plus"


# --- per-channel allocations -------------------------------------------------------------------

def channel_contract():
    base = make_contract(credits=ServiceCredits(at_risk=0.12, pool=1.0, allocations={"fcr": 0.4},
                                                channel_allocations={"sl": {"voice": 0.2, "chat": 0.2}}))
    sl = dataclasses.replace(base.kpis["sl"], per_channel_minimums={"voice": parse_target(">= 70%"),
                                                                    "chat": parse_target(">= 65%")})
    return dataclasses.replace(base, kpis={**base.kpis, "sl": sl})


def test_per_channel_allocation_voice_misses_chat_meets():
    c = channel_contract()
    rows = [("2026-03", "sl", "vendor", "Nordlys", 0.72, 2000), ("2026-03", "sl", "channel", "voice", 0.643, 1200),
            ("2026-03", "sl", "channel", "chat", 0.787, 800), ("2026-03", "fcr", "vendor", "Nordlys", 0.80, 900)]
    out = compute_credits(score_results(raw_frame(rows), c), c, ["2026-03"])
    assert list(zip(out["kpi"], out["channel"])) == [("fcr", ""), ("sl", "voice"), ("sl", "chat"), ("TOTAL", "")]
    assert cell(out, "2026-03", "sl", "minimum", "voice") == ">= 70%"
    assert cell(out, "2026-03", "sl", "credit", "voice") == D("11520.00")  # 57,600 x 20 %
    assert cell(out, "2026-03", "sl", "credit", "chat") == 0  # 78.7 % is amber: above its 65 % minimum
    assert cell(out, "2026-03", "sl", "explanation", "voice") == (
        "Service level (voice) was 64.3 % against a minimum of 70 % (service-credit share: 20 %): credit = "
        "12 % x 480,000 EUR at risk = 57,600 EUR x 20 % = 11,520 EUR.")
    assert cell(out, "2026-03", "sl", "explanation", "chat") == \
        "Service level (chat) was 78.7 % and met its minimum of 65 %: no credit."
    assert cell(out, "2026-03", "TOTAL", "paid") == D("11520.00")
    assert cell(out, "2026-03", "TOTAL", "allocation") == 0.8


# --- properties -----------------------------------------------------------------------------------

MONTHS = months_between("2025-09", "2026-08")
LEVELS = {"red": RED, "amber": AMBER, "green": GREEN, "none": math.nan}


@settings(max_examples=50, deadline=None)
@given(grid=st.lists(st.tuples(st.sampled_from(sorted(LEVELS)), st.sampled_from(sorted(LEVELS))),
                     min_size=len(MONTHS), max_size=len(MONTHS)),
       shares=st.tuples(st.sampled_from([0.1, 0.4, 0.75, 1.0]), st.sampled_from([0.1, 0.4, 0.75, 1.0])),
       escalation=st.lists(st.sampled_from([1.0, 1.25, 1.5, 2.0, 3.0]), min_size=1, max_size=4).map(sorted),
       until=st.sampled_from(MONTHS), reduction=st.sampled_from([0.25, 0.5, 1.0]),
       fee=st.sampled_from([480000, 123456.78, 999.99]))
def test_never_above_the_cap_and_paid_rows_add_up(grid, shares, escalation, until, reduction, fee):
    transition = Transition(until=date(int(until[:4]), int(until[5:]), 1), credits="reduced", reduction=reduction)
    c = dataclasses.replace(contract(allocations=dict(zip(("sl", "fcr"), shares, strict=True)),
                                     escalation=tuple(escalation), transition=transition), monthly_fee=fee)
    sl = {m: LEVELS[a] for m, (a, _) in zip(MONTHS, grid, strict=True)}
    fcr = {m: LEVELS[b] for m, (_, b) in zip(MONTHS, grid, strict=True) if b != "none"}
    out = compute_credits(scored(c, sl, fcr), c, MONTHS)
    cap = money.amount("EUR", fee, 0.12)
    for month, rows in out.groupby("period"):
        lines, total = rows[rows["kpi"] != "TOTAL"], rows[rows["kpi"] == "TOTAL"].iloc[0]
        assert total["paid"] <= cap and total["paid"] == sum(lines["paid"], D(0))
        assert total["paid"] == min(sum(lines["credit"], D(0)), cap)
        assert (lines["paid"] <= lines["credit"]).all() and (lines["credit"] <= lines["would_have_been"]).all()
        assert lines["escalation"].between(1.0, max(escalation)).all()
        if not transition.covers(month):
            assert (lines["credit"] == lines["would_have_been"]).all()


def test_transition_misses_count_for_no_chronic_failure():
    """Red from January to June; January to March are forgiven: 3 misses within 6 months only in June."""
    c = contract(transition=WAIVED, chronic_misses=3, chronic_within_months=6)
    out = compute_credits(scored(c, {m: RED for m in months_between("2026-01", "2026-06")}), c,
                          months_between("2026-01", "2026-06"))
    flags = out[out["kpi"] == "sl"].set_index("period")["chronic_failure"]
    assert list(flags[flags].index) == ["2026-06"]
    assert "(2026-04, 2026-05, 2026-06)" in cell(out, "2026-06", "sl", "explanation")
