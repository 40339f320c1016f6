"""parse._fit_ns tells a column inside the years datetime64[ns] holds from its int64 view: it must
agree with pandas' own min, max and year on any unit, time zone and edge instant."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.data import parse

# instants around both edges of _YEARS (1678-2261), ordinary ones and the missing
_EDGES = ["1677-12-31 23:59:59", "1677-12-31 23:00:00", "1678-01-01 00:00:00", "2026-03-29 02:30:00",
          "2261-12-31 23:59:59", "2262-01-01 00:00:00", "1900-06-01 12:00:00", None]


def _old_inside(values: pd.Series) -> bool:
    """The rule before the int64 view: pandas' min and max, their years."""
    low, high = values.min(), values.max()
    return bool(pd.isna(low) or (low.year >= 1678 and high.year <= 2261))


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(st.sampled_from(_EDGES), max_size=8), unit=st.sampled_from(["s", "ms", "us", "ns"]),
       zone=st.sampled_from([None, "UTC", "Europe/Paris", "America/New_York"]))
def test_the_year_check_on_the_int64_view_equals_pandas_min_and_max(cells, unit, zone):
    kept = [c for c in cells if c is None or unit != "ns" or "1677" not in c and "2262" not in c]  # ns: in range
    values = pd.Series(pd.to_datetime(pd.Series(kept, dtype=object)), dtype=f"datetime64[{unit}]")
    if zone is not None:
        values = values.dt.tz_localize("UTC").dt.tz_convert(zone)
    assert parse._inside_years(values) == _old_inside(values)


def test_a_year_outside_is_missing_and_the_others_keep_their_instant():
    values = pd.Series(np.array(["2026-03-01T10:00", "9999-12-31", "NaT"], dtype="datetime64[s]"))
    assert not parse._inside_years(values)
    fitted = parse._fit_ns(values)
    assert fitted.dt.unit == "ns" and fitted.isna().tolist() == [False, True, True]
    assert fitted.iloc[0] == pd.Timestamp("2026-03-01 10:00")
    assert parse._inside_years(pd.Series([], dtype="datetime64[us, UTC]"))
    assert parse._inside_years(pd.Series([pd.NaT, pd.NaT], dtype="datetime64[us]"))
    assert np.array_equal(parse._fit_ns(values[:1]).array.asi8, [pd.Timestamp("2026-03-01 10:00").value])
