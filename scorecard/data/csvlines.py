"""The careful CSV pass, for files pyarrow's fast reader refuses: it finds the lines that do not fit the
header, names each by its row, and hands the records that do fit back to pyarrow, so one bad line no
longer rejects a whole export and the good records are read exactly as the fast path reads them.

A record fits the header when it has at least one cell per named column and nothing but empty cells
beyond them (spreadsheets pad lines with `,,,`). A line that does not fit is left out and reported:
too few cells, a value beyond the header, or a quote (`"`) that is never closed, which would otherwise
swallow every line after it into one cell; reading resumes on the next line. Blank lines are kept,
for the caller to report. The csv module does the parsing (a few seconds per million lines; clean files
never come here).
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass

import numpy as np

_SHOWN = 60  # characters of a malformed line quoted in its report
_UNCLOSED = 'this line opens a quote (") that is not closed where the line ends'


@dataclass(frozen=True)
class Malformed:
    """A line that never became a record: its row number (as a spreadsheet counts) and why."""

    row: int
    problem: str


def fitting_lines(text: str, delimiter: str, width: int, named: int) -> tuple[str, np.ndarray, list[Malformed]]:
    """`text` (header line first) reduced to the header and the records that fit it, each written with
    exactly `width` cells so that pyarrow reads it as the csv module does; the row numbers of those
    records; and the malformed lines. Python only looks closer at a record that does not split into
    `width` cells, that spans several lines, or that ends the file."""
    lines = list(io.StringIO(text, newline=""))  # splits at \n, \r\n, \r only (not at \v)
    total = len(lines)
    keep = np.ones(total, dtype=bool)
    malformed: list[Malformed] = []
    row, pos = 1, 1  # line 0 is the header
    while pos < total:
        reader = csv.reader(itertools.islice(lines, pos, None), delimiter=delimiter)
        done = 0  # lines of this reader consumed by the records before the current one
        resume = None
        try:
            for cells in reader:
                row += 1
                n = reader.line_num
                if n == done + 1 and len(cells) == width and pos + n < total and (
                        width == named or not any(cells[named:])):
                    done = n  # the common case: one line, as many cells as the header
                    continue
                first, last, done = pos + done, pos + n, n
                problem = _problem(cells, named, lines[first:last], at_end=last == total)
                if problem is None:
                    if cells and len(cells) != width:  # padded, or short of trailing empty cells
                        lines[first] = _line(cells[:named] + [""] * (width - named), delimiter)
                        keep[first + 1:last] = False
                    continue
                malformed.append(_report(row, problem, lines[first]))
                keep[first] = False
                if last > first + 1:  # a quote opened here ran over the next lines: resume right after it
                    resume = first + 1
                    break
        except csv.Error as exc:  # e.g. a cell larger than the csv module's field limit
            row += 1
            first = pos + done
            malformed.append(_report(row, f"this line cannot be read ({exc})", lines[first]))
            keep[first] = False
            resume = first + 1
        if resume is None:
            break
        pos = resume
    rows = np.setdiff1d(np.arange(2, row + 1, dtype="int64"), [m.row for m in malformed])
    return "".join(itertools.compress(lines, keep)), rows, malformed


def _line(cells: list[str], delimiter: str) -> str:
    """One record written back as CSV text (quoted where needed)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow(cells)
    return out.getvalue()


def _problem(cells: list[str], named: int, span: list[str], *, at_end: bool) -> str | None:
    """Why a parsed record is not one (None: it is one, or a blank line). An odd number of quotes in a
    record that spans lines, or in the file's last line, is a quote left open; so is any record spanning
    lines that does not fit the header (the quote swallowed the lines after it)."""
    odd = "".join(span).count('"') % 2 == 1
    if (len(span) > 1 or at_end) and odd and (len(span) > 1 or any("\n" in c or "\r" in c for c in cells)):
        return _UNCLOSED
    if not any(c.strip() for c in cells):
        return None
    if len(cells) < named:
        problem = f"this line has {len(cells)} cells, the header has {named}"
    elif any(c.strip() for c in cells[named:]):
        problem = f"this line has values in {len(cells)} cells, the header names {named} columns"
    else:
        return None
    return _UNCLOSED if len(span) > 1 else problem


def _report(row: int, problem: str, line: str) -> Malformed:
    first = line.rstrip("\r\n")
    shown = first if len(first) <= _SHOWN else first[:_SHOWN] + "..."
    return Malformed(row, f"{problem}: {shown!r}; the line is left out (fix it in the export)")
