"""Matplotlib images for the charts PowerPoint has no native type for.

Only what a native chart cannot say goes here: the calibration chart (each evaluator's bias as a
point with its spread as a whisker, against the shaded tolerance band). Figures are drawn on the Agg
backend through the object API (no pyplot state) inside `rc_context`, so rendering never changes
the matplotlib settings of a program that imports scorecard.
"""

from __future__ import annotations

import io
from typing import Any, Sequence

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

STYLE: dict[Any, Any] = {  # matplotlib types rc keys as literals
    "font.size": 10, "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "#7f7f7f",
    "axes.labelcolor": "#262626", "xtick.color": "#404040", "ytick.color": "#404040", "font.family": "DejaVu Sans"}
INSIDE, OUTSIDE, BAND = "#2e7d32", "#c62828", "#e8f5e9"


def bias_chart(names: Sequence[str], bias: Sequence[float], spread: Sequence[float], tolerance: float,
               *, xlabel: str, band_label: str, width_in: float = 6.0, height_in: float = 4.5,
               dpi: int = 150) -> io.BytesIO:
    """PNG bytes: one row per evaluator, bias point (red outside the tolerance) and ±spread whisker,
    over a shaded band of ±tolerance (`band_label` says so under the axis). Diverging dot-and-whisker
    plots have no PowerPoint chart type."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width_in, height_in), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        rows = list(range(len(names)))[::-1]
        ax.axvspan(-tolerance, tolerance, color=BAND, zorder=0)
        ax.axvline(0, color="#7f7f7f", linewidth=0.8, zorder=1)
        colours = [INSIDE if abs(b) <= tolerance else OUTSIDE for b in bias]
        ax.errorbar(bias, rows, xerr=spread, fmt="none", ecolor="#9e9e9e", elinewidth=1.5, capsize=3, zorder=2)
        ax.scatter(bias, rows, c=colours, s=60, zorder=3)
        ax.set_yticks(rows, labels=list(names))
        limit = max([tolerance * 1.5] + [abs(b) + s for b, s in zip(bias, spread)]) * 1.1
        ax.set_xlim(-limit, limit)
        ax.set_xlabel(f"{xlabel}\n{band_label}")
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi)
    out.seek(0)
    return out
