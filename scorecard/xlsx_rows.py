"""The rows of results.xlsx's large sheets as XML built column by column, not cell by cell.

xlsxwriter costs about 5 us a cell (one Python call each, then its XML writer), 5.3 million cells at
5 M interactions. Here each column's cells are made once per distinct value (the same few periods,
KPIs, grains and statuses repeat; numbers are formatted in one comprehension) and the rows are joined
with Arrow's string kernels, chunk by chunk, into a spooled file. xlsxwriter still writes the workbook
(styles, header, the last row, widths, panes, filter, print setup); `splice` then puts the spooled
rows into the sheet's XML after its header row.

The XML is xlsxwriter's own for the same cells in constant-memory mode (inline strings, the same
escaping, numbers as `%.16G`, infinities as #DIV/0! formulas, style indices in the order it assigns
them), so the workbook reads the same in every reader: tests/test_xlsx_rows.py compares the sheets
byte for byte with the cell-by-cell writer.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

from .arrow_text import text_bytes
from .render.xmltext import clean_text
from .results import distinct, distinct_numbers, neutralise

CHUNK = 65_536  # rows joined at once: a few tens of MB of XML
# zlib level of the spliced sheets: 3 deflates the Results sheet's XML in 38 % of the default 6's
# time (1 M interactions: 0.15 s against 0.39 s for 56 MB) into 13 % more bytes (5.3 MB against 4.7);
# level 1 would take 0.11 s for 27 % more. The other parts are small and keep xlsxwriter's level.
SPLICE_LEVEL = 3
NUMBER_WIDTH = 12  # the width a number is given in the column (its shown text depends on the format)
STRING_MAX = 32_767  # UTF-16 units Excel holds in a cell; xlsxwriter cuts longer text there
# xlsxwriter's escapes of inline strings (xmlwriter.py): a literal "_xHHHH_" keeps its underscore as
# _x005F_, the controls XML allows but Excel does not read in a cell as _xHHHH_.
_ESCAPED = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EDGE_SPACE = re.compile(r"^\s|\s$")


def cell_value(value: Any) -> Any:
    """A cell value written as data: missing -> None, Decimal kept exact, numpy scalars as
    Python numbers, text cleaned of XML-forbidden characters and neutralised against formulas."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, Decimal):
        return value
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, str):
        return neutralise(clean_text(value))
    return value


def shown_width(value: Any) -> int:
    """The characters a written value takes in its column (the longest line of a text)."""
    if value is None:
        return 0
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return NUMBER_WIDTH
    return max(len(line) for line in str(value).split("\n"))


def _truncated(text: str) -> str:
    """Text cut to Excel's 32,767 UTF-16 units, never inside a surrogate pair (as xlsxwriter does)."""
    if len(text) <= STRING_MAX // 2 or len(text.encode("utf-16-le")) <= 2 * STRING_MAX:
        return text
    units = 0
    for i, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > STRING_MAX:
            return text[:i]
    return text


def _text_body(text: str) -> str:
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", _ESCAPED.sub(r"_x005F\1", _truncated(text)))
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _number_body(number: float | int | Decimal) -> str:
    if math.isnan(number):  # nan_inf_to_errors: shown as Excel's errors, never a failed run
        return ' t="e"><f>#NUM!</f><v>#NUM!</v></c>'
    if math.isinf(number):
        return f' t="e"><f>{"-" if number < 0 else ""}1/0</f><v>#DIV/0!</v></c>'
    return f"><v>{number:.16G}</v></c>"


def body(value: Any) -> tuple[str | None, int]:
    """A cell's XML after its reference and style (`<c r="A2" s="3"` ...), and its width; None when
    the cell has no value (then written blank if it has a format, else not at all). Typed by the
    value as the cell-by-cell writer types it: text always as text, never as a formula."""
    value = cell_value(value)
    if value is None:
        return None, 0
    if isinstance(value, str):
        return (_text_body(value) if value else None), shown_width(value)
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>', shown_width(value)
    if isinstance(value, (int, float, Decimal)):
        return _number_body(value), NUMBER_WIDTH
    raise TypeError(f"a {type(value).__name__} cannot go in a large sheet: {value!r}")


def _bodies(values: pd.Series) -> tuple[np.ndarray, list[str], int]:
    """Each row's index into the distinct cell bodies (-1: no value), those bodies and the widest."""
    kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else ""
    if kind in ("i", "u", "f"):  # numbers: each distinct one formatted once
        codes, numbers = distinct_numbers(values.to_numpy())
        bodies = [f"><v>{v:.16G}</v></c>" if math.isfinite(v) else body(v)[0] or "" for v in numbers.tolist()]
        return codes, bodies, NUMBER_WIDTH if (codes >= 0).any() else 0
    uniques: list[Any]
    if kind == "b":
        codes, uniques = values.to_numpy().astype(np.intp), [False, True]
    else:
        found = distinct(values)
        codes, uniques = found if found else (np.arange(len(values)), values.tolist())
    made = [body(u) for u in uniques]
    missing = np.array([b is None for b, _ in made] + [True])  # the last for code -1
    codes = np.where(missing[codes], -1, codes)
    widths = np.array([w for _, w in made] + [0])[codes]
    return codes, [b or "" for b, _ in made], int(widths.max(initial=0))


@dataclass(frozen=True)
class Column:
    """One column of a large sheet: its cell values as written (text, numbers, booleans, missing) and
    its format, or each row's index into `formats` (`codes`)."""

    values: pd.Series
    formats: tuple[Format | None, ...] = (None,)
    codes: np.ndarray | None = None

    def format_at(self, row: int) -> Format | None:
        return self.formats[0 if self.codes is None else int(self.codes[row])]

    def format_codes(self, start: int, stop: int) -> np.ndarray:
        return np.zeros(stop - start, np.intp) if self.codes is None else np.asarray(self.codes[start:stop])


def _index_styles(columns: Sequence[Column], start: int, stop: int) -> list[list[str]]:
    """Each column's ` s="N"` attributes. xlsxwriter numbers a format when a cell first uses it, row
    by row: the same order here keeps styles.xml and the indices as the cell-by-cell writer has them."""
    uses, attrs = [], [[""] * len(column.formats) for column in columns]
    for col, column in enumerate(columns):
        present, first = np.unique(column.format_codes(start, stop), return_index=True)
        uses += [(int(row), col, int(code)) for code, row in zip(present, first)]
    for _, col, code in sorted(uses):  # only the formats these rows use: the others are not numbered yet
        fmt = columns[col].formats[code]
        if fmt is not None:
            attrs[col][code] = f' s="{fmt._get_xf_index()}"'
    return attrs


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


def _chunk(columns: Sequence[Column], start: int, stop: int, first_row: int) -> tuple[memoryview, list[int]]:
    """Rows start..stop as XML (their sheet rows from `first_row`, 0-based) and each column's widest."""
    numbers = pa.array(np.arange(first_row + 1, first_row + 1 + stop - start)).cast(pa.large_string())
    styles = _index_styles(columns, start, stop)
    cells, widths = [], []
    present = np.zeros(stop - start, bool)
    for col, (column, attrs) in enumerate(zip(columns, styles)):
        codes, bodies, width = _bodies(column.values.iloc[start:stop])
        format_codes = column.format_codes(start, stop)
        styled = np.array([a != "" for a in attrs])[format_codes]
        blank = len(bodies)  # a formatted cell without a value is written empty, with its format
        codes = np.where(codes >= 0, codes, np.where(styled, blank, -1))
        cell_body = pc.take(pa.array(bodies + ["/>"], pa.large_string()), pa.array(codes, mask=codes < 0))
        style = pc.take(pa.array(attrs, pa.large_string()), pa.array(format_codes))
        cell = pc.binary_join_element_wise(_text(f'<c r="{xl_col_to_name(col)}'), numbers, _text('"'), style,
                                           cell_body, _text(""), null_handling="emit_null")
        cells.append(pc.fill_null(cell, _text("")))
        present |= codes >= 0
        widths.append(width)
    rows = pc.binary_join_element_wise(_text('<row r="'), numbers, _text('">'), *cells, _text("</row>"), _text(""))
    if not present.all():  # a row without a cell is not written
        rows = pc.if_else(pa.array(present), rows, _text(""))
    return text_bytes(rows), widths


def spool_rows(spool: IO[bytes], columns: Sequence[Column], stop: int, first_row: int) -> list[int]:
    """Write rows 0..stop of `columns` as sheet XML into `spool`, from sheet row `first_row`
    (0-based); return each column's widest value (`shown_width`)."""
    widths = [0] * len(columns)
    for start in range(0, stop, CHUNK):
        xml, chunk_widths = _chunk(columns, start, min(stop, start + CHUNK), first_row + start)
        spool.write(xml)
        widths = [max(a, b) for a, b in zip(widths, chunk_widths)]
    return widths


def splice(workbook: bytes, path: str | IO[bytes], spooled: dict[str, IO[bytes]]) -> None:
    """Write the `workbook` xlsxwriter made to `path` (a file name or object), each sheet part of
    `spooled` with its rows inserted after its header row (the first `</row>` of its sheetData)."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            spool = spooled.get(info.filename)
            if spool is None:
                target.writestr(info, data)
                continue
            cut = data.index(b"</row>", data.index(b"<sheetData>")) + len(b"</row>")
            size = len(data) + spool.seek(0, io.SEEK_END)
            spool.seek(0)
            info._compresslevel = SPLICE_LEVEL  # type: ignore[attr-defined]  # compress_level from 3.13 on
            with target.open(info, "w", force_zip64=size > zipfile.ZIP64_LIMIT) as part:
                part.write(data[:cut])
                shutil.copyfileobj(spool, part, 1 << 20)
                part.write(data[cut:])
