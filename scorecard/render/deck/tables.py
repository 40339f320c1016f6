"""Tables that never overflow their box: fixed row heights, pagination, truncation, RAG cells.

A governance table can be long (a 26-KPI contract) and a slide is not: rows per slide follow from
the slot's height and a fixed row height, cell text is cut to what the column holds (the full text
is in the speaker notes), and a status cell carries both a colour and a word (colour-blind readers
and black-and-white printouts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Pt

from .layout import Slot

FONT = Pt(11)
ROW_HEIGHT = Emu(int(Pt(11) * 2.1))
CELL_MARGIN = Emu(int(Pt(4)))
# Average glyph width as a share of the font size (text paragraphs, where wrapping is allowed).
GLYPH = 0.6

# status -> (fill, text colour): the usual spreadsheet "good / neutral / bad" pairs.
RAG = {
    "green": (RGBColor(0xC6, 0xEF, 0xCE), RGBColor(0x00, 0x61, 0x00)),
    "amber": (RGBColor(0xFF, 0xEB, 0x9C), RGBColor(0x9C, 0x57, 0x00)),
    "red": (RGBColor(0xFF, 0xC7, 0xCE), RGBColor(0x9C, 0x00, 0x06)),
    "insufficient_sample": (RGBColor(0xE7, 0xE6, 0xE6), RGBColor(0x40, 0x40, 0x40)),
    "not_measurable": (RGBColor(0xE7, 0xE6, 0xE6), RGBColor(0x40, 0x40, 0x40)),
    "informational": (RGBColor(0xFF, 0xFF, 0xFF), RGBColor(0x26, 0x26, 0x26)),
}
PLAIN = (RGBColor(0xFF, 0xFF, 0xFF), RGBColor(0x26, 0x26, 0x26))
BAND = RGBColor(0xF3, 0xF6, 0xF9)


@dataclass(frozen=True)
class Cell:
    """One cell: its text, an optional status colouring it, bold, and alignment (l, r, c)."""

    text: str
    status: str | None = None
    bold: bool = False
    align: str = "l"


@dataclass(frozen=True)
class Column:
    """A column header, its share of the table width, and how many lines its cells may wrap to
    (free text such as an action's title wraps rather than losing its end to an ellipsis)."""

    header: str
    weight: float
    align: str = "l"
    lines: int = 1


def row_lines(columns: Sequence[Column]) -> int:
    return max((c.lines for c in columns), default=1)


def rows_per_page(slot_height: int, lines: int = 1) -> int:
    """How many body rows of `lines` lines fit under the header row in a slot."""
    return max(1, slot_height // (ROW_HEIGHT * lines) - 1)


def pages(rows, per_page: int) -> list:
    """Rows (a list or a DataFrame) cut into pages; an empty table still makes one empty page."""
    return [rows[i:i + per_page] for i in range(0, len(rows), per_page)] or [rows[:0]]


def _glyph(char: str) -> float:
    """Approximate advance width of a character, in ems, in a wide sans-serif (DejaVu Sans, the
    LibreOffice fallback for Calibri): a conservative estimate keeps text inside its cell anywhere."""
    if char.isupper() or char in "mwMW%@":
        return 0.78
    if char in "il.,:;'|!":
        return 0.32
    return 0.62


def fit(text: str, width: int, font: int = FONT, *, bold: bool = False, lines: int = 1) -> str:
    """Text cut with an ellipsis to what fits on `lines` lines of a column `width` EMU wide (with a
    margin on wrapped lines, which break between words and so waste part of each line)."""
    room = (width - 2 * CELL_MARGIN) / (font * (1.08 if bold else 1.0)) * (1 if lines == 1 else 0.85 * lines)
    used = 0.0
    for i, char in enumerate(text):
        used += _glyph(char)
        if used > room:
            return text[:max(1, i - 1)].rstrip() + "…"
    return text


def _style(cell, text: str, *, fill: RGBColor, colour: RGBColor, bold: bool, align: str,
           wrap: bool = False) -> None:
    cell.fill.solid()
    cell.fill.fore_color.rgb = fill
    cell.margin_left = cell.margin_right = CELL_MARGIN
    cell.margin_top = cell.margin_bottom = Emu(int(Pt(1)))
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame = cell.text_frame
    frame.word_wrap = wrap
    para = frame.paragraphs[0]
    para.alignment = {"l": PP_ALIGN.LEFT, "r": PP_ALIGN.RIGHT, "c": PP_ALIGN.CENTER}[align]
    run = para.add_run()
    run.text = text
    run.font.size = FONT
    run.font.bold = bold
    run.font.color.rgb = colour


def draw_table(slot: Slot, columns: Sequence[Column], rows: Sequence[Sequence[Cell]],
               header_fill: RGBColor = RGBColor(0x1F, 0x3A, 0x5F)):
    """A styled table in a slot: header row, banded body rows, RAG-coloured status cells."""
    table = slot.table(len(rows) + 1, len(columns), ROW_HEIGHT * row_lines(columns))
    total = sum(c.weight for c in columns)
    widths = [int(slot.box.width * c.weight / total) for c in columns]
    for i, width in enumerate(widths):
        table.columns[i].width = width
    for i, col in enumerate(columns):
        _style(table.cell(0, i), fit(col.header, widths[i], bold=True), fill=header_fill,
               colour=RGBColor(0xFF, 0xFF, 0xFF), bold=True, align=col.align)
    for r, row in enumerate(rows, start=1):
        for i, cell in enumerate(row):
            fill, colour = RAG.get(cell.status or "", PLAIN)
            if cell.status is None and r % 2 == 0:
                fill = BAND
            bold = cell.bold or cell.status == "red"
            lines = columns[i].lines
            _style(table.cell(r, i), fit(cell.text, widths[i], bold=bold, lines=lines), fill=fill, colour=colour,
                   bold=bold, align=cell.align, wrap=lines > 1)
    return table


@dataclass(frozen=True)
class Line:
    """A paragraph of a text slot: its text, bullet level, and emphasis (bold, a status colour)."""

    text: str
    level: int = 0
    bold: bool = False
    status: str | None = None


TEXT_SIZES = (18, 16, 14, 12, 11, 10)


def _text_height(lines: Sequence[Line], width: int, size: int) -> int:
    """Estimated height of the lines wrapped at `width` in a font of `size` points."""
    total = 0
    for line in lines:
        usable = width - Pt(size) * 1.5 * (line.level + 1)
        per_line = max(1, int(usable / (Pt(size) * GLYPH)))
        wraps = -(-max(1, len(line.text)) // per_line)
        total += Pt(size) * (1.2 * wraps + 0.4)
    return total


def write_lines(slot: Slot, lines: Sequence[Line]) -> None:
    """Paragraphs in a slot, at the largest size whose wrapped height fits the slot (text never
    overflows: PowerPoint's shrink-on-overflow only runs when PowerPoint edits the text)."""
    size = next((s for s in TEXT_SIZES if _text_height(lines, slot.box.width, s) <= slot.box.height * 0.9),
                TEXT_SIZES[-1])
    frame = slot.text()
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.level = line.level
        run = para.add_run()
        run.text = line.text
        run.font.size = Pt(size - 2 * line.level)
        run.font.bold = line.bold or None
        if line.status in RAG:
            run.font.color.rgb = RAG[line.status][1]
