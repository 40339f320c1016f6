"""Inline SVG sparklines: a KPI's last months in a table cell.

Drawn as a few lines of SVG text rather than with matplotlib: thousands of cards must render in
seconds, each file must stay self-contained, and text SVG prints sharp at any size.
"""

from __future__ import annotations

import math
from typing import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 120, 28, 3


def _y(value: float, low: float, high: float) -> float:
    """Vertical position of a value: high at the top, the middle when all values are equal."""
    if high == low:
        return HEIGHT / 2
    return PAD + (high - value) / (high - low) * (HEIGHT - 2 * PAD)


def sparkline_svg(values: Sequence[float], *, label: str, target: float | None = None) -> Markup:
    """An SVG polyline of `values` (oldest first; NaN leaves a gap), a dashed line at `target`,
    and a dot on the last value. `label` is the accessible text (every value, in words).
    Returns empty Markup when no value is finite, so the caller can show a word instead."""
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return Markup("")
    bounds = finite + ([target] if target is not None and not math.isnan(target) else [])
    low, high = min(bounds), max(bounds)
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    segments: list[list[str]] = [[]]
    last = ""
    for i, v in enumerate(values):
        if math.isnan(v):
            segments.append([])
            continue
        x, y = PAD + i * step, _y(v, low, high)
        segments[-1].append(f"{x:.1f},{y:.1f}")
        last = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" class="spark-last"/>'
    lines = "".join(
        f'<polyline points="{" ".join(points)}" class="spark-line"/>' for points in segments if len(points) > 1
    )
    guide = ""
    if target is not None and not math.isnan(target):
        y = _y(target, low, high)
        guide = f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y:.1f}" y2="{y:.1f}" class="spark-target"/>'
    return Markup(
        f'<svg class="spark" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
        f"{guide}{lines}{last}</svg>"
    )


def bias_bar_svg(bias: float, tolerance: float, *, label: str, scale: float, tendency: str = "") -> Markup:
    """A diverging bar for a calibration bias (points): left = harsh, right = lenient, with the
    ±tolerance band shaded, so "beyond tolerance" is visible at a glance. `scale` is the largest
    absolute value the bar must hold (the same for every evaluator of a table). The bar is coloured
    by the evaluator's tendency (aligned, lenient, harsh) and outlined in red beyond the tolerance,
    so a lenient evaluator beyond it still reads as lenient."""
    if math.isnan(bias):
        return Markup("")
    width, height, mid = 160, 16, 80
    # the axis holds 1.5 tolerances at least, so the band's edges are always in view
    unit = (mid - 4) / max(scale, 1.5 * tolerance, 1e-9)
    x = mid + bias * unit
    band = tolerance * unit
    outside = (f" bias-{tendency}" if tendency else "") + (" bias-out" if abs(bias) > tolerance else "")
    return Markup(
        f'<svg class="bias" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}"><title>{escape(label)}</title>'
        f'<rect x="{mid - band:.1f}" y="1" width="{2 * band:.1f}" height="{height - 2}" class="bias-band"/>'
        f'<line x1="{mid - band:.1f}" x2="{mid - band:.1f}" y1="1" y2="{height - 1}" class="bias-edge"/>'
        f'<line x1="{mid + band:.1f}" x2="{mid + band:.1f}" y1="1" y2="{height - 1}" class="bias-edge"/>'
        f'<rect x="{min(mid, x):.1f}" y="4" width="{abs(x - mid):.1f}" height="{height - 8}" '
        f'class="bias-bar{outside}"/>'
        f'<line x1="{mid}" x2="{mid}" y1="0" y2="{height}" class="bias-axis"/></svg>'
    )


def strip_svg(values: Sequence[float], mine: float, *, label: str) -> Markup:
    """Where one agent stands in the team: a dot per teammate, the team median as a tick, the agent
    as a larger dot (an inline strip plot, the same width as the sparkline)."""
    known = sorted(v for v in values if not math.isnan(v))
    if len(known) < 2 or math.isnan(mine):
        return Markup("")
    low, high = min(known + [mine]), max(known + [mine])
    span = (high - low) or 1.0

    def x(v: float) -> float:
        return PAD + (WIDTH - 2 * PAD) * ((v - low) / span if high > low else 0.5)

    middle = len(known) // 2
    median = known[middle] if len(known) % 2 else (known[middle - 1] + known[middle]) / 2
    dots = "".join(f'<circle cx="{x(v):.1f}" cy="8" r="2" class="strip-peer"/>' for v in known)
    return Markup(
        f'<svg class="strip" width="{WIDTH}" height="16" viewBox="0 0 {WIDTH} 16" role="img" '
        f'aria-label="{escape(label)}"><title>{escape(label)}</title>'
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="8" y2="8" class="strip-axis"/>{dots}'
        f'<line x1="{x(median):.1f}" x2="{x(median):.1f}" y1="2" y2="14" class="strip-median"/>'
        f'<circle cx="{x(mine):.1f}" cy="8" r="4" class="strip-mine"/></svg>'
    )
