"""The plausibility warnings read whole columns without copying them (no dropna of 5 M timestamps when
the first rows already show a time of day; survey answers counted on the column): the warnings must be
those of the code before, kept here as the reference, on any column."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.data import plausibility
from scorecard.data.quality import scale_text


def _old_midnight(frame, column, kpis, timezone):
    values = frame[column].dropna()
    if values.empty:
        return None
    for part in (values.iloc[:plausibility.MIDNIGHT_SAMPLE], values):
        local = part.dt.tz_convert(timezone)
        if not bool((local == local.dt.normalize()).all()):
            return None
    return plausibility._warning(column, f"every {column} is at midnight (00:00): the export seems to hold dates "
                                 f"without a time of day, yet {', '.join(kpis)} measure time between timestamps; "
                                 "map a column with the time, or combine a date and a time column in the mapping")


def _old_off_scale(frame, column, low, high):
    values = frame[column].dropna()
    off = int(((values < low) | (values > high)).sum())
    if off * 2 <= len(values):
        return None
    lowest, highest = float(values.min()), float(values.max())
    guess = f"{0 if lowest < 1 else 1}-{next((s for s in plausibility.COMMON_TOPS if s >= highest), highest):g}"
    return plausibility._warning(
        column, f"{off:,} of {len(values):,} {column} values ({off / len(values):.0%}) are outside the scale "
                f"{scale_text(low, high)} (they range from {lowest:g} to {highest:g}) and were cleared: if the survey "
                f"uses another scale, write it on the KPI (scale: {guess})", blocks=True)


def _old_under_scale(frame, column, low, high):
    values = frame[column].dropna()
    if high < 7 or len(values) < plausibility.UNDER_SCALE_MIN or float(values.max()) > 5:
        return None
    return plausibility._warning(
        column, f"the contract reads {column} on the scale {scale_text(low, high)}, yet none of its {len(values):,} "
                f"answers is above {values.max():g}: if the survey is on 1-5, remove `scale:` (or write scale: 1-5) "
                "and its satisfied answers", blocks=True)


def _same(new, old):
    assert (new is None) == (old is None)
    if new is not None:
        pd.testing.assert_frame_equal(new, old)


_STAMPS = st.sampled_from(["2026-03-01 00:00", "2026-03-29 00:00", "2026-03-29 03:00", "2026-10-25 00:00",
                           "2026-06-01 14:30", None])


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(_STAMPS, max_size=12), sample=st.integers(1, 6),
       zone=st.sampled_from(["Europe/Paris", "UTC", "America/New_York"]))
def test_midnight_warnings_are_those_of_the_copying_code(cells, sample, zone):
    local = pd.to_datetime(pd.Series(cells, dtype=object)).dt.tz_localize(zone, nonexistent="shift_forward",
                                                                          ambiguous="NaT")
    frame = pd.DataFrame({"created_at": local.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plausibility, "MIDNIGHT_SAMPLE", sample)  # the sample's edge inside a few rows
        _same(plausibility._midnight(frame, "created_at", ("asa",), zone),
              _old_midnight(frame, "created_at", ("asa",), zone))


@settings(max_examples=200, deadline=None)
@given(answers=st.lists(st.one_of(st.just(np.nan), st.sampled_from([0.0, 1.0, 3.0, 5.0, 7.0, 10.0, 11.0, 100.0])),
                        max_size=40),
       scale=st.sampled_from([(1, 5), (1, 10), (0, 10), (1, 7)]))
def test_scale_warnings_are_those_of_the_copying_code(answers, scale):
    frame = pd.DataFrame({"csat": pd.Series(answers, dtype="float64")})
    _same(plausibility._off_scale(frame, "csat", *scale), _old_off_scale(frame, "csat", *scale))
    _same(plausibility._under_scale(frame, "csat", *scale), _old_under_scale(frame, "csat", *scale))


def test_a_first_row_with_a_time_of_day_settles_the_midnight_check_without_the_rest(monkeypatch):
    frame = pd.DataFrame({"created_at": pd.to_datetime(["2026-03-01 09:15", "2026-03-02 00:00"] + [None] * 3,
                                                       utc=True)})
    seen = []
    check = plausibility._at_midnight
    monkeypatch.setattr(plausibility, "_at_midnight", lambda values, zone: seen.append(len(values)) or check(values, zone))
    assert plausibility._midnight(frame, "created_at", ("asa",), "UTC") is None
    assert seen == [2]  # the sample only (its two set cells): the whole column is never copied
    midnights = pd.DataFrame({"created_at": pd.to_datetime(["2026-03-01", None, "2026-03-02"], utc=True)})
    warning = plausibility._midnight(midnights, "created_at", ("asa",), "UTC")
    assert warning is not None and warning["problem"].iloc[0].startswith("every created_at is at midnight")


@pytest.mark.parametrize("answers, expected", [([1.0] * 19 + [np.nan], None), ([5.0] * 20 + [np.nan] * 5, "20")])
def test_under_scale_counts_answers_not_cells(answers, expected):
    warning = plausibility._under_scale(pd.DataFrame({"csat": answers}), "csat", 1, 10)
    assert (warning is None) == (expected is None)
    if expected:
        assert f"none of its {expected} answers is above 5" in warning["problem"].iloc[0]


def test_empty_first_rows_are_passed_over_in_slices_until_a_time_of_day(monkeypatch):
    # an export sorted by channel: emails first, whose answered_at is empty; the calls' answers later
    cells = [None] * 5000 + ["2026-03-01 09:15"] + ["2026-03-02 00:00"] * 20000
    frame = pd.DataFrame({"answered_at": pd.to_datetime(pd.Series(cells, dtype=object), utc=True)})
    seen = []
    check = plausibility._at_midnight
    monkeypatch.setattr(plausibility, "_at_midnight", lambda values, zone: seen.append(len(values)) or check(values, zone))
    assert plausibility._midnight(frame, "answered_at", ("asa",), "UTC") is None
    # slices of 1000, 2000, then 4000 rows (rows 3000-6999: 1 time of day and 1999 midnights): the
    # rest of the column is never read
    assert seen == [2000]
