"""The line-by-line CSV reader, for files pyarrow's fast reader refuses: it keeps every good record and
names each malformed line by its row, so one bad line no longer rejects a whole export.

A record fits the header when it has at least one cell per named column and nothing but empty cells
beyond them (spreadsheets pad lines with `,,,`). A line that does not fit is left out and reported:
too few cells, a value beyond the header, or a quote (`"`) that is never closed, which would otherwise
swallow every line after it into one cell; reading resumes on the next line. A line whose cells are
all empty is a blank line: it is returned as an all-missing record, for the caller to report.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pandas as pd

_SHOWN = 60  # characters of a malformed line quoted in its report
_UNCLOSED = 'this line opens a quote (") that is not closed where the line ends'


@dataclass(frozen=True)
class Malformed:
    """A line that never became a record: its row number (as a spreadsheet counts) and why."""

    row: int
    problem: str


class _Lines:
    """The file's lines with a position the caller can move back (to resume after a bad quote)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.pos = 1  # line 0 is the header

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def lenient_records(text: str, delimiter: str, named: int) -> tuple[pd.DataFrame, list[Malformed]]:
    """The records of `text` (header line first) as text columns 0..named-1 plus `source_row`, and the
    malformed lines."""
    lines = _Lines(list(io.StringIO(text, newline="")))  # splits at \n, \r\n, \r only (not at \v)
    reader = csv.reader(lines, delimiter=delimiter)
    records: list[list[str | None]] = []
    rows: list[int] = []
    malformed: list[Malformed] = []
    row = 1
    while lines.pos < len(lines.lines):
        start, row = lines.pos, row + 1
        try:
            cells = next(reader)
        except csv.Error as exc:  # e.g. a cell larger than the csv module's field limit
            cells, problem = None, f"this line cannot be read ({exc})"
        many = lines.pos > start + 1
        if cells is not None:
            problem = _misfit(cells, named)
            # An odd number of quotes with a line break inside a cell: the quote ran to the end of the file.
            odd = "".join(lines.lines[start:lines.pos]).count('"') % 2 == 1
            if (odd and (many or any("\n" in c or "\r" in c for c in cells))) or (problem and many):
                problem = _UNCLOSED
        if problem is None:
            records.append([c if c else None for c in cells[:named]] + [None] * (named - len(cells)))
            rows.append(row)
            continue
        first = lines.lines[start].rstrip("\r\n")
        shown = first if len(first) <= _SHOWN else first[:_SHOWN] + "..."
        malformed.append(Malformed(row, f"{problem}: {shown!r}; the line is left out (fix it in the export)"))
        if many:  # a quote opened here ran over the next lines: resume right after this one
            lines.pos = start + 1
            reader = csv.reader(lines, delimiter=delimiter)
    columns = list(zip(*records)) if records else [()] * named
    frame = pd.DataFrame({i: pd.array(list(col), dtype=pd.StringDtype("pyarrow")) for i, col in enumerate(columns)})
    frame["source_row"] = np.asarray(rows, dtype="int64")
    return frame, malformed


def _misfit(cells: list[str], named: int) -> str | None:
    """Why a parsed line is not a record (None: it is one, or a blank line)."""
    if not any(c.strip() for c in cells):
        return None
    if len(cells) < named:
        return f"this line has {len(cells)} cells, the header has {named}"
    if any(c.strip() for c in cells[named:]):
        return f"this line has values in {len(cells)} cells, the header names {named} columns"
    return None
