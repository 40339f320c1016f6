"""Labels of few distinct values (schema.CATEGORIES) are held as pandas Categoricals: the same values as
the text the loader gave before (parse.to_label without `categorical`), sorted categories, and the same
dtypes whichever file format the data came in."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.contract.model import Contract
from scorecard.data import load_dataset, parse
from scorecard.data.dataset import observed_categories
from scorecard.data.schema import CATEGORIES

_WORDS = st.sampled_from(["Chat", "chat", " CHAT ", "voice", "Voice\t", "", "  ", "é", "É", "ß", "a b", "10", "7"])
_CELLS = st.one_of(_WORDS, st.none(), st.just(math.nan), st.just(pd.NA), st.integers(-3, 12),
                   st.sampled_from([1.0, 2.0, -0.0, 2.5, 1e20]))


def _cells(values: pd.Series) -> list:
    """The values as Python objects, any missing marker as None."""
    return [None if pd.isna(v) else v for v in values.astype(object)]


def _series(cells: list, form: str) -> pd.Series:
    """The cells as a reader gives them: Python objects (Excel), Arrow text (CSV, plain Parquet), a
    Categorical (Parquet dictionary codes) or floats (a numeric column with blanks)."""
    if form == "floats":
        return pd.Series([v if isinstance(v, float) else float(len(str(v))) for v in cells], dtype="float64")
    text = [None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v) for v in cells]
    if form == "arrow":
        return pd.Series(text, dtype=pd.StringDtype("pyarrow"))
    if form == "category":
        return pd.Series(text, dtype="category")
    return pd.Series(cells, dtype=object)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(_CELLS, max_size=30), form=st.sampled_from(["object", "arrow", "category", "floats"]),
       lower=st.booleans())
def test_categorical_labels_equal_the_text_labels(cells, form, lower):
    s = _series(cells, form)
    # each cell's text: factorize takes mixed Python objects that compare equal (0 and -0.0, 1 and 1.0) for
    # one value, so the text labels of an object column of few distinct values wrote '-0.0' for a 0
    text = parse.to_label(s.astype("string") if form == "object" else s, lower=lower)
    labels = parse.to_label(s, lower=lower, categorical=True)
    assert isinstance(labels.dtype, pd.CategoricalDtype) and labels.dtype.categories.dtype == "string"
    assert _cells(labels) == _cells(text)
    assert labels.index.equals(s.index) and labels.name == s.name
    categories = list(labels.cat.categories)
    assert categories == sorted(set(categories))  # distinct, in the strings' order
    assert set(_cells(labels)) - {None} <= set(categories)
    # sorting the labels sorts them as the text sorts (missing last)
    assert _cells(labels.sort_values(kind="stable")) == _cells(text.sort_values(kind="stable"))


def test_mixed_case_and_padded_channels_are_one_category_each():
    raw = pd.Series([" Chat", "chat", "VOICE", None, "", "voice "], dtype=object)
    labels = parse.to_label(raw, lower=True, categorical=True)
    assert list(labels.cat.categories) == ["chat", "voice"]
    assert labels.cat.codes.tolist() == [0, 0, 1, -1, -1, 1]
    ids = parse.to_label(pd.Series([3.0, 10.0, math.nan]), categorical=True)
    assert list(ids.cat.categories) == ["10", "3"] and _cells(ids) == ["3", "10", None]  # string order


def test_unused_categories_are_dropped_and_used_ones_kept():
    frame = pd.DataFrame({"channel": pd.Categorical(["chat", None, "voice"], categories=["chat", "fax", "voice"]),
                          "site": pd.Categorical(["a", "b", "a"]), "n": [1, 2, 3]})
    out = observed_categories(frame)
    assert list(out["channel"].cat.categories) == ["chat", "voice"] and _cells(out["channel"]) == ["chat", None, "voice"]
    assert list(out["site"].cat.categories) == ["a", "b"] and out["n"].tolist() == [1, 2, 3]


def _contract() -> Contract:
    return Contract(id="t", client="c", vendor="v", currency="CHF", timezone="Europe/Zurich", effective=None,
                    expires=None, monthly_fee=None, kpis={})


ROWS = pd.DataFrame({
    "interaction_id": ["1", "2", "3", "4", "5"],
    "channel": ["Chat", " voice", "VOICE", "fax", "chat"],  # fax: an unknown channel, quarantined
    "created_at": ["2026-03-02 09:00"] * 5,
    "customer_id": ["C1", "C2", "C1", None, "C3"],
    "reason": ["billing", None, "Billing", "x", " billing "],
    "agent_id": ["A2", "A10", "A2", "A9", ""],
    "team_id": ["T1", "T1", "T2", "T3", "T1"],
    "site": ["Porto"] * 5,
})


def test_csv_parquet_and_excel_give_the_same_categories(tmp_path: Path):
    (tmp_path / "csv").mkdir()
    ROWS.to_csv(tmp_path / "csv" / "interactions.csv", index=False)
    table = pa.Table.from_pandas(ROWS, preserve_index=False)
    for name, dictionary in (("dict", True), ("plain", False)):
        (tmp_path / name).mkdir()
        pq.write_table(table, tmp_path / name / "interactions.parquet", use_dictionary=dictionary)
    (tmp_path / "xl").mkdir()
    ROWS.to_excel(tmp_path / "xl" / "interactions.xlsx", index=False)
    frames = [load_dataset(tmp_path / d, contract=_contract(), all_columns=True).tables["interactions"]
              for d in ("csv", "dict", "plain", "xl")]
    first = frames[0]
    for other in frames[1:]:
        pd.testing.assert_frame_equal(first, other[first.columns])
    labels = [c for c in first.columns if c in CATEGORIES]
    assert labels == ["channel", "reason", "agent_id", "team_id", "site"]
    assert all(isinstance(first[c].dtype, pd.CategoricalDtype) for c in labels)
    assert first["interaction_id"].dtype == "string" and first["customer_id"].dtype == "string"
    # row 4 (fax) quarantined: neither its channel nor its reason, agent or team is a category left
    assert list(first["channel"].cat.categories) == ["chat", "voice"]
    assert _cells(first["channel"]) == ["chat", "voice", "voice", "chat"]
    assert list(first["reason"].cat.categories) == ["Billing", "billing"]
    assert list(first["agent_id"].cat.categories) == ["A10", "A2"] and _cells(first["agent_id"])[-1] is None
    assert list(first["team_id"].cat.categories) == ["T1", "T2"]
    assert np.array_equal(first["site"].cat.codes.to_numpy(), np.zeros(4, dtype=np.int8))


def test_a_float_label_column_keeps_minus_zero_apart_as_its_text_does():
    # found by the property above: factorize takes 0.0 and -0.0 for one value, the text writes '-0.0'
    s = pd.Series([0.0, -0.0, 2.5])
    labels = parse.to_label(s, categorical=True)
    assert _cells(labels) == _cells(parse.to_label(s)) == ["0.0", "-0.0", "2.5"]


def test_a_negative_zero_of_a_float_column_keeps_its_sign_in_both_label_forms():
    """Found by the property above in CI: factorize took 0.0 and -0.0 of a float column for one
    value, so the text labels wrote '0.0' for a -0.0 cell the categorical ones wrote '-0.0'."""
    s = pd.Series([0.0, 2.5, -0.0, 2.5, 0.0, 2.5, 2.5, 2.5, 2.5, 2.5])
    for categorical in (False, True):
        assert parse.to_label(s, categorical=categorical).astype(object).tolist() == \
            ["0.0", "2.5", "-0.0", "2.5", "0.0", "2.5", "2.5", "2.5", "2.5", "2.5"]
