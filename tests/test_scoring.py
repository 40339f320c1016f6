"""Scoring: statuses, attainment, points, changes, trends and the overall score, checked by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecard.contract.model import Contract, Incentives, KpiSpec, Role, Scoring, ServiceCredits
from scorecard.scoring import (add_changes, overall_scores, points, score_results, status_of, trend)
from scorecard.units import Target, parse_target

RAW_COLUMNS = ["period", "kpi", "metric", "grain", "entity", "value", "n", "provisional", "note"]


def kpi(kpi_id: str, metric: str, target: str | None, minimum: str | None = None, **extra) -> KpiSpec:
    return KpiSpec(id=kpi_id, metric=metric, target=parse_target(target) if target else None,
                   minimum=parse_target(minimum) if minimum else None, **extra)


def make_contract(*, credits: ServiceCredits | None = None, incentives: Incentives | None = None) -> Contract:
    """A small contract shaped like contract-sketch.yaml (shared with test_credits.py)."""
    kpis = [
        kpi("sl", "service_level", ">= 80%", ">= 70%", min_sample=500),
        kpi("asa", "average_speed_of_answer", "<= 30s", "<= 60s"),
        kpi("fcr", "first_contact_resolution", ">= 75%"),
        kpi("aht", "average_handle_time", "<= 7m", per_channel_targets={"chat": parse_target("<= 12m")}),
        kpi("qa", "quality_score", ">= 85", ">= 80"),
        kpi("volume", "volume", None),
    ]
    return Contract(
        id="test", client="Acme", vendor="Nordlys", currency="EUR", timezone="Europe/Paris",
        effective=None, expires=None, monthly_fee=480000, kpis={k.id: k for k in kpis},
        service_credits=credits, incentives=incentives,
        scoring=Scoring(weights={"sl": 15, "asa": 10, "fcr": 20, "qa": 15}),
        roles={"agent": Role("agent", "agent_id", ("qa", "aht"), targets={"qa": parse_target(">= 90")})},
    )


def raw_frame(rows: list[tuple]) -> pd.DataFrame:
    """rows of (period, kpi, grain, entity, value, n[, note]) -> a raw-results frame."""
    contract = make_contract()
    records = []
    for period, kpi_id, grain, entity, value, n, *note in rows:
        records.append({"period": period, "kpi": kpi_id, "metric": contract.kpis[kpi_id].metric, "grain": grain,
                        "entity": entity, "value": value, "n": n, "provisional": False,
                        "note": note[0] if note else ""})
    return pd.DataFrame(records, columns=RAW_COLUMNS)


def vendor_rows(period: str, **values: float) -> list[tuple]:
    return [(period, k, "vendor", "Nordlys", v, 1000) for k, v in values.items()]


def test_statuses_attainment_and_points_by_hand():
    raw = raw_frame([
        ("2026-01", "sl", "vendor", "Nordlys", 0.75, 1000),   # between minimum and target
        ("2026-02", "sl", "vendor", "Nordlys", 0.70, 1000),   # exactly at the minimum
        ("2026-03", "sl", "vendor", "Nordlys", 0.65, 1000),   # half a span below the minimum
        ("2026-04", "sl", "vendor", "Nordlys", 0.55, 1000),   # beyond the floor
        ("2026-05", "sl", "vendor", "Nordlys", 0.85, 400),    # below min_sample 500
        ("2026-01", "asa", "vendor", "Nordlys", 45.0, 900),
        ("2026-02", "asa", "vendor", "Nordlys", 75.0, 900),
        ("2026-01", "fcr", "vendor", "Nordlys", 0.60, 800),   # no minimum: a target miss is red
        ("2026-02", "fcr", "vendor", "Nordlys", math.nan, 0, "interactions has no column resolved"),
        ("2026-01", "aht", "channel", "chat", 660.0, 50),     # per-channel target <= 12m
        ("2026-01", "aht", "vendor", "Nordlys", 660.0, 50),   # vendor target <= 7m
        ("2026-01", "qa", "agent_id", "a1", 87.0, 4),         # role target >= 90, contract minimum >= 80
        ("2026-01", "qa", "vendor", "Nordlys", 87.0, 40),
        ("2026-01", "volume", "vendor", "Nordlys", 12000.0, 12000),
        ("2026-01", "qa", "team_id", "t1", math.nan, 0),      # no evaluation: insufficient, no note
    ])
    s = score_results(raw, make_contract())
    got = list(zip(s["status"], s["points"].round(4), s["attainment"].round(4), strict=True))
    expected = [
        ("amber", 75.0, 0.9375), ("amber", 50.0, 0.875), ("red", 25.0, 0.8125), ("red", 0.0, 0.6875),
        ("insufficient_sample", math.nan, 1.0625),
        ("amber", 75.0, 0.6667), ("red", 25.0, 0.4),
        ("red", 80.0, 0.8), ("not_measurable", math.nan, math.nan),
        ("green", 100.0, 1.0909), ("red", 63.6364, 0.6364),
        ("amber", 85.0, 0.9667), ("green", 100.0, 1.0235),
        ("informational", math.nan, math.nan), ("insufficient_sample", math.nan, math.nan),
    ]
    assert [(a, _n(b), _n(c)) for a, b, c in got] == [(a, _n(b), _n(c)) for a, b, c in expected]
    assert list(s["target"][9:13]) == ["<= 12m", "<= 7m", ">= 90", ">= 85"]
    assert list(s["minimum"][9:13]) == ["", "", ">= 80", ">= 80"]
    assert list(s["unit"][[0, 5, 11, 13]]) == ["rate", "duration", "points", "count"]
    assert list(s["direction"][[0, 5]]) == ["higher", "lower"]
    assert list(raw.columns) == RAW_COLUMNS  # input untouched


def _n(x: float) -> float | str:
    """NaN compares equal to itself in these tuples."""
    return "nan" if isinstance(x, float) and math.isnan(x) else x


def test_unknown_kpi_is_a_clear_error():
    raw = raw_frame([("2026-01", "sl", "vendor", "Nordlys", 0.8, 1000)])
    raw.loc[0, "kpi"] = "nope"
    with pytest.raises(Exception, match="nope"):
        score_results(raw, make_contract())


def test_equal_target_and_only_minimum():
    eq = parse_target("== 100%")
    assert points(1.0, eq, None) == 100 and points(0.99, eq, parse_target(">= 95%")) == 50
    assert points(0.9, eq, parse_target(">= 95%")) == 0
    only_min = parse_target(">= 70%")
    assert status_of(0.7, 10, "", 1, None, only_min) == "green"
    assert status_of(0.69, 10, "", 1, None, only_min) == "red"
    assert points(0.63, None, only_min) == pytest.approx(90.0)


RANK = {"red": 0, "amber": 1, "green": 2}
levels = st.floats(min_value=0.0, max_value=1000.0, allow_nan=False).map(lambda x: round(x, 2))


@given(a=levels, b=levels, higher=st.booleans(), values=st.lists(levels, min_size=2, max_size=20))
def test_status_and_points_are_monotonic_and_edges_count_as_met(a, b, higher, values):
    target_v, minimum_v = (max(a, b), min(a, b)) if higher else (min(a, b), max(a, b))
    op = ">=" if higher else "<="
    target = Target(op, target_v, "number", f"{op} {target_v}")
    minimum = Target(op, minimum_v, "number", f"{op} {minimum_v}")
    # Order the values from worst to best, then statuses and points must never go down.
    ordered = sorted(values + [target_v, minimum_v], reverse=not higher)
    statuses = [RANK[status_of(v, 100, "", 1, target, minimum)] for v in ordered]
    pts = [points(v, target, minimum) for v in ordered]
    assert statuses == sorted(statuses)
    assert pts == sorted(pts)
    assert status_of(target_v, 100, "", 1, target, minimum) == "green"
    assert status_of(minimum_v, 100, "", 1, target, minimum) in ("amber", "green")
    assert points(target_v, target, minimum) == 100.0
    assert points(minimum_v, target, minimum) >= 50.0
    assert all(0.0 <= p <= 100.0 for p in pts)


def test_edge_with_float_noise_counts_as_met():
    target = parse_target(">= 80%")
    assert status_of(0.1 * 8, 1, "", 1, target, None) == "green"   # 0.8000000000000002
    assert status_of(0.7999999999999999, 1, "", 1, target, None) == "green"


def test_add_changes_months_and_quarters():
    raw = raw_frame([
        ("2026-01", "sl", "vendor", "Nordlys", 0.75, 1000),
        ("2026-02", "sl", "vendor", "Nordlys", 0.82, 1000),
        ("2026-02", "sl", "channel", "voice", 0.82, 1000),
        ("2025-Q4", "fcr", "vendor", "Nordlys", 0.70, 1000),
        ("2026-Q1", "fcr", "vendor", "Nordlys", 0.76, 1000),
    ])
    out = add_changes(score_results(raw, make_contract()))
    assert _n(out["previous"][0]) == "nan" and out["previous"][1] == 0.75
    assert out["change"][1] == pytest.approx(0.07)
    assert _n(out["previous"][2]) == "nan"  # other grain: no previous
    assert out["previous"][4] == 0.70 and out["change"][4] == pytest.approx(0.06)


def test_trend_fills_missing_months():
    raw = raw_frame(vendor_rows("2025-12", sl=0.7) + vendor_rows("2026-01", sl=0.75, fcr=0.8)
                    + vendor_rows("2026-03", sl=0.81))
    out = trend(score_results(raw, make_contract()), "2026-03", 3)
    sl = out[out["kpi"] == "sl"]
    assert list(sl["period"]) == ["2026-01", "2026-02", "2026-03"]
    assert _n(sl["value"].iloc[1]) == "nan" and sl["value"].iloc[2] == 0.81
    assert list(out[out["kpi"] == "fcr"]["period"]) == ["2026-01", "2026-02", "2026-03"]
    assert len(trend(score_results(raw, make_contract()), "2026-Q1", 1)) == 1  # March only


INCENTIVES = Incentives(bonus_pool=0.03, bands=((95.0, 1.0), (90.0, 0.5)))


def test_overall_score_skips_and_renormalises():
    raw = raw_frame(
        vendor_rows("2026-01", sl=0.75, asa=45.0, qa=87.0)
        + [("2026-01", "fcr", "vendor", "Nordlys", math.nan, 0, "interactions has no column resolved")]
        + vendor_rows("2026-02", sl=0.85, asa=20.0, fcr=0.8, qa=90.0)
        + vendor_rows("2026-03", sl=0.85, asa=20.0, fcr=0.8, qa=81.0)   # qa 60 points -> exactly 90
        + [("2026-04", "sl", "vendor", "Nordlys", 0.9, 10)]
    )
    out = overall_scores(score_results(raw, make_contract(incentives=INCENTIVES)),
                         make_contract(incentives=INCENTIVES)).set_index("period")
    # (15 x 75 + 10 x 75 + 15 x 100) / 40
    assert out.at["2026-01", "score"] == pytest.approx(84.375)
    assert out.at["2026-01", "weights_used"] == 40
    assert out.at["2026-01", "skipped"] == "fcr (not_measurable)"
    assert (out.at["2026-01", "bonus_share"], out.at["2026-01", "bonus"]) == (0.0, 0.0)
    assert "below the lowest bonus band" in out.at["2026-01", "explanation"]
    assert out.at["2026-02", "score"] == 100 and out.at["2026-02", "bonus"] == pytest.approx(14400)
    assert out.at["2026-03", "score"] == pytest.approx(90.0)
    assert out.at["2026-03", "bonus_share"] == 0.5 and out.at["2026-03", "bonus"] == pytest.approx(7200)
    assert "bonus = 50 % x 3 % x 480,000 EUR = 7,200 EUR" in out.at["2026-03", "explanation"]
    assert _n(out.at["2026-04", "score"]) == "nan" and out.at["2026-04", "weights_used"] == 0
    assert out.at["2026-04", "skipped"] == ("sl (insufficient_sample), asa (no result), fcr (no result), "
                                            "qa (no result)")


def test_overall_without_incentives_and_quarter_bonus():
    raw = raw_frame(vendor_rows("2026-Q1", sl=0.85, asa=20.0, fcr=0.8, qa=90.0))
    plain = overall_scores(score_results(raw, make_contract()), make_contract())
    assert plain["bonus_share"][0] == 0.0 and _n(plain["bonus"][0]) == "nan"
    assert "no incentives clause" in plain["explanation"][0]
    quarter = overall_scores(score_results(raw, make_contract()), make_contract(incentives=INCENTIVES))
    assert quarter["bonus"][0] == pytest.approx(3 * 14400)
