"""program.pptx: the program's comparison for the governance forum, on the shared deck template
(render/deck/layout.py and tables.py): vendors' overall scores and credits, each comparable KPI across
vendors against each vendor's own target (status-coloured) with its benchmark, and the integrity
signals at vendor grain."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Sequence

import pandas as pd

from ..evaluate import Evaluation
from ..integrity.compute import thresholds
from ..integrity.words import evidence
from ..periods import parse_period
from ..render.deck.integrity import signal_name
from ..render.deck.layout import DeckCanvas
from ..render.deck.tables import Cell, Column, Row, draw_table, table_pages
from ..render.format import MISSING, fmt_money, fmt_period, fmt_target, fmt_value
from .compare import Comparable
from .html import kpi_name
from .text import word


def _paged(canvas: DeckCanvas, title: str, columns: Sequence[Column], rows: Sequence[Row], notes: str) -> None:
    """A table on as many slides as its measured rows need."""
    first = canvas.add("table", title, notes)
    chunks = table_pages(first[0].box.width, first[0].box.height, columns, rows)
    for i, chunk in enumerate(chunks):
        paged = f"{title} ({i + 1}/{len(chunks)})" if len(chunks) > 1 else title
        slots = first if i == 0 else canvas.add("table", paged, notes)
        heading = slots[0].slide.shapes.title
        if heading is not None:  # the template's table layout has a title placeholder
            heading.text = paged
        draw_table(slots[0], columns, chunk)


def _vendor_rows(evaluations: dict[str, Evaluation], period: str, lang: str) -> list[Row]:
    rows: list[Row] = []
    for vendor, ev in evaluations.items():
        overall = ev.overall.loc[ev.overall["period"] == period, "score"]
        status = ev.results.loc[(ev.results["grain"] == "vendor") & (ev.results["period"] == period), "status"]
        credits = (ev.credits[ev.credits["period"].isin(parse_period(period).months())] if len(ev.credits)
                   else ev.credits)
        paid = sum((p for p in credits.get("paid", []) if pd.notna(p)), start=Decimal(0))
        rows.append([Cell(vendor, bold=True),
                     Cell(fmt_value(overall.iloc[0] if len(overall) else None, "points", lang), align="r"),
                     *[Cell(str(int((status == s).sum())), status=s, align="r") for s in ("green", "amber", "red")],
                     Cell(fmt_money(float(paid), lang, ev.contract.currency), align="r")])
    return rows


def _kpi_rows(groups: Sequence[Comparable], evaluations: dict[str, Evaluation], rows: pd.DataFrame,
              vendors: list[str], units: dict[str, str], lang: str) -> list[Row]:
    out: list[Row] = []
    for g in groups:
        mine = rows[rows["kpi"] == g.key].set_index("vendor")
        cells = [Cell(kpi_name(g, evaluations, lang), bold=True)]
        for v in vendors:
            if v in mine.index:
                r = mine.loc[v]
                target = fmt_target(r["target"], units[g.key], lang)
                cells.append(Cell(f"{fmt_value(r['value'], units[g.key], lang)} ({target})", status=r["status"],
                                  align="r"))
            else:
                cells.append(Cell(MISSING, align="r"))
        bench = mine["benchmark"].iloc[0] if len(mine) else ""
        out.append(cells + [Cell(bench or "")])
    return out


def _signal_rows(integrity: pd.DataFrame, evaluations: dict[str, Evaluation], lang: str) -> list[Row]:
    """Vendor-level signals, what moved said in the program's language (integrity/words.py)."""
    flagged = integrity[integrity["grain"] == "vendor"] if len(integrity) else integrity
    rows: list[Row] = []
    for r in flagged.itertuples():
        t = thresholds(evaluations[r.vendor].contract)
        moves = getattr(r, "moves", None)
        said = evidence(moves, lang, months=t.baseline_months, short=t.short_contact) \
            if isinstance(moves, tuple) and moves else str(r.evidence)
        rows.append([Cell(r.vendor, bold=True), Cell(fmt_period(str(r.period), lang, short=True)),
                     Cell(signal_name(str(r.signal), lang)), Cell(said)])
    return rows or [[Cell(word("no_signal", lang)), Cell(""), Cell(""), Cell("")]]


def write_program_deck(out: Path, name: str, period: str, evaluations: dict[str, Evaluation],
                       groups: Sequence[Comparable], rows: pd.DataFrame, units: dict[str, str],
                       integrity: pd.DataFrame, lang: str = "en") -> Path:
    """Write program.pptx, in the program's language, and return its path."""
    canvas = DeckCanvas(None)
    vendors = list(evaluations)
    shown = fmt_period(period, lang, short=True)
    canvas.cover(name, [word("review", lang, period=shown), ", ".join(vendors)])
    _paged(canvas, word("vendors_title", lang, period=shown),
           [Column(word("vendor", lang), 3), Column(word("overall_score", lang), 1, "r"),
            *[Column(word(s, lang), 1, "r") for s in ("green", "amber", "red")],
            Column(word("credits_paid", lang), 2, "r")],
           _vendor_rows(evaluations, period, lang), word("vendors_notes", lang))
    now = rows[rows["period"] == period]
    _paged(canvas, word("kpis_title", lang, period=shown),
           [Column(word("kpi", lang), 2)] + [Column(v, 2, "r") for v in vendors] + [Column(word("benchmark", lang), 2)],
           _kpi_rows(groups, evaluations, now, vendors, units, lang), word("kpis_notes", lang))
    _paged(canvas, word("integrity_title", lang),
           [Column(word("vendor", lang), 2), Column(word("month", lang), 1), Column(word("signal", lang), 2),
            Column(word("evidence", lang), 7)], _signal_rows(integrity, evaluations, lang),
           word("integrity_notes", lang))
    canvas.save(out)
    return out
