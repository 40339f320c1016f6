"""idcodes.id_codes: the packed-bytes codes of one-width Arrow ids split the rows as pandas'
factorize does (equal ids one code, distinct ids distinct codes, missing -1), whichever path a
column takes: one width or several, up to or over eight varying bytes, nulls, multi-byte UTF-8,
several Arrow chunks, a slice of a larger array, string and large_string."""

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.data.idcodes import _packed, id_codes


def _same_partition(codes: np.ndarray, column: pd.Series) -> bool:
    expected = pd.factorize(column, use_na_sentinel=True)[0]
    if not np.array_equal(codes < 0, expected < 0):
        return False
    pairs = pd.DataFrame({"a": codes[codes >= 0], "b": expected[expected >= 0]}).drop_duplicates()
    return bool(pairs["a"].is_unique and pairs["b"].is_unique)


def _column(ids: list[str | None], arrow: str, chunks: int, sliced: bool) -> pd.Series:
    typ = pa.large_string() if arrow == "large" else pa.string()
    if sliced:  # a slice of a larger array: offsets that do not start at 0
        whole = pa.array(["XX-pad-0"] + ids + ["pad"], typ)
        array: pa.Array | pa.ChunkedArray = whole.slice(1, len(ids))
    else:
        array = pa.array(ids, typ)
    if chunks > 1 and len(ids) > 1:
        cut = len(ids) // 2
        array = pa.chunked_array([array.slice(0, cut), array.slice(cut)])
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(array) if not isinstance(array, pa.ChunkedArray)
                                                else array))


prefixes = st.sampled_from(["CU", "ÉÉ", "", "customer-"])
digits = st.integers(0, 10**9)


@settings(max_examples=200)
@given(st.lists(st.one_of(st.none(), digits), min_size=1, max_size=40), prefixes, st.integers(1, 10),
       st.sampled_from(["large", "small"]), st.integers(1, 2), st.booleans())
def test_one_width_ids_split_as_factorize(numbers, prefix, width, arrow, chunks, sliced):
    ids = [None if n is None else prefix + str(n % 10**width).zfill(width) for n in numbers]
    column = _column(ids, arrow, chunks, sliced)
    assert _same_partition(id_codes(column), column)


@settings(max_examples=100)
@given(st.lists(st.one_of(st.none(), st.text(st.characters(codec="utf-8"), max_size=12)), min_size=1, max_size=30),
       st.sampled_from(["large", "small"]), st.booleans())
def test_any_text_splits_as_factorize(ids, arrow, sliced):
    column = _column(ids, arrow, 1, sliced)
    assert _same_partition(id_codes(column), column)


def test_which_columns_are_packed():
    one_width = pd.Series(["CU00000017", None, "CU00000003", "CU00000017", "CU12345678"], dtype="string")
    assert _packed(one_width) is not None
    assert id_codes(one_width).tolist()[:4] == [id_codes(one_width)[0], -1, id_codes(one_width)[2],
                                                 id_codes(one_width)[0]]
    assert len(set(id_codes(one_width).tolist())) == 4
    nine_varying = pd.Series(["111111111", "222222222"], dtype="string")
    assert _packed(nine_varying) is None  # more than eight bytes differ
    assert _packed(pd.Series(["a1", "b22"], dtype="string")) is None  # two widths
    assert _packed(pd.Series(["a1", "b2"], dtype=object)) is None  # not Arrow text
    assert _packed(pd.Series([None, None], dtype="string")) is None
    assert id_codes(pd.Series([None, None], dtype="string")).tolist() == [-1, -1]
