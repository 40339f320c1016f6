"""Tables that never overflow their box and never cut their text: measured columns, wrapped
cells, rows as tall as their text, pagination by measured height, RAG cells.

A governance table can be long (a 26-KPI contract) and a slide is not: columns are sized from their
text with the font's real metrics (measure.py), cells wrap between words, and rows go to the next
slide when the measured height is full. A status cell carries both a colour and a word
(colour-blind readers and black-and-white printouts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Pt

from .layout import Slot
from .measure import longest_word, text_width, wrap

FONT = Pt(11)
ROW_HEIGHT = Emu(int(Pt(11) * 2.1))
CELL_MARGIN = Emu(int(Pt(4)))

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
    """A column header, its share of the width left once every column holds its text, and alignment."""

    header: str
    weight: float
    align: str = "l"


Row = Sequence[Cell]
PAD = 2 * CELL_MARGIN / 12700 + 3.0  # points around a cell's text: margins and a rendering slack
LINE = FONT.pt * 1.2  # points per extra wrapped line


def _bold(cell: Cell) -> bool:
    return cell.bold or cell.status == "red"


def column_widths(width: int, columns: Sequence[Column], rows: Sequence[Row]) -> list[int]:
    """Column widths (EMU) summing to `width`: every column as wide as its longest line when that
    fits, else as wide as its longest word plus a share of what is left, in proportion to the room
    its text wants (long titles get more than short codes); words wider than a column are broken."""
    size = FONT.pt
    natural, least = [], []
    for i, col in enumerate(columns):
        cells = [(col.header, True)] + [(row[i].text, _bold(row[i])) for row in rows]
        natural.append(max(text_width(t, size, b) for t, b in cells) + PAD)
        least.append(max(longest_word(t, size, b) for t, b in cells) + PAD)
    room = width / 12700
    if sum(natural) <= room:
        spare, weights = room - sum(natural), [c.weight for c in columns]
        points = [n + spare * w / sum(weights) for n, w in zip(natural, weights)]
    elif sum(least) <= room:
        wants = [n - m for n, m in zip(natural, least)]
        points = [m + (room - sum(least)) * w / sum(wants) for m, w in zip(least, wants)]
    else:
        points = [m * room / sum(least) for m in least]
    widths = [int(p * 12700) for p in points]
    widths[-1] += width - sum(widths)
    return widths


ROUNDING = 0.01  # points: widths are whole EMUs, so a column sized to its longest word may lose 1/12700 pt


def cell_lines(cell_text: str, width: int, bold: bool) -> list[str]:
    return wrap(cell_text, width / 12700 - PAD + ROUNDING, FONT.pt, bold)


def row_heights(widths: Sequence[int], columns: Sequence[Column], rows: Sequence[Row]) -> list[int]:
    """Header and body row heights (EMU): one line is ROW_HEIGHT, each wrapped line adds LINE."""
    def height(texts) -> int:
        lines = max((len(cell_lines(t, w, b)) for (t, b), w in zip(texts, widths)), default=1)
        return int(ROW_HEIGHT + Pt(LINE) * (lines - 1))
    return ([height([(c.header, True) for c in columns])] +
            [height([(cell.text, _bold(cell)) for cell in row]) for row in rows])


def table_height(width: int, columns: Sequence[Column], rows: Sequence[Row]) -> int:
    return sum(row_heights(column_widths(width, columns, rows), columns, rows))


def table_pages(box_width: int, box_height: int, columns: Sequence[Column], rows: Sequence[Row]) -> list[list]:
    """Rows cut into pages whose measured height fits `box_height` (the header repeats on each);
    an empty table still makes one empty page."""
    widths = column_widths(box_width, columns, rows)
    heights = row_heights(widths, columns, rows)
    out: list[list] = [[]]
    used = heights[0]
    for row, h in zip(rows, heights[1:]):
        if out[-1] and used + h > box_height:
            out.append([])
            used = heights[0]
        out[-1].append(row)
        used += h
    return out


def _style(cell, text: str, *, fill: RGBColor, colour: RGBColor, bold: bool, align: str, width: int) -> None:
    cell.fill.solid()
    cell.fill.fore_color.rgb = fill
    cell.margin_left = cell.margin_right = CELL_MARGIN
    cell.margin_top = cell.margin_bottom = Emu(int(Pt(1)))
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame = cell.text_frame
    frame.word_wrap = True
    for i, line in enumerate(cell_lines(text, width, bold)):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = {"l": PP_ALIGN.LEFT, "r": PP_ALIGN.RIGHT, "c": PP_ALIGN.CENTER}[align]
        run = para.add_run()
        run.text = line
        run.font.size = FONT
        run.font.bold = bold
        run.font.color.rgb = colour


HEADER_FILL = RGBColor(0x1F, 0x3A, 0x5F)


def draw_table(slot: Slot, columns: Sequence[Column], rows: Sequence[Row], header_fill: RGBColor = HEADER_FILL):
    """A styled table in a slot: columns sized from their text, cells wrapped (never cut), rows as
    tall as their text, banded body rows, RAG-coloured status cells."""
    widths = column_widths(slot.box.width, columns, rows)
    heights = row_heights(widths, columns, rows)
    table = slot.table(len(rows) + 1, len(columns), ROW_HEIGHT)
    for i, width in enumerate(widths):
        table.columns[i].width = width
    for r, height in enumerate(heights):
        table.rows[r].height = height
    for i, col in enumerate(columns):
        _style(table.cell(0, i), col.header, fill=header_fill, colour=RGBColor(0xFF, 0xFF, 0xFF), bold=True,
               align=col.align, width=widths[i])
    for r, row in enumerate(rows, start=1):
        for i, cell in enumerate(row):
            fill, colour = RAG.get(cell.status or "", PLAIN)
            if cell.status is None and r % 2 == 0:
                fill = BAND
            _style(table.cell(r, i), cell.text, fill=fill, colour=colour, bold=_bold(cell), align=cell.align,
                   width=widths[i])
    return table


@dataclass(frozen=True)
class Line:
    """A paragraph of a text slot: its text, bullet level, and emphasis (bold, a status colour)."""

    text: str
    level: int = 0
    bold: bool = False
    status: str | None = None


TEXT_SIZES = (18, 16, 14, 12, 11, 10)


def _text_height(lines: Sequence[Line], width: int, size: int) -> float:
    """Measured height of the lines wrapped at `width` in a font of `size` points."""
    total = 0.0
    for line in lines:
        usable = (width - Pt(size) * 1.5 * (line.level + 1)) / 12700
        wraps = len(wrap(line.text, usable, size - 2 * line.level, line.bold))
        total += Pt(size) * (1.2 * wraps + 0.4)
    return total


def lines_fit(slot: Slot, lines: Sequence[Line]) -> bool:
    """Whether the lines fit the slot at the smallest text size write_lines would use."""
    return _text_height(lines, slot.box.width, TEXT_SIZES[-1]) <= slot.box.height * 0.9


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
