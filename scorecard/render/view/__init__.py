"""The view model both renderers read: what a KPI row and a KPI trend show, already in words.

The HTML cards (render/html) and the deck (render/deck) lay these out, each in its own medium; what
a row says (label, value in its unit, status word, target and minimum, per-channel lines, the
guardrails' why, a small sample's interval) and what a trend draws (months, values, target and
minimum levels) is decided here once, so both can never disagree and a new cell is added once.
"""

from .rows import CHANNEL_INDENT, KpiRowView, KpiWords, ResultIndex, caution_text, is_true, kpi_row, lines
from .trend import TrendIndex, TrendView, level, trend_view

__all__ = ["CHANNEL_INDENT", "KpiRowView", "KpiWords", "ResultIndex", "TrendIndex", "TrendView",
           "caution_text", "is_true", "kpi_row", "level", "lines", "trend_view"]
