"""The CSV files made column by column (scorecard/csv_rows.py): the same text as pandas' to_csv
after the same cell transforms (csv_text's path at c6c9f28, still its path for excel-fr and the
types left to to_csv), on frames of every column type the product writes and some it leaves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard import csv_rows
from scorecard.csv_rows import csv_columns
from scorecard.results import _cell, csv_text

texts = st.text(st.sampled_from(list('=+-@\t\r\n,;"\' aé😀0.5\\')), max_size=6)
floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([0.0, -0.0, 1e16, 1e-5, 0.1 + 0.2, 123456789.125, 5e-324]))
objects = st.one_of(st.none(), texts, st.booleans(), st.integers(-3, 3), floats,
                    st.sampled_from([Decimal("1.0"), Decimal("1.00"), Decimal("-2.50"), Decimal("NaN")]))
KINDS = {
    "float64": floats, "float32": floats, "int64": st.integers(-2**63, 2**63 - 1), "bool": st.booleans(),
    "boolean": st.none() | st.booleans(), "str": st.none() | texts, "object": objects,
    "texts": st.none() | texts,  # an object column of texts
    "Int64": st.none() | st.integers(-5, 5), "datetime64[ns]": st.none() | st.datetimes(
        dt.datetime(1990, 1, 1), dt.datetime(2100, 1, 1)),
}


@st.composite
def frames(draw) -> pd.DataFrame:
    n = draw(st.integers(0, 8))
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=5))
    names = draw(st.lists(st.sampled_from(["a", "b", "c,d", 'q"', "e", "f", "g"]), unique=True,
                          min_size=len(kinds), max_size=len(kinds)))
    return pd.DataFrame({name: pd.Series(draw(st.lists(KINDS[kind], min_size=n, max_size=n)),
                                         dtype=object if kind == "texts" else kind)
                         for name, kind in zip(names, kinds)}, index=range(n))


@settings(max_examples=400, deadline=None)
@given(frames(), st.sampled_from(["default", "excel-fr"]), st.lists(st.sampled_from(["x", "a", "b"]), unique=True, max_size=2))
def test_columns_write_the_csv_to_csv_writes(frame, dialect, missing):
    """Every column of the frame, then columns it does not have (written empty)."""
    columns = list(frame.columns) + [m for m in missing if m not in frame.columns]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_rows, "csv_columns", lambda frame, transform: None)  # to_csv for every frame
        by_to_csv = csv_text(frame, columns, dialect=dialect)
    assert csv_text(frame, columns, dialect=dialect) == by_to_csv


def test_hand_written_rows():
    """Quoting, missing cells, booleans, -0.0 apart from 0.0, neutralised and CR-free text."""
    frame = pd.DataFrame({"period": pd.Series(["2026-01", None, "2026-01"], dtype="str"),
                          "value": [0.0, -0.0, np.nan], "n": [3, 3, -1], "ok": [True, False, True],
                          "note": ['a, "b"', "=1+1", "x\ry"]})
    made = b"".join(csv_columns(frame, _cell)).decode()
    assert made == ('period,value,n,ok,note\n2026-01,0.0,3,true,"a, ""b"""\n'
                    ",-0.0,3,false,'=1+1\n" '2026-01,,-1,true,"x\ny"\n')
    assert csv_text(frame, list(frame.columns)) == made


def test_types_left_to_to_csv():
    """One column (a lone empty field is quoted), dates and nullable integers: not made here."""
    assert csv_columns(pd.DataFrame({"a": ["x"]}), _cell) is None
    assert csv_columns(pd.DataFrame({"a": [1], "b": pd.Series([None], dtype="Int64")}), _cell) is None
    assert csv_columns(pd.DataFrame({"a": [1], "b": [pd.Timestamp("2026-01-01")]}), _cell) is None
