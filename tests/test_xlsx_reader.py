"""Excel input: python-calamine and the openpyxl fallback read the same frame, with the sheet's
own row numbers (a title row and blank rows above the header keep their numbers)."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import openpyxl
import pandas as pd
import pytest
import python_calamine

from scorecard.data.readers import read_table

ROOT = Path(__file__).resolve().parents[1]


def _both(path: Path):
    fast = read_table(path)
    with mock.patch.object(python_calamine.CalamineWorkbook, "from_path", side_effect=ImportError):
        slow = read_table(path)
    return fast, slow


def test_the_real_export_reads_the_same_through_both_readers():
    fast, slow = _both(ROOT / "examples/data/pwc-call-center/call-center.xlsx")
    assert len(fast.frame) == 5000
    pd.testing.assert_frame_equal(fast.frame, slow.frame, check_dtype=False)
    assert fast.frame["AvgTalkDuration"].iloc[0] == "0:02:23"  # a duration cell reads as a CSV shows it


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_rows_keep_the_sheet_numbers(tmp_path, reader):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append([])                       # row 1 empty
    ws.append(["id", "", "n"])          # row 2 header; an empty header cell names column_2
    ws.append(["A", "x", 1.0])          # row 3
    ws.append([])                       # row 4 blank: skipped, reported
    ws.append(["B", None, 2.0, "out"])  # row 5 beyond the header: quarantined
    ws.append(["C", None, 3.0])         # row 6
    path = tmp_path / "t.xlsx"
    book.save(path)
    fast, slow = _both(path)
    raw = fast if reader == "calamine" else slow
    assert list(raw.frame.columns) == ["id", "column_2", "n", "source_row"]
    assert raw.frame["source_row"].tolist() == [3, 6]
    assert raw.frame["n"].tolist() == [1, 3]  # integral floats as ints: ids never read 1.0
    assert raw.report[["row", "action"]].values.tolist() == [[4, "skipped"], [5, "quarantined"]]
