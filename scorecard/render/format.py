"""Formatting filters and UI strings shared by the HTML scorecards and the deck.

Results arrive in base units (rates 0-1, durations in seconds, QA and NPS points, counts, money).
This module is the one place that turns them into the text a reader of each language expects
("85.2%" in English, "85,2 %" in French with a non-breaking space), so a scorecard and a slide can
never show the same number two ways. The marks themselves (grouping, decimal, percent, money) are
scorecard/numbers.py's, shared with the explanations of scoring and credits. Every word shown lives
in i18n.yaml, read through `t()`.

Stable interface (the deck imports it): `fmt_value`, `fmt_change`, `change_tone`, `fmt_target`,
`fmt_number`, `status_label`, `status_icon`, `kpi_label`, `month_name`, `fmt_period`, `t`,
`word`, `role_text`, `check_lang`, `LANGUAGES`, `STATUSES`, `MISSING`.
"""

from __future__ import annotations

import math
import re
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterable

import yaml

from .. import numbers
from ..catalog import catalog
from ..contract.model import Contract
from ..errors import Problem, RenderError, ScorecardError
from ..periods import MONTH, QUARTER, parse_period
from ..units import UnitError, parse_target

if TYPE_CHECKING:
    from ..data.plausibility import Caution

LANGUAGES = ("en", "fr")
# The statuses counted on indexes and summaries; "informational" (no threshold) is shown, never counted.
STATUSES = ("green", "amber", "red", "insufficient_sample", "not_measurable")
NBSP = numbers.NBSP
MINUS = "\u2212"  # a real minus sign: same width as "+", read as "minus" by screen readers
MISSING = "\u2014"  # shown for a value that does not exist (not measurable, no observation)

# Icons differ in shape, so a status reads without colour (WCAG 1.4.1) and in black-and-white print.
_ICONS = {"green": "\u2713", "amber": "!", "red": "\u2717", "insufficient_sample": "?",
          "not_measurable": "\u2013", "informational": "i"}
_OPS = {">=": "\u2265", "<=": "\u2264", ">": ">", "<": "<", "==": "="}
_PERCENTILE = re.compile(r"^p\d{1,2}$")


@lru_cache(maxsize=1)
def strings() -> dict[str, Any]:
    """The parsed i18n.yaml (cached: it is read once per process)."""
    return yaml.safe_load(resources.files("scorecard.render").joinpath("i18n.yaml").read_text(encoding="utf-8"))


def check_lang(lang: str) -> str:
    """Return `lang` if supported, else raise a RenderError naming the supported languages."""
    if lang not in LANGUAGES:
        raise RenderError(Problem(f"language {lang!r} is not supported", field="lang",
                                  hint=f"use one of: {', '.join(LANGUAGES)}"))
    return lang


_FRENCH_SPACE = re.compile(r"[ \u00a0\u202f]*([:;])(?=\s|$)")


def typeset(text: str, lang: str) -> str:
    """French typography: a no-break space before ":" (a narrow one before ";"), so "Objectif :"
    never breaks after "Objectif" and reads as French; other languages are left as written."""
    if lang != "fr":
        return text
    return _FRENCH_SPACE.sub(lambda m: ("\u00a0" if m.group(1) == ":" else "\u202f") + m.group(1), text)


def t(key: str, lang: str, **values: Any) -> str:
    """The UI string `key` in `lang`, with `{name}` placeholders filled from `values`."""
    try:
        text = strings()["ui"][key][lang]
    except KeyError:
        raise RenderError(Problem(f"no UI text {key!r} in language {lang!r}",
                                  file="scorecard/render/i18n.yaml", field=f"ui.{key}")) from None
    return typeset(text.format(**values) if values else text, lang)


def caution_texts(cautions: Iterable[Caution], lang: str) -> list[str]:
    """The data-quality cautions of an evaluation (a table the checks took more than 10 % of), as
    the operations card and the deck summary both say them."""
    return [t("data_caution", lang, share=numbers.percent(100 * c.share, 0, lang), table=c.table,
              count=numbers.number(c.affected, 0, lang), read=numbers.number(c.read, 0, lang))
            for c in cautions]


def word(table: str, key: str, lang: str, default: str | None = None) -> str:
    """A word from one of i18n.yaml's small tables (status, channels, ...), or `default`."""
    entry = strings()[table].get(key)
    if entry is None:
        return key if default is None else default
    return typeset(entry[lang], lang)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def fmt_number(value: float, decimals: int, lang: str) -> str:
    """A plain number with the language's decimal and grouping marks: 12,345.6 / 12 345,6."""
    return numbers.number(value, decimals, lang)


_percent = numbers.percent


def fmt_duration(seconds: float, lang: str) -> str:
    """Seconds as a reader says them: "42 s", "6 min 30 s", "8.2 h", "2.1 d" (fr "2,1 j")."""
    units = numbers.tables()["units"]
    whole = round(seconds)
    if whole < 60:
        return f"{whole}{NBSP}{units['second'][lang]}"
    if whole < 3600:
        minutes, secs = divmod(whole, 60)
        text = f"{minutes}{NBSP}{units['minute'][lang]}"
        return f"{text} {secs}{NBSP}{units['second'][lang]}" if secs else text
    if seconds < 86400 - 180:  # 23.95 h and more would print as "24.0 h": say "1.0 d" instead
        return f"{fmt_number(seconds / 3600, 1, lang)}{NBSP}{units['hour'][lang]}"
    return f"{fmt_number(seconds / 86400, 1, lang)}{NBSP}{units['day'][lang]}"


def fmt_money(value: float, lang: str, currency: str = "", decimals: int = 2) -> str:
    """Money with its currency: "€4.20" in English, "4,20 €" in French; unknown codes as "4.20 XYZ"."""
    return numbers.money(value, lang, currency, decimals)


def fmt_value(value: Any, unit: str, lang: str, *, currency: str = "") -> str:
    """A result value in base units as text. `unit` is the catalog unit: rate (0-1, shown as %),
    duration (seconds), points, count, money (needs `currency`), ratio. Missing -> an em dash."""
    if _is_missing(value):
        return MISSING
    value = float(value)
    if unit == "rate":
        return _percent(value * 100, 1, lang)
    if unit == "duration":
        sign = MINUS if value < 0 else ""
        return sign + fmt_duration(abs(value), lang)
    if unit == "points":
        return _signed(fmt_number(abs(value), 1, lang), value)
    if unit == "count":
        return _signed(fmt_number(abs(value), 0, lang), value)
    if unit == "money":
        return _signed(fmt_money(abs(value), lang, currency), value)
    if unit == "ratio":
        return _signed(fmt_number(abs(value), 2, lang), value)
    raise RenderError(Problem(f"unknown unit {unit!r} for value {value!r}", field="unit",
                              hint="units are rate, duration, points, count, money, ratio"))


def _signed(magnitude: str, value: float) -> str:
    return MINUS + magnitude if value < 0 and any(c in "123456789" for c in magnitude) else magnitude


def fmt_change(change: Any, unit: str, lang: str, *, currency: str = "") -> str:
    """A change from last month with an explicit sign: "+2.1 pts" for rates (percentage points),
    "−1 min 5 s" for durations. No sign when it rounds to zero; missing -> an em dash."""
    if _is_missing(change):
        return MISSING
    change = float(change)
    if unit == "rate":
        magnitude = f"{fmt_number(abs(change) * 100, 1, lang)}{NBSP}{numbers.unit_name('points_change', lang)}"
    else:
        magnitude = fmt_value(abs(change), unit, lang, currency=currency)
    if not any(c in "123456789" for c in magnitude):
        return magnitude
    return ("+" if change > 0 else MINUS) + magnitude


def change_tone(change: Any, direction: str) -> str:
    """"better", "worse" or "" (no change, missing, or a neutral KPI), for styling and words."""
    if _is_missing(change) or float(change) == 0 or direction not in ("higher", "lower"):
        return ""
    improved = (float(change) > 0) == (direction == "higher")
    return "better" if improved else "worse"


def fmt_target(text: Any, unit: str, lang: str, *, currency: str = "") -> str:
    """A contract comparison string as text in the language: ">= 80%" -> "≥ 80 %" in French.
    Empty -> an em dash; a string that does not parse is shown as written."""
    if not isinstance(text, str) or not text.strip():
        return MISSING
    try:
        target = parse_target(text)
    except UnitError:
        return str(text)
    if unit == "rate":
        shown = _percent(target.value * 100, _decimals_needed(target.value * 100), lang)
    elif unit in ("points", "count", "ratio"):
        shown = fmt_number(target.value, _decimals_needed(target.value), lang)
    else:
        shown = fmt_value(target.value, unit, lang, currency=currency)
    return f"{_OPS[target.op]}{NBSP}{shown}"


def _decimals_needed(value: float) -> int:
    """0, 1 or 2: a target of 85 reads "85", not "85.0"; 4.2 reads "4.2", 0.35 reads "0.35"."""
    for decimals in (0, 1):
        if abs(value - round(value, decimals)) < 1e-9:
            return decimals
    return 2


def status_label(status: str, lang: str) -> str:
    """The word for a status (green -> "Met" / "Atteint"); unknown statuses are shown as given."""
    return word("status", status, lang)


def status_icon(status: str) -> str:
    """A shape per status (✓ ! ✗ ? –), so a status is never told by colour alone."""
    return _ICONS.get(status, "")


def kpi_label(contract: Contract, kpi_id: str, lang: str) -> str:
    """A KPI's display name: the contract's `label` in `lang` if given, else its label in the
    contract's language (the name its author chose tells two KPIs of one metric apart, which the
    catalog's cannot), else the catalog label qualified by what distinguishes it (channel filter,
    statistic): "First response time (chat, p90)"."""
    spec = contract.kpis.get(kpi_id)
    if spec is None:
        return kpi_id
    given = spec.labels.get(lang) or spec.label
    if given:
        return given
    metric = catalog().get(spec.metric)
    if metric is None:
        return kpi_id
    qualifiers = [word("channels", c, lang) for c in spec.filter.get("channel", ())]
    if metric.statistic and spec.statistic != "mean":
        qualifiers.append(spec.statistic if _PERCENTILE.match(spec.statistic)
                          else word("statistics", spec.statistic, lang))
    label = metric.label[lang]
    return f"{label} ({', '.join(qualifiers)})" if qualifiers else label


def month_name(month: int, lang: str, *, short: bool = False) -> str:
    """Month 1-12 -> "March" / "mars" ("Mar" / "mars" when short)."""
    return strings()["months_short" if short else "months"][lang][month - 1]


def fmt_date(day: date, lang: str) -> str:
    """A calendar date as the forum reads it: "31 Jul 2026" / "31 juil. 2026" (not ISO 2026-07-31)."""
    return f"{day.day}{NBSP}{month_name(day.month, lang, short=True)}{NBSP}{day.year}"


def fmt_period(label: str, lang: str, *, short: bool = False) -> str:
    """'2026-03' -> "March 2026" / "mars 2026"; '2026-Q1' -> "Q1 2026" / "T1 2026"; '2026' -> "2026"."""
    try:
        period = parse_period(label)
    except ScorecardError:
        return str(label)
    year = label[:4]
    if period.kind == MONTH:
        return f"{month_name(int(label[5:7]), lang, short=short)} {year}"
    if period.kind == QUARTER:
        return strings()["quarter"][lang].format(q=label[-1], year=year)
    return year


def role_text(role: str, key: str, lang: str) -> str:
    """A role's `title` or `about` text; a role i18n.yaml does not know is titled by its name."""
    entry = strings()["roles"].get(role)
    if entry is None:
        return role.replace("_", " ").capitalize() if key == "title" else ""
    return typeset(entry[key][lang], lang)
