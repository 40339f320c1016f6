"""The large sheets' rows made column by column (scorecard/xlsx_rows.py) against the cell-by-cell
writer (`_Sheet.put`, xlsxwriter's calls): the same workbook byte for byte on varied columns, and
the same cells read back by openpyxl and python-calamine."""

from __future__ import annotations

import io
import math
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from xlsxwriter import Workbook

from scorecard import xlsx_rows
from scorecard.xlsx import _Sheet, _Styles
from scorecard.xlsx_rows import Column, splice

FORMATS = [None, ("num", "0.0%"), ("num", "[h]:mm:ss"), ("num", "#,##0"), ("fill", "FFC7CE"), ("fill", "C6EFCE")]


def _workbook(columns_of, rows: int, fast: bool) -> dict[str, bytes]:
    """The parts of a one-sheet workbook (a summary sheet first, as results.xlsx has) whose rows are
    written by `add_columns` (fast) or one `put` per cell; `columns_of(styles)` makes the columns."""
    made, out = io.BytesIO(), io.BytesIO()
    book = Workbook(made, {"constant_memory": True, "nan_inf_to_errors": True})
    styles = _Styles(book)
    first = _Sheet(book, styles, "Summary", ["a"])
    first.add([("x", "0.00", None)])
    first.finish()
    columns = columns_of(styles)
    sheet = _Sheet(book, styles, "Rows", [f"h{i}" for i in range(len(columns))])
    if fast:
        sheet.add_columns(columns)
    else:
        for row in range(rows):
            for col, column in enumerate(columns):
                sheet.put(col, column.values.iloc[row], column.format_at(row))
            sheet.row += 1
    sheet.finish()
    book.close()
    splice(made.getvalue(), out, styles.spooled)
    with zipfile.ZipFile(out) as parts:
        return {name: parts.read(name) for name in parts.namelist() if name != "docProps/core.xml"}


def _format(styles: _Styles, spec):
    if spec is None:
        return None
    kind, value = spec
    return styles.number(value) if kind == "num" else styles.fill(value)


def _columns(specs):
    """A `columns_of` for _workbook: (values, format specs, per-row codes or None) per column."""
    def columns_of(styles):
        return [Column(values, tuple(_format(styles, f) for f in formats), codes)
                for values, formats, codes in specs]
    return columns_of


TRICKY = list("=+-@\t\r\n<>&\"' _x0Aé€😀\x00\x01\x08\x0b\x0c\x1f\x7f\ufffe\uffff")
texts = st.one_of(
    st.text(st.sampled_from(TRICKY) | st.characters(exclude_categories=["Cs"]), max_size=12),
    st.sampled_from(["", " ", "=1+1", "-3", "@SUM(A1)", "_x0041_", "a_x00e9_b", " lead", "trail ", "Met",
                     "<= 4.20", "R&D", "\r\n", "line\nbreak"]),
)
floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([0.0, -0.0, 1e-300, 5e-324, 1.7976931348623157e308, 0.1, 1 / 3, 123456789.125,
                                    1e16, 12345678901234567.0, math.inf, -math.inf, math.nan]))
# a lone surrogate only in object columns: an Arrow-backed text column cannot hold one
anything = st.one_of(st.none(), texts, st.text(st.sampled_from(["\ud800", "a", "\udfff"]), min_size=1), floats,
                     st.booleans(), st.integers(-2**53, 2**53),
                     st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**9, min_value=-10**9),
                     st.just(pd.NA))


@st.composite
def column_specs(draw, rows: int):
    kind = draw(st.sampled_from(["str", "object", "float", "int", "bool", "boolean"]))
    if kind == "str":
        values = pd.Series(draw(st.lists(st.none() | texts, min_size=rows, max_size=rows)), dtype="str")
    elif kind == "object":
        values = pd.Series(draw(st.lists(anything, min_size=rows, max_size=rows)), dtype=object)
    elif kind == "float":
        values = pd.Series(draw(st.lists(floats, min_size=rows, max_size=rows)), dtype="float64")
    elif kind == "int":
        values = pd.Series(draw(st.lists(st.integers(-2**62, 2**62), min_size=rows, max_size=rows)), dtype="int64")
    elif kind == "bool":
        values = pd.Series(draw(st.lists(st.booleans(), min_size=rows, max_size=rows)), dtype=bool)
    else:
        values = pd.Series(draw(st.lists(st.none() | st.booleans(), min_size=rows, max_size=rows)), dtype="boolean")
    formats = draw(st.lists(st.sampled_from(FORMATS), min_size=1, max_size=3))
    per_row = len(formats) > 1 or draw(st.booleans())
    codes = np.array(draw(st.lists(st.integers(0, len(formats) - 1), min_size=rows, max_size=rows))) if per_row else None
    return values, formats, codes


@st.composite
def sheets(draw):
    rows = draw(st.integers(0, 11))
    return rows, draw(st.lists(column_specs(rows), min_size=1, max_size=5))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_columns_write_the_same_workbook_as_cells(monkeypatch_chunk, sheet):
    """Every part of the workbook (sheet XML, styles, workbook) identical, chunk boundaries inside."""
    rows, specs = sheet
    fast, cells = _workbook(_columns(specs), rows, True), _workbook(_columns(specs), rows, False)
    assert fast.keys() == cells.keys()
    for name in cells:
        assert fast[name] == cells[name], name


@pytest.fixture(scope="module")
def monkeypatch_chunk():
    """Chunks of 4 rows, so that the examples cross chunk boundaries."""
    saved, xlsx_rows.CHUNK = xlsx_rows.CHUNK, 4
    yield
    xlsx_rows.CHUNK = saved


def test_text_beyond_excels_cell_limit_is_cut_as_xlsxwriter_cuts_it():
    long = pd.Series(["=" + "x" * 40_000, "y" * 32_767, "short"], dtype="str")
    specs = [(long, [None], None)]
    assert _workbook(_columns(specs), 3, True) == _workbook(_columns(specs), 3, False)


def _read_back(parts: dict[str, bytes], tmp_path: Path) -> Path:
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def test_cells_read_back_with_their_types_formats_and_fills(tmp_path):
    """Hand-written cells: what openpyxl and calamine read from the rows made column by column."""
    specs = [
        (pd.Series(["=HYPERLINK(\"x\")", "a\x00b", "R&D <team>", None, ""], dtype="str"), [None], None),
        (pd.Series([0.6872, 9826.95 / 86400, math.inf, math.nan, -0.0]),
         [("num", "0.0%"), ("num", "[h]:mm:ss")], np.array([0, 1, 0, 1, 0])),
        (pd.Series([12, 0, -3, 2**40, 7], dtype="int64"), [("num", "#,##0")], None),
        (pd.Series(["Met", "Missed", "Met", "Small sample", "Missed"], dtype=object),
         [("fill", "C6EFCE"), ("fill", "FFC7CE"), ("fill", "EDEDED")], np.array([0, 1, 0, 2, 1])),
        (pd.Series([True, False, True, False, True]), [None], None),
        (pd.Series([Decimal("12.50"), None, 3, "7", True], dtype=object), [None], None),
    ]
    path = _read_back(_workbook(_columns(specs), 5, True), tmp_path)
    ws = openpyxl.load_workbook(path)["Rows"]
    cells = [[(c.value, c.number_format, c.fill.fgColor.rgb if c.fill.fill_type else None, c.data_type)
              for c in row] for row in ws.iter_rows(min_row=2, max_col=6)]
    text, value, count, status, flag, mixed = zip(*cells)
    assert [c[0] for c in text] == ["'=HYPERLINK(\"x\")", "ab", "R&D <team>", None, None]
    assert all(c[3] in ("s", "n") for c in text)  # never a formula ("f")
    assert value[0][:2] == (0.6872, "0.0%")
    assert value[1][0].total_seconds() == pytest.approx(9826.95, abs=1e-3) and value[1][1] == "[h]:mm:ss"
    assert value[2][0] == "=1/0" and value[2][3] == "f"  # an infinite ratio shows #DIV/0!, as xlsxwriter has it
    assert value[3][:2] == (None, "[h]:mm:ss")  # missing: an empty cell keeping its format
    assert [c[:2] for c in count] == [(12, "#,##0"), (0, "#,##0"), (-3, "#,##0"), (2**40, "#,##0"), (7, "#,##0")]
    assert [(c[0], c[2]) for c in status] == [("Met", "FFC6EFCE"), ("Missed", "FFFFC7CE"), ("Met", "FFC6EFCE"),
                                              ("Small sample", "FFEDEDED"), ("Missed", "FFFFC7CE")]
    assert [c[0] for c in flag] == [True, False, True, False, True]
    assert [c[0] for c in mixed] == [12.5, None, 3, "7", True]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F6"
    shown = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Rows").to_python()
    assert shown[1][:3] == ["'=HYPERLINK(\"x\")", 0.6872, 12]
    assert shown[3][0] == "R&D <team>" and shown[4][4] is False and shown[5][5] is True


def test_repeated_numbers_formatted_once_keep_their_own_text():
    """Numbers are formatted once per distinct bit pattern: 0.0 and -0.0 are equal keys for a hash
    but cells "0" and "-0"; repeated counts and rates, a NaN among them, as the cell writer has them."""
    specs = [(pd.Series([0.0, -0.0, 0.5, 0.5, math.nan, -0.0, math.inf]), [None], None),
             (pd.Series([3, 3, -3, 3, 0, 0, 2**53], dtype="int64"), [("num", "#,##0")], None)]
    fast, cells = _workbook(_columns(specs), 7, True), _workbook(_columns(specs), 7, False)
    assert fast == cells
    sheet = fast["xl/worksheets/sheet2.xml"].decode()
    assert '<c r="A2"><v>0</v></c><c r="B2" s="2"><v>3</v></c>' in sheet and '<c r="A7"><v>-0</v></c>' in sheet
