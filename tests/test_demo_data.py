"""The demo data generator: determinism, canonical columns and types, the storyline, the faults.

The storyline KPIs are recomputed here with plain pandas exactly as KPIS.md defines them, independent
of the KPI engine, so a change in the generator that breaks the story fails here first.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from scorecard.demo_data import DEMO_MONTHS, FAULTS, build_tables, generate
from scorecard.demo_data.__main__ import main

COLUMNS = {
    "interactions": ["interaction_id", "channel", "created_at", "answered_at", "assigned_at",
                     "first_response_at", "first_solution_at", "resolved_at", "handle_time_s", "abandoned",
                     "abandoned_at", "transferred", "resolved", "customer_id", "booking_id", "reason",
                     "agent_id", "team_id", "site", "vendor", "csat", "nps", "ces"],
    "qa_evaluations": ["evaluation_id", "interaction_id", "agent_id", "evaluator_id", "evaluated_at", "score",
                       "team_id", "evaluator_side", "calibration_session", "is_reference", "fatal_error"],
    "qa_items": ["evaluation_id", "item", "category", "points", "max_points", "failed"],
    "workforce": ["interval_start", "team_id", "site", "channel", "forecast_contacts", "actual_contacts",
                  "required_hours", "scheduled_hours", "paid_hours", "handling_hours"],
    "costs": ["period", "category", "amount", "currency"],
    "volumes": ["period", "bookings", "active_customers"],
}
TIMESTAMPS = {"created_at", "answered_at", "assigned_at", "first_response_at", "first_solution_at",
              "resolved_at", "abandoned_at", "evaluated_at", "interval_start"}
BOOLEANS = {"abandoned", "transferred", "resolved", "is_reference", "fatal_error", "failed"}
NUMBERS = {"handle_time_s", "csat", "nps", "ces", "score", "points", "max_points", "forecast_contacts",
           "actual_contacts", "required_hours", "scheduled_hours", "paid_hours", "handling_hours", "amount",
           "bookings", "active_customers"}
SMALL = dict(months=["2026-02", "2026-03"], agents=12, contacts_per_month=1500)


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    """The default demo data set (8 months, 48 agents, 9,000 contacts a month, faults on)."""
    return build_tables()


def _month(ts: pd.Series) -> pd.Series:
    return ts.dt.tz_convert("Europe/Paris").dt.strftime("%Y-%m")


def voice_kpis(interactions: pd.DataFrame) -> pd.DataFrame:
    """service_level (20 s, short abandons < 5 s out of the denominator), abandonment_rate (exclude
    within 5 s) and offered voice contacts, per month of created_at."""
    v = interactions[interactions["channel"] == "voice"]
    answered = v["answered_at"].notna()
    wait = (v["answered_at"].where(answered, v["abandoned_at"]) - v["created_at"]).dt.total_seconds()
    abandoned = v["abandoned"].astype(bool)
    short = abandoned & (wait < 5)
    g = pd.DataFrame({"month": _month(v["created_at"]), "within": answered & (wait <= 20),
                      "long_abandon": abandoned & ~short, "counted": ~short})
    s = g.groupby("month")[["within", "long_abandon", "counted"]].sum()
    return pd.DataFrame({"service_level": s["within"] / s["counted"],
                         "abandonment": s["long_abandon"] / s["counted"],
                         "offered": g.groupby("month").size()})


def csat_kpis(interactions: pd.DataFrame) -> pd.DataFrame:
    """csat = share of answers 4-5 over answered surveys, per month."""
    answers = interactions.dropna(subset=["csat"])
    satisfied = answers["csat"].isin([4, 5])
    by_month = satisfied.groupby(_month(answers["created_at"]))
    return pd.DataFrame({"csat": by_month.mean(), "answers": by_month.size()})


def calibration_within(qa: pd.DataFrame, tolerance: float = 5) -> pd.Series:
    """Share of non-reference calibration scores within +-tolerance of their session's reference."""
    cal = qa.dropna(subset=["calibration_session"])
    ref = cal[cal["is_reference"].astype(bool)].set_index("calibration_session")["score"]
    others = cal[~cal["is_reference"].astype(bool)]
    within = (others["score"] - others["calibration_session"].map(ref)).abs() <= tolerance
    return within.groupby(_month(others["evaluated_at"])).mean()


def test_storyline_voice(demo):
    kpis = voice_kpis(demo["interactions"])
    assert list(kpis.index) == list(DEMO_MONTHS)
    sl, ab = kpis["service_level"], kpis["abandonment"]
    assert sl["2026-03"] < 0.70 and 0.05 <= ab["2026-03"] <= 0.08
    assert all(sl[m] >= 0.80 for m in ("2026-04", "2026-05", "2026-06"))
    assert (sl.drop("2026-03") >= 0.70).all() and (ab.drop("2026-03") <= 0.08).all()
    assert (kpis["offered"] >= 500).all()


def test_storyline_csat(demo):
    kpis = csat_kpis(demo["interactions"])
    csat = kpis["csat"]
    assert csat["2026-03"] < 0.78
    assert 0.78 <= csat["2026-04"] < 0.85
    assert all(csat[m] >= 0.85 for m in ("2026-05", "2026-06", "2026-07", "2026-08"))
    assert (kpis["answers"] >= 100).all()


def test_storyline_calibration(demo):
    within = calibration_within(demo["qa_evaluations"])
    drift = {"2026-02", "2026-05", "2026-07"}
    assert all(within[m] < 0.80 for m in drift)
    assert all(within[m] >= 0.90 for m in DEMO_MONTHS if m not in drift)


def test_repeat_contacts_make_fcr_plausible(demo):
    """FCR from repeat contacts (same customer and reason within 7 days) lands around 75-82%."""
    df = demo["interactions"].drop_duplicates("interaction_id")
    df = df.dropna(subset=["customer_id"]).sort_values("created_at")
    gap = df.groupby(["customer_id", "reason"], observed=True)["created_at"].shift(-1) - df["created_at"]
    handled = df["answered_at"].notna() | df["first_response_at"].notna()
    fcr = 1 - (gap[handled] <= pd.Timedelta(days=7)).mean()
    assert 0.72 <= fcr <= 0.85
    assert "resolved_first_contact" not in df.columns


def test_columns_and_types(demo):
    for name, columns in COLUMNS.items():
        df = demo[name]
        assert list(df.columns) == columns, name
        for col in columns:
            if col in TIMESTAMPS:
                assert str(df[col].dt.tz) == "Europe/Paris", col
            elif col in BOOLEANS:
                assert df[col].dtype == bool, col
            elif col in NUMBERS:
                assert pd.api.types.is_numeric_dtype(df[col]), col
    inter = demo["interactions"]
    assert set(inter["channel"].dropna()) == {"voice", "chat", "email", "social", "self_service", "fax"}
    assert inter.loc[inter["channel"] == "self_service", "agent_id"].isna().all()
    assert inter["reason"].nunique() == 8 and set(inter["site"].dropna()) == {"Lisbon", "Tunis"}


def test_faults_present_when_asked(demo):
    inter, qa = demo["interactions"], demo["qa_evaluations"]
    assert inter["interaction_id"].duplicated().sum() == 1
    assert (inter["answered_at"] < inter["created_at"]).sum() == 1
    assert (inter["resolved_at"] < inter["created_at"]).sum() == 1
    assert (inter["handle_time_s"] < 0).sum() == 1
    assert (inter["channel"] == "fax").sum() == 1
    assert (qa["score"] > 100).sum() == 1
    assert len(FAULTS) == 6


def test_no_faults_when_not_asked():
    tables = build_tables(faults=False, **SMALL)
    inter, qa = tables["interactions"], tables["qa_evaluations"]
    assert not inter["interaction_id"].duplicated().any()
    for col in ("answered_at", "assigned_at", "first_response_at", "resolved_at", "abandoned_at"):
        assert not (inter[col] < inter["created_at"]).any(), col
    assert (inter["handle_time_s"].dropna() > 0).all()
    assert set(inter["channel"]) <= {"voice", "chat", "email", "social", "self_service"}
    assert qa["score"].between(0, 100).all()


def test_deterministic_for_a_seed(tmp_path: Path):
    a = generate(tmp_path / "a", seed=7, **SMALL)
    b = generate(tmp_path / "b", seed=7, **SMALL)
    c = generate(tmp_path / "c", seed=8, **SMALL)
    assert all(a[k].read_bytes() == b[k].read_bytes() for k in a)
    assert a["interactions"].read_bytes() != c["interactions"].read_bytes()


def test_small_scale_is_fast_and_files_read_back(tmp_path: Path):
    start = time.perf_counter()
    written = generate(tmp_path, fmt="parquet", **SMALL)
    assert time.perf_counter() - start < 10
    assert set(written) == set(COLUMNS)
    inter = pd.read_parquet(written["interactions"])
    assert str(inter["created_at"].dt.tz) == "Europe/Paris"
    assert pd.api.types.is_string_dtype(inter["channel"])


def test_csv_timestamps_carry_the_local_offset(tmp_path: Path):
    written = generate(tmp_path, months=["2026-03", "2026-04"], agents=6, contacts_per_month=300, faults=False)
    text = pd.read_csv(written["interactions"], dtype=str)["created_at"]
    assert text.str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$").all()
    assert text.str.endswith("+01:00").any() and text.str.endswith("+02:00").any()   # DST on 29 March
    workforce = pd.read_csv(written["workforce"])
    counted = pd.read_csv(written["interactions"]).query("channel in ['voice', 'chat', 'email']")
    assert workforce["actual_contacts"].sum() == len(counted)


def test_workforce_matches_interactions(demo):
    wf, inter = demo["workforce"], demo["interactions"].drop_duplicates("interaction_id")
    planned = inter[inter["channel"].isin(["voice", "chat", "email", "fax"])]   # the fax row was an e-mail
    assert wf["actual_contacts"].sum() == len(planned)
    assert wf["handling_hours"].sum() == pytest.approx(
        planned["handle_time_s"].clip(lower=0).sum() / 3600, rel=0.01)


def test_command_line(tmp_path: Path, capsys):
    assert main([str(tmp_path), "--months", "2026-01", "--agents", "6", "--contacts-per-month", "200",
                 "--seed", "3", "--format", "csv"]) == 0
    assert (tmp_path / "interactions.csv").exists() and "interactions" in capsys.readouterr().out
    for bad in (["--months", "2026-13"], ["--months", "2026-01", "2026-03"], ["--format", "xlsx"]):
        with pytest.raises(SystemExit):
            main([str(tmp_path), *bad])
