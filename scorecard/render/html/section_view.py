"""The view model of a card's section tables (cells, lines, tables), shared by every section builder.

Cells carry their text already formatted and a raw sort key, so the template only lays them out and
the browser can sort a table without parsing "1 234,5 %".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd
from markupsafe import Markup

from .. import format as f
from .cards import Context

Links = Callable[[str, str], "str | None"]  # (grain, entity) -> href of that entity's card, if any
Lookup = Callable[[str], Any]  # entity -> section view (None: nothing to show)


@dataclass(frozen=True, slots=True)
class Cell:
    """A value in a comparison table with what a reader needs beside it: status and outlier flag."""

    text: str
    sort: str  # the raw number, for sorting in the browser ("" when missing)
    status: str = ""
    status_label: str = ""
    icon: str = ""
    outlier: bool = False
    detail: str = ""  # under the value: e.g. a small sample's interval, greyed with its status

    @property
    def numeric(self) -> bool:
        """Whether the cell holds a number (right-aligned, like its heading)."""
        try:
            float(self.sort)
        except ValueError:
            return False
        return True


@dataclass(frozen=True)
class Line:
    """One row of a section table: a label (with an optional link) and its cells."""

    label: str
    cells: list[Cell]
    href: str | None = None
    emphasis: bool = False  # a category subtotal, the TOTAL row, or this card's own evaluator
    flagged: bool = False  # an outlier agent or an evaluator beyond tolerance
    bar: Markup = Markup("")
    note: str = ""


@dataclass(frozen=True)
class Table:
    """A section: caption, column headings, lines, and a message when there is nothing to show."""

    title: str
    caption: str
    headings: list[str]
    lines: list[Line]
    message: str = ""
    footnote: str = ""
    chart: bool = False  # whether lines carry a bar drawn in a last column

    @property
    def numeric_columns(self) -> list[bool]:
        """Per heading, whether its column holds numbers (the label column never does)."""
        cells = self.lines[0].cells if self.lines else []
        return [False, *(cell.numeric for cell in cells)] + [False] * len(self.headings)


def num(value: Any) -> float:
    """A frame cell as a float, NaN when it is missing or not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def sort_key(value: Any) -> str:
    """The data-sort attribute of a cell: the exact number, or "" (sorted last) when missing."""
    number = num(value)
    return "" if math.isnan(number) else repr(number)


def period_rows(frame: pd.DataFrame | None, period: str) -> pd.DataFrame:
    """The rows of a section frame in one period (an empty frame when it has none)."""
    if frame is None or "period" not in frame:
        return pd.DataFrame()
    return frame[frame["period"] == period]


def status_cell(ctx: Context, text: str, raw: Any, status: str, outlier: bool = False, detail: str = "") -> Cell:
    """A value cell with its status badge (icon and word, never colour alone)."""
    return Cell(text, sort_key(raw), status, f.status_label(status, ctx.lang), f.status_icon(status), outlier, detail)
