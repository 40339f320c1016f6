"""csv_text transforms each distinct text once (results.distinct): the same bytes as transforming
every cell (`astype(object).map`, the writer before), on varied columns and both dialects."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.results import _cell, _french_cell, csv_text, distinct

texts = st.text(st.sampled_from(list("=+-@\t\r\n,;\"' aé😀0.5")), max_size=6)
objects = st.one_of(st.none(), texts, st.booleans(), st.integers(-3, 3), st.sampled_from([0.0, -0.0, 1.5]),
                    st.sampled_from([Decimal("1.0"), Decimal("1.00"), Decimal("-2.50")]), st.just(float("nan")))


def _cell_by_cell(frame: pd.DataFrame, dialect: str) -> str:
    """csv_text as it was: every text cell transformed on its own."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool or str(out[col].dtype) == "boolean":
            out[col] = out[col].map({True: "true", False: "false"}).astype(object)
        elif not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].astype(object).map(_french_cell if dialect == "excel-fr" else _cell)
    if dialect == "excel-fr":
        return "\ufeff" + out.to_csv(index=False, lineterminator="\n", sep=";", decimal=",")
    return out.to_csv(index=False, lineterminator="\n")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 8).flatmap(lambda n: st.tuples(
    st.lists(st.none() | texts, min_size=n, max_size=n), st.lists(objects, min_size=n, max_size=n))),
    st.sampled_from(["default", "excel-fr"]))
def test_distinct_texts_write_the_same_csv_as_every_cell(columns, dialect):
    text, mixed = columns
    frame = pd.DataFrame({"text": pd.Series(text, dtype="str"), "mixed": pd.Series(mixed, dtype=object),
                          "plain": pd.Series(text, dtype=object)})
    assert csv_text(frame, ["text", "mixed", "plain"], dialect=dialect) == _cell_by_cell(frame, dialect)


def test_distinct_codes_texts_and_leaves_other_objects_alone():
    codes, values = distinct(pd.Series(["b", None, "a", "b"], dtype="str"))
    assert list(codes) == [0, -1, 1, 0] and values == ["b", "a"]
    assert distinct(pd.Series(["b", None, "b"], dtype=object)) is not None
    assert distinct(pd.Series([1, True, Decimal("1.0"), Decimal("1.00")], dtype=object)) is None
