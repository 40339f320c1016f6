"""parse.to_label hands back clean Arrow text as it is (no strip copy of millions of ids) when no cell
would change: it must equal the strip it skips on any text, and `lower` must equal lower-casing after."""

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.data import parse

# every ASCII character (white space among them), Unicode spaces (NBSP, NEL, ideographic, en quad), letters
_CHARS = st.one_of(st.characters(max_codepoint=127), st.sampled_from("\u00a0\u0085\u3000\u2000\u1680éÉß"))
_CELLS = st.one_of(st.none(), st.text(_CHARS, max_size=5), st.text("AbC1-", min_size=1, max_size=5))


def _stripped(s: pd.Series) -> pd.Series:
    """The conversion before the shortcut: every cell stripped, empty -> <NA>."""
    out = s.astype("string").str.strip()
    return out.mask(out == "")


def _arrow_text(cells: list, chunks: int, start: int) -> pd.Series:
    """Arrow-backed text in `chunks` pieces, sliced from `start` (as Parquet row groups and filters give)."""
    size = max(1, -(-len(cells) // chunks))
    pieces = [pa.array(cells[i:i + size], pa.large_string()) for i in range(0, len(cells), size)]
    arrow = pa.chunked_array(pieces or [pa.array([], pa.large_string())]).slice(start)
    return pd.Series(pd.arrays.ArrowStringArray(arrow))


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(_CELLS, max_size=20), chunks=st.integers(1, 4), start=st.integers(0, 3), lower=st.booleans())
def test_labels_equal_the_strip_of_every_cell(cells, chunks, start, lower):
    text = _arrow_text(cells, chunks, start)
    expected = _stripped(text)
    pd.testing.assert_series_equal(parse.to_label(text, lower=lower), expected.str.lower() if lower else expected)
    if parse._trimmed(text.array):  # the shortcut is taken only where the strip would change nothing
        pd.testing.assert_series_equal(expected, text.astype("string"))


def test_clean_ids_are_handed_back_without_a_copy_and_dirty_ones_are_cleaned():
    ids = pd.Series(["T-1", "T-2", None, "T-3"], dtype=pd.StringDtype("pyarrow"))
    assert parse._trimmed(ids.array)
    assert parse.to_label(ids).tolist() == ["T-1", "T-2", pd.NA, "T-3"]
    for dirty in (" T-1", "T-1\t", "", "T-1\u00a0", "\x1fT"):
        assert not parse._trimmed(pd.Series(["T-0", dirty], dtype=pd.StringDtype("pyarrow")).array)
    # a multi-byte character at either end is left to the strip, which keeps it (it is not a space)
    assert parse.to_label(pd.Series(["éa", "aé"], dtype=pd.StringDtype("pyarrow"))).tolist() == ["éa", "aé"]
    assert parse.to_label(pd.Series(["Voice", " CHAT"]), lower=True).tolist() == ["voice", "chat"]
    codes = pd.Series(["Voice", " CHAT", None], dtype="category")
    assert parse.to_label(codes, lower=True).tolist() == ["voice", "chat", pd.NA]
