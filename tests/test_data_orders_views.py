"""quality._orders tells `later < earlier` on the int64 views (quality._beyond with limit 0): the same
cells as pandas' comparison it replaced, missing values on either side never reported."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.data.quality import _beyond

_STAMPS = st.one_of(st.none(), st.integers(-2**62, 2**62))  # ns since 1970, well inside the int64 range


@settings(max_examples=200, deadline=None)
@given(pairs=st.lists(st.tuples(_STAMPS, _STAMPS), max_size=12), unit=st.sampled_from(["ns", "us"]),
       near=st.booleans())
def test_before_on_int64_views_equals_pandas_comparison(pairs, unit, near):
    if near:  # ties and neighbours, where < and <= differ
        pairs = [(a, None if b is None or a is None else a + b % 3 - 1) for a, b in pairs]
    earlier, later = (pd.Series(pd.to_datetime(list(side), unit="ns", utc=True), dtype=f"datetime64[{unit}, UTC]")
                      for side in zip(*pairs)) if pairs else (pd.Series([], dtype=f"datetime64[{unit}, UTC]"),) * 2
    replaced = (later < earlier).fillna(False).astype(bool)  # the rule before the int64 views
    assert _beyond(earlier, later, pd.Timedelta(0)).tolist() == replaced.tolist()


def test_only_a_later_timestamp_set_before_the_earlier_is_reported():
    created = pd.Series(pd.to_datetime(["2026-03-01 10:00", "2026-03-01 10:00", None, "2026-03-01 10:00"], utc=True))
    resolved = pd.Series(pd.to_datetime(["2026-03-01 09:59:59.999999999", None, "2026-03-01 08:00",
                                         "2026-03-01 10:00"], utc=True, format="ISO8601"))
    assert _beyond(created, resolved, pd.Timedelta(0)).tolist() == [True, False, False, False]
