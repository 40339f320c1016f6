"""Repeat-contact detection against a brute-force reading of KPIS.md convention 10."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.kpis.repeat import repeat_flags

DAY = 86400


def brute_force(rows, window):
    out = []
    for i, (ci, ti, ri) in enumerate(rows):
        hit = ci is not None and any(
            cj == ci and ti < tj <= ti + window and (ri is None or rj is None or ri == rj)
            for j, (cj, tj, rj) in enumerate(rows) if j != i)
        out.append(hit)
    return out


contacts = st.lists(st.tuples(st.sampled_from(["c1", "c2", "c3", None]),
                              st.integers(0, 20) .map(lambda h: h * DAY // 2),  # ties happen often
                              st.sampled_from(["refund", "baggage", None])), max_size=30)


@settings(max_examples=300, deadline=None)
@given(contacts, st.sampled_from([0, DAY, 3 * DAY, 7 * DAY]))
def test_repeat_flags_match_the_definition(rows, window):
    df = pd.DataFrame({
        "created_at": pd.to_datetime([t for _, t, _ in rows], unit="s", utc=True),
        "customer_id": pd.array([c for c, _, _ in rows], dtype="string"),
        "reason": pd.array([r for _, _, r in rows], dtype="string"),
    })
    repeated, _ = repeat_flags(df, float(window))
    assert list(repeated) == brute_force(rows, window)
