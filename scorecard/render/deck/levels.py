"""Service levels: every KPI at grain vendor, paginated (trends.py draws their history).

The table is the contract's scorecard as the forum reads it: value, target, minimum, a status in
colour and in words, and the change since last month.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

import pandas as pd

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Pt

from .context import DeckContext
from .layout import Slot
from .tables import Cell, Column, draw_table, table_pages
from ..format import MISSING
from ..view import KpiRowView, lines

FOOT_GREY = RGBColor(0x59, 0x59, 0x59)


def levels_missing(ctx: DeckContext) -> str | None:
    return None if len(ctx.vendor_results()) else ctx.w("no_kpis")


def _row(row: KpiRowView) -> list[Cell]:
    return [Cell(row.label),
            Cell(row.value_text, status=row.status, align="r"),
            Cell(row.target_text, align="r"),
            Cell(row.minimum_text, align="r"),
            Cell(row.status_word, status=row.status),
            Cell(row.change_text, align="r")]


def kpi_columns(ctx: DeckContext) -> list[Column]:
    return [Column(ctx.w("kpi"), 4.2), Column(ctx.w("value"), 1.4, "r"), Column(ctx.w("target"), 1.3, "r"),
            Column(ctx.w("minimum"), 1.3, "r"), Column(ctx.w("status"), 1.9), Column(ctx.w("change"), 1.4, "r")]


def kpi_table(ctx: DeckContext, slot: Slot, rows: pd.DataFrame) -> None:
    """KPI rows (scored results) as the scorecard table; shared by the service-level and quality slides."""
    draw_table(slot, kpi_columns(ctx), kpi_cells(ctx, rows))


def kpi_lines(ctx: DeckContext, rows: pd.DataFrame) -> list[KpiRowView]:
    """The table's rows (render/view): each KPI of `rows`, then its channels indented under it."""
    return lines(ctx.row(r.kpi, str(r.entity)) for r in rows.itertuples())


def kpi_cells(ctx: DeckContext, rows: pd.DataFrame) -> list[list[Cell]]:
    return [_row(line) for line in kpi_lines(ctx, rows)]


def paged_table(ctx: DeckContext, title: str, columns: list[Column], rows: list[list[Cell]],
                notes: Callable[[range], str], footnote: Callable[[range], list[str]] | None = None) -> None:
    """A table on as many slides as its measured rows need (titles say 1/2, 2/2); `notes` gets the
    indices of each slide's rows, and so does `footnote`, whose lines sit under the table (room is
    kept for all of them on every page)."""
    first = ctx.canvas.add("table", title)
    box = first[0].box
    most = len(footnote(range(len(rows)))) if footnote else 0
    foot = int(Pt(FOOT_PT * 1.3) * most + ctx.canvas.gap) if most else 0
    chunks = table_pages(box.width, box.height - foot, columns, rows)
    start = 0
    for i, chunk in enumerate(chunks):
        slots = first if i == 0 else ctx.canvas.add("table", title)
        slide = slots[0].slide
        heading, speaker = slide.shapes.title, slide.notes_slide.notes_text_frame
        if len(chunks) > 1 and heading is not None:
            heading.text = f"{title} ({ctx.w('page', n=i + 1, total=len(chunks))})"
        if speaker is not None:
            speaker.text = notes(range(start, start + len(chunk)))
        table_slot, under = slots[0].caption(box.height - foot) if foot else (slots[0], None)
        draw_table(table_slot, columns, chunk)
        lines = footnote(range(start, start + len(chunk))) if footnote else []
        if under is not None and lines:
            write_footnote(under, lines)
        start += len(chunk)


FOOT_PT = 10


def write_footnote(slot: Slot, lines: list[str]) -> None:
    """Small grey lines at the bottom of a slot (sources, never content)."""
    frame = slot.text()
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    for i, text in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = text
        run.font.size = Pt(FOOT_PT)
        run.font.color.rgb = FOOT_GREY


MARKS = "¹²³⁴⁵⁶⁷⁸⁹"


def _benchmarks(ctx: DeckContext, rows: list[KpiRowView]) -> tuple[list[Cell], dict[str, str], dict[str, str]]:
    """A benchmark cell per table row ('70.0%–75.0%¹'), each source's footnote by its mark, and
    note lines for KPIs measured otherwise than the published figure (a p90, a share within a
    threshold): those get no figure on the slide, where it would read as comparable."""
    sources: list[str] = []
    cells, aside = [], {}
    for row in rows:
        bench = row.benchmark
        if bench is None or not row.benchmark_alike:
            if bench is not None and row.channel is None:
                aside[row.kpi] = ctx.w("bench_aside", kpi=row.label, bench=bench.text, source=bench.named)
            cells.append(Cell(MISSING, align="r"))
            continue
        if bench.named not in sources:
            sources.append(bench.named)
        mark = MARKS[min(sources.index(bench.named), len(MARKS) - 1)]
        cells.append(Cell(bench.shown(partial(ctx.value, unit=row.unit)) + mark, align="r"))
    foot = {MARKS[i]: f"{MARKS[i]} {ctx.w('bench_source', source=name)}" for i, name in enumerate(sources[:len(MARKS)])}
    return cells, foot, aside


def build_service_levels(ctx: DeckContext) -> None:
    shown_rows = kpi_lines(ctx, ctx.vendor_results())
    columns, rows = kpi_columns(ctx), [_row(line) for line in shown_rows]
    bench, foot, aside = _benchmarks(ctx, shown_rows)

    def _kpis(shown: range) -> list[str]:
        return list(dict.fromkeys(shown_rows[i].kpi for i in shown))

    if foot:
        columns.append(Column(ctx.w("benchmark"), 1.4, "r"))
        rows = [cells + [b] for cells, b in zip(rows, bench)]
    paged_table(ctx, f"{ctx.w('service_levels')} - {ctx.month(ctx.period)}", columns, rows,
                lambda shown: "\n".join([ctx.w("notes_rag"), *(aside[k] for k in _kpis(shown) if k in aside),
                                          ctx.definitions(_kpis(shown))]),
                footnote=lambda shown: [text for mark, text in foot.items()
                                        if any(bench[i].text.endswith(mark) for i in shown)])
