"""backtest.csv and backtest.html: the rows of backtest.py, and a side-by-side table with a chart
of monthly credits (inline SVG: one small drawing needs no plotting library)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..atomic import write_text
from ..credits import TOTAL
from ..results import csv_text
from .backtest import BACKTEST_COLUMNS, Backtest
from .report import environment

CHART_W, CHART_H, BAR_COLORS = 640, 220, ("#1e88e5", "#ef8f00")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    width: float
    color: str
    title: str


def _totals(bt: Backtest) -> dict[tuple[str, str], dict]:
    rows = bt.rows[bt.rows["kpi"] == TOTAL]
    return {(r["period"], r["contract"]): r for r in rows.to_dict("records")}


def chart_bars(bt: Backtest) -> list[Bar]:
    """Grouped bars of each side's monthly credit (after the cap), scaled to the largest."""
    totals = _totals(bt)
    peak = max([totals[(m, s.name)]["credit"] for m in bt.months for s in bt.sides] + [Decimal(1)])
    slot = CHART_W / max(len(bt.months), 1)
    width = slot * 0.8 / len(bt.sides)
    bars = []
    for i, month in enumerate(bt.months):
        for j, side in enumerate(bt.sides):
            credit = totals[(month, side.name)]["credit"]
            height = float(credit / peak) * (CHART_H - 20)
            bars.append(Bar(i * slot + slot * 0.1 + j * width, CHART_H - height, height, width,
                            BAR_COLORS[j % 2], f"{side.name} {month}: {credit}"))
    return bars


def backtest_html(bt: Backtest, currency: str) -> str:
    return environment().get_template("backtest.html.j2").render(
        bt=bt, totals=_totals(bt), bars=chart_bars(bt), colors=BAR_COLORS, currency=currency,
        width=CHART_W, height=CHART_H, periods=[*bt.months, TOTAL])


def write_backtest(bt: Backtest, folder: Path, currency: str) -> list[Path]:
    files = {"backtest.csv": csv_text(bt.rows, BACKTEST_COLUMNS), "backtest.html": backtest_html(bt, currency)}
    return [write_text(Path(folder) / name, text) for name, text in files.items()]
