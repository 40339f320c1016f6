"""QA calibration variance, item agreement, audit variance and QA error rates, checked by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from scorecard.calibration import (audit_variance, calibration_deviations, calibration_table, item_agreement,
                                   qa_errors_by_category)
from scorecard.errors import DataError
from scorecard.periods import local_months

NA = pd.NA


def period_of(ts: pd.Series) -> pd.Series:
    return local_months(ts, "Europe/Paris")


def qa_frame(rows: list[tuple]) -> pd.DataFrame:
    """rows of (evaluation_id, interaction_id, evaluator_id, evaluated_at, score, side, session, is_ref,
    team_id) -> a clean qa_evaluations frame with the loader's dtypes."""
    cols = ["evaluation_id", "interaction_id", "evaluator_id", "evaluated_at", "score", "evaluator_side",
            "calibration_session", "is_reference", "team_id"]
    df = pd.DataFrame(rows, columns=cols)
    df["evaluated_at"] = pd.to_datetime(df["evaluated_at"], utc=True)
    df["score"] = df["score"].astype("float64")
    df["is_reference"] = df["is_reference"].astype("boolean")
    for c in ("evaluation_id", "interaction_id", "evaluator_id", "evaluator_side", "calibration_session", "team_id"):
        df[c] = df[c].astype("string")
    return df.assign(agent_id=pd.Series("a1", index=df.index, dtype="string"), fatal_error=False)


# S1, S2: a reference; S3: no reference; S4: reference in January, e1's score in February;
# S5: a single score and no reference; x1: an ordinary evaluation.
QA = qa_frame([
    ("r1", "i1", "ref", "2026-01-10T10:00Z", 80.0, "client", "S1", True, "t1"),
    ("a1", "i1", "e1", "2026-01-10T10:00Z", 85.0, "vendor", "S1", False, "t1"),   # +5: within (inclusive)
    ("b1", "i1", "e2", "2026-01-10T10:00Z", 74.0, "vendor", "S1", False, "t1"),   # -6
    ("c1", "i1", "e3", "2026-01-10T10:00Z", 80.0, "vendor", "S1", NA, "t1"),      # 0
    ("r2", "i2", "ref", "2026-01-20T10:00Z", 90.1, "client", "S2", True, "t1"),
    ("a2", "i2", "e1", "2026-01-20T10:00Z", 96.1, "vendor", "S2", False, "t1"),   # +6
    ("b2", "i2", "e2", "2026-01-20T10:00Z", 85.1, "vendor", "S2", False, "t1"),   # -5 with float noise
    ("a3", "i3", "e1", "2026-01-25T10:00Z", 70.0, "vendor", "S3", False, "t1"),
    ("b3", "i3", "e2", "2026-01-25T10:00Z", 76.0, "vendor", "S3", False, "t1"),
    ("c3", "i3", "e3", "2026-01-25T10:00Z", 73.0, "vendor", "S3", NA, "t1"),
    ("r4", "i4", "ref", "2026-01-31T10:00Z", 60.0, "client", "S4", True, "t1"),
    ("a4", "i4", "e1", "2026-02-05T10:00Z", 62.0, "vendor", "S4", False, "t1"),   # +2, in February
    ("a5", "i5", "e1", "2026-02-06T10:00Z", 88.0, "vendor", "S5", False, "t1"),
    ("x1", "i6", "e2", "2026-01-12T10:00Z", 50.0, "vendor", NA, NA, "t1"),
])


def test_deviations_reference_mode():
    d = calibration_deviations(QA)
    assert list(d.columns) == ["calibration_session", "evaluator_id", "evaluated_at", "score", "reference_score",
                               "deviation", "abs_deviation", "within"]
    assert list(d["calibration_session"]) == ["S1", "S1", "S1", "S2", "S2", "S4"]  # S3, S5: no reference
    assert list(d["deviation"].round(6)) == [5.0, -6.0, 0.0, 6.0, -5.0, 2.0]
    assert list(d["within"]) == [True, False, True, False, True, True]
    assert d["reference_score"].iloc[-1] == 60.0  # looked up across the session, across periods
    assert not calibration_deviations(QA, tolerance=4.99)["within"].iloc[0]
    assert list(d.index) == [1, 2, 3, 5, 6, 11]  # the qa index, for joins
    assert list(d.join(QA[["agent_id"]])["agent_id"]) == ["a1"] * 6


def test_deviations_consensus_mode():
    d = calibration_deviations(QA, reference="consensus")
    s3 = d[d["calibration_session"] == "S3"]
    assert list(s3["reference_score"]) == [73.0, 73.0, 73.0]  # median of 70, 76, 73
    assert list(s3["deviation"]) == [-3.0, 3.0, 0.0]
    assert "S5" not in set(d["calibration_session"])  # a lone score is not its own reference
    assert len(d) == 9
    with pytest.raises(ValueError):
        calibration_deviations(QA, reference="median")


def test_calibration_table_by_hand():
    t = calibration_table(QA, period_of).set_index(["period", "evaluator_id"])
    assert list(t.index) == [("2026-01", "e1"), ("2026-01", "e2"), ("2026-01", "e3"), ("2026-01", "ALL"),
                             ("2026-02", "e1"), ("2026-02", "ALL")]
    e1 = t.loc[("2026-01", "e1")]
    assert (e1["sessions"], e1["scores"], e1["within_tolerance"]) == (2, 2, 0.5)
    assert e1["mean_abs_deviation"] == pytest.approx(5.5) and e1["bias"] == pytest.approx(5.5)
    assert e1["spread"] == pytest.approx(math.sqrt(0.5)) and e1["tendency"] == "lenient"
    assert t.loc[("2026-01", "e2"), "tendency"] == "harsh"
    e3 = t.loc[("2026-01", "e3")]
    assert (e3["scores"], e3["bias"], e3["tendency"]) == (1, 0.0, "aligned") and math.isnan(e3["spread"])
    everyone = t.loc[("2026-01", "ALL")]
    # deviations +5, -6, 0, +6, -5
    assert (everyone["sessions"], everyone["scores"], everyone["within_tolerance"]) == (2, 5, 0.6)
    assert everyone["mean_abs_deviation"] == pytest.approx(4.4) and everyone["bias"] == pytest.approx(0.0)
    assert everyone["spread"] == pytest.approx(math.sqrt(122 / 4))
    # alpha over S1 (80, 85, 74, 80), S2 (90.1, 96.1, 85.1), S3 (70, 76, 73); S4 has one January score.
    # Cross-checked with the krippendorff package: 0.7037617788.
    assert everyone["krippendorff_alpha"] == pytest.approx(0.7037617788)
    assert math.isnan(t.loc[("2026-01", "e1"), "krippendorff_alpha"])
    feb = t.loc[("2026-02", "e1")]
    assert (feb["scores"], feb["bias"], feb["tendency"]) == (1, 2.0, "aligned")
    assert math.isnan(t.loc[("2026-02", "ALL"), "krippendorff_alpha"])  # S4 and S5: one February score each


def test_calibration_table_consensus_and_no_sessions():
    t = calibration_table(QA, period_of, reference="consensus").set_index(["period", "evaluator_id"])
    assert t.loc[("2026-01", "e3"), "sessions"] == 2 and t.loc[("2026-01", "ALL"), "scores"] == 8
    plain = QA.drop(columns=["calibration_session", "is_reference"])
    assert calibration_table(plain, period_of).empty
    assert calibration_deviations(plain).empty


def test_reference_without_pairable_scores_still_reports_alpha():
    qa = qa_frame([("a", "i", "e1", "2026-03-02T10:00Z", 80.0, "vendor", "S9", False, "t1"),
                   ("b", "i", "e2", "2026-03-02T10:00Z", 90.0, "vendor", "S9", False, "t1"),
                   ("c", "j", "e1", "2026-03-03T10:00Z", 60.0, "vendor", "S8", False, "t1"),
                   ("d", "j", "e2", "2026-03-03T10:00Z", 60.0, "vendor", "S8", False, "t1")])
    t = calibration_table(qa, period_of)
    assert list(t["evaluator_id"]) == ["ALL"] and t["scores"][0] == 0
    # units (80, 90) and (60, 60): D_o = (2 x 10^2 / 1 + 0) / 4 = 50;
    # mean 72.5, squared deviations 56.25 + 306.25 + 156.25 + 156.25 = 675, D_e = 2 x 4 x 675 / (4 x 3) = 450
    assert t["krippendorff_alpha"][0] == pytest.approx(1 - 50 / 450)


ITEMS = pd.DataFrame(
    [("r1", "greeting", "soft skills", False), ("r1", "policy", "compliance", True),
     ("a1", "greeting", "soft skills", False), ("a1", "policy", "compliance", False),
     ("b1", "greeting", "soft skills", True), ("b1", "policy", "compliance", True),
     ("c1", "greeting", "soft skills", False), ("c1", "policy", "compliance", NA),
     ("a3", "greeting", "soft skills", True),                       # S3: no reference
     ("x1", "greeting", "soft skills", True), ("x1", "policy", "compliance", False)],
    columns=["evaluation_id", "item", "category", "failed"],
).astype({"evaluation_id": "string", "item": "string", "category": "string", "failed": "boolean"}).assign(
    points=1.0, max_points=1.0)


def test_item_agreement():
    out = item_agreement(ITEMS, QA, period_of)
    assert list(out.columns) == ["period", "category", "item", "entries", "agreed", "agreement"]
    rows = {(r.category, r.item): (r.entries, r.agreed) for r in out.itertuples()}
    assert rows == {("compliance", "policy"): (2, 1), ("soft skills", "greeting"): (3, 2)}
    assert set(out["period"]) == {"2026-01"}
    assert out.set_index("item").at["greeting", "agreement"] == pytest.approx(2 / 3)


def test_audit_variance():
    qa = qa_frame([
        ("v1", "i1", "vA", "2026-01-05T10:00Z", 80.0, "vendor", NA, NA, "t1"),
        ("c1", "i1", "cX", "2026-01-08T10:00Z", 70.0, "client", NA, NA, "t1"),   # +10
        ("v2", "i2", "vA", "2026-01-06T10:00Z", 60.0, "Vendor ", NA, NA, "t1"),
        ("c2", "i2", "cX", "2026-01-09T10:00Z", 65.0, "client", NA, NA, "t1"),
        ("c3", "i2", "cY", "2026-02-09T10:00Z", 75.0, "CLIENT", NA, NA, "t1"),   # client mean 70: -10
        ("v3", "i3", "vB", "2026-01-06T10:00Z", 90.0, "vendor", NA, NA, "t1"),   # never audited
        ("v4", "i4", "vB", "2026-02-03T10:00Z", 85.0, "vendor", NA, NA, "t1"),
        ("c4", "i4", "cX", "2026-02-04T10:00Z", 88.0, "client", NA, NA, "t1"),   # -3
        ("v5", "i5", "vB", "2026-02-03T10:00Z", 50.0, "vendor", "S1", False, "t1"),  # calibration: out
        ("c5", "i5", "cX", "2026-02-03T10:00Z", 90.0, "client", "S1", True, "t1"),
    ])
    out = audit_variance(qa, period_of)
    assert list(out.itertuples(index=False, name=None)) == [
        ("2026-01", "vA", 2, 10.0, 0.0), ("2026-01", "ALL", 2, 10.0, 0.0),
        ("2026-02", "vB", 1, 3.0, -3.0), ("2026-02", "ALL", 1, 3.0, -3.0)]
    assert audit_variance(qa.drop(columns=["evaluator_side"]), period_of).empty


def test_qa_errors_by_category():
    qa = qa_frame([
        ("a", "i1", "q1", "2026-01-05T10:00Z", 80.0, "vendor", NA, NA, "t1"),
        ("b", "i2", "q1", "2026-01-06T10:00Z", 70.0, "vendor", NA, NA, "t1"),
        ("c", "i3", "q1", "2026-01-07T10:00Z", 90.0, "vendor", NA, NA, "t2"),
        ("k", "i4", "q1", "2026-01-07T10:00Z", 90.0, "vendor", "S1", True, "t2"),   # calibration: out
    ])
    items = pd.DataFrame(
        [("a", "greeting", "soft skills", False), ("a", "policy", "compliance", True),
         ("b", "greeting", "soft skills", True), ("b", "policy", "compliance", True),
         ("c", "greeting", "soft skills", False), ("c", "policy", "compliance", NA),
         ("k", "greeting", "soft skills", True)],
        columns=["evaluation_id", "item", "category", "failed"]).astype({"failed": "boolean"})
    by_team = qa_errors_by_category(items, qa, period_of, grain="team_id")
    assert list(by_team.itertuples(index=False, name=None)) == [
        ("2026-01", "t1", "compliance", "policy", 2, 2, 1.0),
        ("2026-01", "t1", "soft skills", "greeting", 2, 1, 0.5),
        ("2026-01", "t2", "soft skills", "greeting", 1, 0, 0.0)]
    total = qa_errors_by_category(items, qa, period_of)
    assert list(total.columns) == ["period", "category", "item", "evaluated", "failed", "error_rate"]
    assert list(total["evaluated"]) == [2, 3] and list(total["failed"]) == [2, 1]
    with pytest.raises(DataError, match="site"):
        qa_errors_by_category(items, qa, period_of, grain="site")


def test_period_follows_the_contract_time_zone():
    qa = qa_frame([("a", "i", "e1", "2026-01-31T23:30Z", 80.0, "vendor", "S1", False, "t1"),   # 00:30 Feb 1 Paris
                   ("r", "i", "ref", "2026-01-31T22:30Z", 84.0, "client", "S1", True, "t1")])  # 23:30 Jan 31
    t = calibration_table(qa, period_of)
    assert list(zip(t["period"], t["evaluator_id"], t["scores"], strict=True)) == [
        ("2026-01", "ALL", 0), ("2026-02", "e1", 1), ("2026-02", "ALL", 1)]
    assert t["bias"][1] == -4.0  # the January reference still counts for the February score
    assert t["krippendorff_alpha"].isna().all()  # one score of S1 in each month: nothing pairable
