"""The pandas engine's integer-code paths against the code they replaced (tests/engine_reference.py)
and against periods.local_months, on hypothesis-generated data; hand-counted cases beside them."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine_reference as ref
from kpi_helpers import backlog_contact, backlog_contacts, contract, kpi
from scorecard.kpis import aggregate
from scorecard.kpis.aggregate import Codes, FineIndex, GroupIndex, RawRows
from scorecard.kpis.base import kpi_base
from scorecard.kpis.derive import Filters, InteractionRows
from scorecard.kpis.business_time import _epoch_seconds
from scorecard.kpis.engine import Engine, _sort_kind
from scorecard.kpis.measure import local_month_codes
from scorecard.periods import local_months, parse_period

ZONES = ["Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]
key_columns = st.lists(st.lists(st.one_of(st.none(), st.sampled_from("abcdefg")), min_size=0, max_size=60),
                       min_size=1, max_size=5)


def _keys(columns: list[list[str | None]], size: int) -> list[Codes]:
    return [Codes.of(pd.array((col * (size // max(len(col), 1) + 1))[:size] if col else [None] * size,
                              dtype="string")) for col in columns]


@settings(max_examples=200, deadline=None)
@given(key_columns, st.integers(0, 80), st.booleans())
def test_fine_index_is_the_stepwise_factorisation(columns, size, small_limit):
    keys = _keys(columns, size)
    codes, groups, first = ref.fine_index(size, keys)
    limit = aggregate._COMBINED_LIMIT
    try:
        if small_limit:  # re-factorise before every key: the overflow guard's path
            aggregate._COMBINED_LIMIT = 2
        fine = FineIndex(size, iter(keys))
    finally:
        aggregate._COMBINED_LIMIT = limit
    assert np.array_equal(fine.codes, codes) and fine.size == groups
    assert np.array_equal(fine.first_row, first) and fine.first_row.dtype == np.int64


def test_fine_index_by_hand():
    fine = FineIndex(5, [Codes.of(pd.array(["m1", "m1", "m2", "m1", None], dtype="string")),
                         Codes.of(pd.array(["a", "b", "a", "a", "a"], dtype="string"))])
    assert fine.codes.tolist() == [0, 1, 2, 0, 3] and fine.size == 4 and fine.first_row.tolist() == [0, 1, 2, 4]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.booleans(), st.floats(-1e6, 1e6)), max_size=50))
def test_indicator_sums_are_the_float_sums(rows):
    codes = np.array([r[0] for r in rows], dtype=np.int64)
    fine = FineIndex.__new__(FineIndex)
    fine.codes, fine.size, fine._counts = codes, 7, OrderedDict()  # no counts kept yet (FineIndex._count)
    mask = np.array([r[1] for r in rows], dtype=bool)
    got = fine.sum(mask)
    assert got.dtype == np.uint8 and np.array_equal(got, fine.sum(mask.astype("float64")))  # a kept count
    subset = np.flatnonzero(codes % 2 == 0)
    assert np.array_equal(fine.sum(mask[subset], codes[subset]), fine.sum(mask[subset].astype("float64"), codes[subset]))


@st.composite
def instants(draw):
    """UTC instants around month starts (DST changes included) and anywhere from 1950 to 2060."""
    near = draw(st.booleans())
    if near:
        month = pd.Timestamp(draw(st.integers(1950, 2060)), draw(st.integers(1, 12)), 1)
        zone = draw(st.sampled_from(ZONES))
        start = month.tz_localize(zone, ambiguous=True, nonexistent="shift_forward").tz_convert("UTC")
        return start + pd.Timedelta(draw(st.integers(-2, 2)), unit="ns")
    return pd.Timestamp(draw(st.integers(-630_000_000, 2_900_000_000)), unit="s", tz="UTC")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), instants()), max_size=30), st.sampled_from(ZONES))
def test_month_codes_are_local_months(values, zone):
    ts = pd.Series(values, dtype="datetime64[ns, UTC]")
    months = local_month_codes(ts, zone)
    pd.testing.assert_series_equal(months.labels(), local_months(ts, zone).reset_index(drop=True))
    assert months.codes.dtype == (np.int8 if len(months.values) < 127 else np.int16)  # the narrowest
    assert list(months.values) == sorted(months.values)


def test_month_codes_by_hand():
    # 2026-03-31 22:30 UTC is 2026-04-01 00:30 in Paris (summer time); 22:30 the day before is March
    ts = pd.Series(pd.to_datetime(["2026-03-30 22:30", None, "2026-03-31 22:30", "2026-05-02 00:00"], utc=True))
    months = local_month_codes(ts, "Europe/Paris")
    assert months.codes.tolist() == [0, -1, 1, 2] and list(months.values) == ["2026-03", "2026-04", "2026-05"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["2026-01", "2026-02", None]), st.sampled_from(["x", "y", None]),
                          st.floats(0, 10), st.booleans()), max_size=20), st.booleans())
def test_raw_rows_are_the_assigned_frames(groups, relabel):
    period = Codes.of(pd.array([g[0] for g in groups], dtype="string"))
    entity = Codes.of(pd.array([g[1] for g in groups], dtype="string"))
    idx = GroupIndex(period, entity)
    value = np.linspace(0.0, 1.0, idx.size)
    n, keep = value * 3, value >= 0.5
    out = RawRows()
    out.add(idx, keep, "team_id", value, n, keep, "2026" if relabel else None)
    out.add(idx, ~keep, "vendor", value, n, False)
    frames = [idx.keys.assign(**({"period": "2026"} if relabel else {}), grain="team_id", value=value, n=n,
                              provisional=keep)[keep],
              idx.keys.assign(grain="vendor", value=value, n=n, provisional=False)[~keep]]
    pd.testing.assert_frame_equal(out.frame(), pd.concat(frames, ignore_index=True), check_exact=True)


@settings(max_examples=80, deadline=None)
@given(st.lists(backlog_contact, min_size=1, max_size=40), st.sampled_from(ZONES), st.booleans())
def test_backlog_is_the_per_row_loop(rows, zone, filtered):
    frame = backlog_contacts(rows, zone)
    spec = kpi("backlog", filter={"channel": ("email",)} if filtered else {})
    c = replace(contract(spec), timezone=zone)
    periods = [parse_period(p) for p in ("2026-01", "2026-02", "2026-03", "2026-04", "2026-Q1", "2026")]
    engine = Engine(c, {"interactions": frame}, periods, ["team_id", "agent_id", "channel"])
    got = engine._backlog(spec, engine.grains)
    pd.testing.assert_frame_equal(got, ref.backlog(engine, spec, engine.grains), check_exact=True)


def test_backlog_by_hand():
    # email e1 open all along; e2 resolved in February; voice never in a backlog; e3 created in March
    frame = pd.DataFrame({
        "channel": pd.array(["email", "email", "voice", "email"], dtype="string"),
        "created_at": pd.to_datetime(["2026-01-10", "2026-01-20", "2026-01-05", "2026-03-03"], utc=True),
        "resolved_at": pd.to_datetime([None, "2026-02-10", None, None], utc=True),
        "team_id": pd.array(["t1", "t2", "t1", "t2"], dtype="string"),
    })
    spec = kpi("backlog")
    periods = [parse_period(p) for p in ("2026-01", "2026-02", "2026-03")]
    engine = Engine(contract(spec), {"interactions": frame}, periods, ["team_id"])
    got = engine._backlog(spec, engine.grains).set_index(["period", "grain", "entity"])["value"]
    assert got.to_dict() == {("2026-01", "vendor", "V"): 2.0, ("2026-02", "vendor", "V"): 1.0,
                             ("2026-03", "vendor", "V"): 2.0, ("2026-01", "team_id", "t1"): 1.0,
                             ("2026-01", "team_id", "t2"): 1.0, ("2026-02", "team_id", "t1"): 1.0,
                             ("2026-03", "team_id", "t1"): 1.0, ("2026-03", "team_id", "t2"): 1.0}


@pytest.mark.parametrize("grain", ["team_id"])
def test_backlog_lists_a_group_with_rows_in_the_period_and_none_open(grain):
    # t2's only item is created and resolved in February: listed in February with 0 open
    frame = pd.DataFrame({
        "channel": pd.array(["email", "email"], dtype="string"),
        "created_at": pd.to_datetime(["2026-01-10", "2026-02-03"], utc=True),
        "resolved_at": pd.to_datetime([None, "2026-02-04"], utc=True),
        grain: pd.array(["t1", "t2"], dtype="string"),
    })
    spec = kpi("backlog")
    engine = Engine(contract(spec), {"interactions": frame}, [parse_period("2026-02")], [grain])
    got = engine._backlog(spec, engine.grains)
    assert got[got["grain"] == grain].set_index("entity")["value"].to_dict() == {"t1": 1.0, "t2": 0.0}


def test_backlog_of_no_rows_has_text_columns():
    """An interactions table without a row: the vendor row of each period, with text columns like
    every other result (the per-row loop's frame had an object entity column in this case only)."""
    frame = pd.DataFrame({"channel": pd.array([], dtype="string"), "created_at": pd.to_datetime([], utc=True),
                          "resolved_at": pd.to_datetime([], utc=True)})
    spec = kpi("backlog")
    engine = Engine(contract(spec), {"interactions": frame}, [parse_period("2026-02")], [])
    got = engine._backlog(spec, engine.grains)
    assert got[["period", "grain", "entity", "n"]].values.tolist() == [["2026-02", "vendor", "V", 0]]
    assert all(pd.api.types.is_string_dtype(got[c]) and got[c].dtype != object for c in ("period", "entity", "grain"))


texts = st.one_of(st.none(), st.sampled_from(["Voice", "voice", "VOICE", "chat", "E-mail", "ÉTÉ", "été", ""]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(texts, st.one_of(st.none(), st.integers(0, 3))), max_size=30),
       st.dictionaries(st.sampled_from(["channel", "level", "absent"]),
                       st.lists(st.sampled_from(["voice", "Voice", "chat", "e-mail", "été", "1", "2", ""]),
                                min_size=1, max_size=3).map(tuple), max_size=2))
def test_filters_are_filter_mask(cells, filters):
    df = pd.DataFrame({"channel": pd.array([c[0] for c in cells], dtype="string"),
                       "level": pd.array([c[1] for c in cells], dtype="Int64")})
    cached = Filters(df)
    for _ in range(2):  # the second time from the cached codes
        mask, note = _base(cached, filters)
        want, want_note = ref.filter_mask(df, filters)
        assert np.array_equal(mask, want) and note == want_note and mask.dtype == bool


def test_filters_by_hand():
    df = pd.DataFrame({"channel": pd.array(["Voice", None, "chat", "VOICE"], dtype="string")})
    assert _base(Filters(df), {"channel": ("voice",)})[0].tolist() == [True, False, False, True]
    rows, note = _base(Filters(df), {"site": ("x",)})
    assert rows.tolist() == [False] * 4 and note == "filter column site is not in the data"


def test_a_cleared_cell_leaves_the_base_of_the_kpis_measuring_its_column_on_its_own_table_only():
    df = pd.DataFrame({"channel": pd.array(["voice", "voice", "chat"], dtype="string")})
    cleared = pd.DataFrame({"handle_time_s": [False, True, False], "csat": [True, False, False]})
    aht = kpi("average_handle_time", filter={"channel": ("voice",)})
    assert kpi_base(aht, Filters(df, cleared), own_table=True)[0].tolist() == [True, False, False]
    assert kpi_base(aht, Filters(df, cleared), own_table=False)[0].tolist() == [True, True, False]
    assert kpi_base(aht, Filters(df), own_table=True)[0].tolist() == [True, True, False]


def _base(filters: Filters, wanted: dict[str, tuple[str, ...]]) -> tuple[np.ndarray, str]:
    """kpis/base.py's rows of a KPI with these filters, over `filters` (a table's terms)."""
    return kpi_base(kpi("volume", filter=wanted), filters, own_table=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40 * 86400), st.one_of(st.none(), st.integers(0, 9 * 86400)),
                          st.booleans()), min_size=1, max_size=25))
def test_business_durations_of_some_rows_are_those_of_all(rows):
    start = pd.Timestamp("2026-03-20", tz="UTC")  # over the spring DST change
    created = [start + pd.Timedelta(seconds=r[0]) for r in rows]
    frame = pd.DataFrame({
        "channel": pd.array(["email"] * len(rows), dtype="string"),
        "created_at": pd.Series(created, dtype="datetime64[ns, UTC]"),
        "first_response_at": pd.Series([c + pd.Timedelta(seconds=r[1]) if r[1] is not None else pd.NaT
                                        for c, r in zip(created, rows)], dtype="datetime64[ns, UTC]")})
    derived = InteractionRows(frame, contract(kpi("first_response_time")))
    where = np.array([r[2] for r in rows])
    every = derived.duration("created_at", "first_response_at", "business")
    some = derived.duration("created_at", "first_response_at", "business", where)
    assert np.array_equal(some[where], every[where], equal_nan=True) and np.isnan(some[~where]).all()


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 400), st.integers(0, 2**32 - 1), st.sampled_from([0.5, 0.9, 0.1]),
       st.sampled_from([[-0.0, 0.0, 1.5, 2.0], [0.0, 1.5, 2.0, -3.25], [-0.0, 7.0]]))
def test_quantiles_after_the_chosen_sort_are_those_after_a_stable_sort(n, seed, q, values):
    """Ties of -0.0 and 0.0 compare equal but differ in sign: their order reaches a quantile's bits
    (hundreds of observations: a quicksort of a few is an insertion sort, stable)."""
    rng = np.random.default_rng(seed)
    obs, codes = rng.choice(values, n), rng.integers(0, 6, n)
    idx = GroupIndex(Codes.constant(6, "2026-01"), Codes.of(pd.array(list("aabbcc"), dtype="string")))
    results = []
    for kind in ("stable", _sort_kind(obs)):
        order = np.argsort(obs, kind=kind)
        results.append(idx.quantile(codes[order], obs[order], q).view(np.int64))
    assert np.array_equal(*results)


def test_sort_kind_by_hand():
    assert _sort_kind(np.array([0.0, 1.0, 0.0])) == "quicksort" and _sort_kind(np.array([1.0, -0.0])) == "stable"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-2**62, 2**62)), max_size=30))
def test_epoch_seconds_are_the_float_seconds(ns):
    ts = pd.Series(pd.array([pd.NaT if v is None else pd.Timestamp(v, unit="ns", tz="UTC") for v in ns],
                            dtype="datetime64[ns, UTC]"))
    values = ts.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))
    want = values.astype("int64").astype("float64") / 1_000_000_000
    want[np.isnat(values)] = np.nan
    assert np.array_equal(_epoch_seconds(ts), want, equal_nan=True)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["Voice", "voice", "CHAT", "Self_Service", "email", "ÉTÉ", ""])),
                max_size=40))
def test_channels_are_the_lower_cased_cells(cells):
    frame = pd.DataFrame({"channel": pd.array(cells, dtype="string"),
                          "created_at": pd.Series([pd.Timestamp("2026-01-05", tz="UTC")] * len(cells))})
    derived = InteractionRows(frame, contract(kpi("volume")))
    want = ref.lower_labels(frame["channel"])
    codes, labels = derived.channel_codes
    assert labels.dtype == object and labels[codes].tolist() == want.tolist()
    assert np.array_equal(derived.live, np.isin(want, list(derived.contract.live_channels)))
    assert np.array_equal(derived.self_service, want == "self_service")
    assert np.array_equal(derived.channel_in(["chat", "été"]), np.isin(want, ["chat", "été"]))
