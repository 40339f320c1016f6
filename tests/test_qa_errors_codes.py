"""QA errors by category on integer codes (breakdowns.qa_errors: one bincount per period kind x
grain) against the groupby of labels it replaced, on varied QA tables, and on a hand-counted one."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.breakdowns import QA_ERROR_COLUMNS, QA_GRAINS, _coded_counts, _sorted_unique, qa_errors
from scorecard.calibration import error_rates, evaluated_items
from scorecard.periods import local_months, month_to_period, parse_period
from test_scoring import make_contract

ZONES = ["Europe/Paris", "America/Santiago", "UTC", "Pacific/Chatham"]
PERIODS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-Q1", "2026-Q2", "2026"]


def labels_groupby(contract, dataset, periods) -> pd.DataFrame:
    """The section as computed before: a groupby of the labels per period kind and grain."""
    items, qa = dataset.tables["qa_items"], dataset.tables["qa_evaluations"]
    grains = [g for g in QA_GRAINS if g == "vendor" or g in qa]
    joined = evaluated_items(items, qa, ["evaluated_at", *[g for g in grains if g != "vendor"]])
    months = local_months(joined["evaluated_at"], contract.timezone)
    parts = []
    for kind in dict.fromkeys(p.kind for p in periods):
        labeled = joined.assign(period=month_to_period(months, kind).astype(str))
        labeled = labeled[labeled["period"].isin({p.label for p in periods})]
        for grain in grains:
            by = [] if grain == "vendor" else [grain]
            rows = error_rates(labeled, by)
            entity = contract.vendor if grain == "vendor" else rows[grain].astype(str)
            parts.append(rows.assign(grain=grain, entity=entity))
    return pd.concat(parts, ignore_index=True).reindex(columns=QA_ERROR_COLUMNS)


@st.composite
def qa_tables(draw):
    n = draw(st.integers(0, 40))
    pick = lambda values, size=n: draw(st.lists(st.sampled_from(values), min_size=size, max_size=size))  # noqa: E731
    start = pd.Timestamp("2025-12-20", tz="UTC").value
    stamps = draw(st.lists(st.one_of(st.integers(start, start + 140 * 86_400 * 10**9), st.none()),
                           min_size=n, max_size=n))
    ids = pick([f"e{k}" for k in range(max(n, 1))] + ["e0"])  # an evaluation id may repeat
    qa = pd.DataFrame({"evaluation_id": ids,
                       "evaluated_at": pd.to_datetime([pd.NaT if s is None else s for s in stamps], utc=True),
                       "agent_id": pick(["a1", "a2", "b", None]), "team_id": pick(["t2", "t1", None]),
                       "evaluator_id": pick(["q1", "q2"]), "calibration_session": pick([None, None, "s1"])})
    drop = draw(st.lists(st.sampled_from(["team_id", "evaluator_id", "calibration_session"]), unique=True))
    qa = qa.drop(columns=drop).astype({c: "string" for c in ("evaluation_id", "agent_id", "team_id", "evaluator_id",
                                                             "calibration_session") if c in qa and c not in drop})
    m = draw(st.integers(0, 80))
    items = pd.DataFrame({"evaluation_id": pick([f"e{k}" for k in range(max(n, 1) + 2)], m),
                          "category": pick(["greeting", "accuracy", "Äcc", None], m),
                          "item": pick(["i1", "i2", "z", "ä", None], m),
                          "failed": pd.array(pick([True, False, None], m), dtype="boolean")})
    items = items.astype({c: "string" for c in ("evaluation_id", "category", "item")})
    periods = draw(st.lists(st.sampled_from(PERIODS), min_size=1, unique=True))
    return qa, items, [parse_period(p) for p in periods], draw(st.sampled_from(ZONES))


@settings(max_examples=200, deadline=None)
@given(qa_tables())
def test_codes_equal_the_groupby_of_labels(case):
    assert_equal_to_labels(case)


def assert_equal_to_labels(case) -> None:
    qa, items, periods, zone = case
    contract = replace(make_contract(), timezone=zone)
    dataset = SimpleNamespace(tables={"qa_items": items, "qa_evaluations": qa})
    got, expected = qa_errors(contract, dataset, periods), labels_groupby(contract, dataset, periods)
    if expected.empty:
        assert got.empty and list(got.columns) == QA_ERROR_COLUMNS
    else:
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_hand_counted_error_rates():
    at = pd.to_datetime(["2026-01-31 23:30", "2026-02-10 00:00", "2026-02-11 00:00", None], utc=True)  # Paris: Feb, Feb, Feb
    qa = pd.DataFrame({"evaluation_id": ["e1", "e2", "e3", "e4"], "evaluated_at": at,
                       "agent_id": ["a1", "a1", "a2", "a1"]}).astype({"evaluation_id": "string", "agent_id": "string"})
    items = pd.DataFrame({"evaluation_id": ["e1", "e1", "e2", "e3", "e3", "e4"],
                          "category": ["c", "c", "c", "c", None, "c"], "item": ["x", "y", "x", "x", "x", "x"],
                          "failed": pd.array([True, False, True, False, True, True], dtype="boolean")}).astype(
        {"evaluation_id": "string", "category": "string", "item": "string"})
    contract = replace(make_contract(), timezone="Europe/Paris")
    out = qa_errors(contract, SimpleNamespace(tables={"qa_items": items, "qa_evaluations": qa}),
                    [parse_period("2026-02")])
    got = [tuple(r) for r in out[["grain", "entity", "item", "evaluated", "failed"]].itertuples(index=False)]
    assert got == [("vendor", contract.vendor, "x", 3, 2), ("vendor", contract.vendor, "y", 1, 0),
                   ("agent_id", "a1", "x", 2, 2), ("agent_id", "a1", "y", 1, 0), ("agent_id", "a2", "x", 1, 0)]
    assert out["error_rate"].tolist() == [2 / 3, 0.0, 1.0, 0.0, 0.0]
    assert set(out["period"]) == {"2026-02"} and np.all(out["category"] == "c")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-3, 2**40), max_size=40))
def test_sorted_unique_is_numpys_unique(keys):
    key = np.array(keys, dtype=np.int64)
    got, want = _sorted_unique(key), np.unique(key, return_inverse=True, return_counts=True)
    for a, b in zip(got, want, strict=True):
        assert a.tolist() == b.tolist()


def test_sparse_combinations_are_counted_as_the_groupby_counts():
    # 2,000 x 1,000 x 3 combinations for 6 rows: past the bincount's density, the sorted path
    a, b, c = np.array([5, 5, 1999, -1, 5, 0]), np.array([7, 7, 999, 3, 8, 0]), np.array([2, 2, 0, 1, 2, 1])
    weight = np.array([1.0, 0.0, 1.0, 1.0, 1.0, 0.0])
    count, (sums,), (x, y, z) = _coded_counts([a, b, c], [2000, 1000, 3], weight)
    assert list(zip(x.tolist(), y.tolist(), z.tolist())) == [(0, 0, 1), (5, 7, 2), (5, 8, 2), (1999, 999, 0)]
    assert count.tolist() == [1, 2, 1, 1] and sums.tolist() == [0.0, 1.0, 1.0, 1.0]
