"""Reading typed fields out of a located YAML document while collecting every problem.

Each reader returns the converted value, or None after recording a located `Problem`, so the loader
keeps going and reports all mistakes of a contract in one run instead of stopping at the first.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Callable, Iterable, TypeVar
from zoneinfo import available_timezones

from ..errors import Problem
from ..units import Target, UnitError, parse_duration, parse_months, parse_percent, parse_scale, parse_target
from ..yamlread import Document, Path, field_name
from . import patterns

T = TypeVar("T")
# Beyond it a duration is a typing mistake, and time stamps plus it leave the clock's range (about
# 292 years of nanoseconds): a repeat window of 200000d ended in an OverflowError, exit 1.
LONGEST_DURATION_S = 100 * 365.25 * 86400


def suggest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' for the closest choice, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def one_of(choices: Iterable[str]) -> str:
    return ", ".join(str(c) for c in choices)


def kind_of(value: Any) -> str:
    """How a YAML value reads to a contract author, for 'expected X, got Y' messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, date):
        return value.isoformat()
    return repr(value) if not isinstance(value, str) else f'"{value}"'


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _spelled_out(value: Any) -> str:
    """'write 1000000' for text YAML did not read as a number (1e6, 1_000_000 with a space...), else ''."""
    if not isinstance(value, str):
        return ""
    try:
        number = float(value.replace(" ", "").replace("_", ""))
    except ValueError:
        return ""
    if not math.isfinite(number) or abs(number) >= 1e15:
        return ""
    return f"write {int(number)}" if number.is_integer() else f"write {number}"


@dataclass
class Fields:
    """The problems found so far in one file, and typed readers that add to them."""

    file: str
    doc: Document
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: Path, message: str, hint: str = "", *, key: bool = False) -> None:
        line, col = self.doc.where(path, key=key)
        self.problems.append(Problem(message, self.file, line, col, field_name(path), hint))

    def mapping(self, value: Any, path: Path, *, allowed: Iterable[str] | None = None,
                required: Iterable[str] = (), hint: str = "") -> dict[str, Any] | None:
        """A mapping with only `allowed` keys (None: any) and every `required` one."""
        if not isinstance(value, dict):
            self.add(path, f"expected a mapping, got {kind_of(value)}", hint)
            return None
        if allowed is not None:
            allowed = list(allowed)
            for key in value:
                if key not in allowed:
                    self.add(path + (key,), f"unknown field {key!r}{suggest(key, allowed)}",
                             f"allowed here: {one_of(allowed)}", key=True)
        for key in required:
            if key not in value:
                self.add(path, f"missing required field {key!r}", hint or f"add `{key}:` here", key=True)
        return value

    def items(self, value: Any, path: Path) -> list[Any] | None:
        """A list; a lone scalar is not silently promoted, so `kpis: aht` is caught."""
        if not isinstance(value, list):
            self.add(path, f"expected a list, got {kind_of(value)}", "write [a, b] or one `- item` per line")
            return None
        return value

    def text(self, value: Any, path: Path, *, choices: Iterable[str] | None = None,
             pattern: str | None = None, expected: str = "valid here", hint: str = "") -> str | None:
        """A non-empty string, optionally one of `choices` or matching a `patterns` expression
        (`expected` then says what the pattern means, for the message)."""
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"expected text, got {kind_of(value)}", hint)
            return None
        if choices is not None:
            choices = list(choices)
            if value not in choices:
                self.add(path, f'"{value}" is not one of {one_of(choices)}{suggest(value, choices)}', hint)
                return None
        if pattern is not None and not patterns.matches(pattern, value):
            self.add(path, f'"{value}" is not {expected}', hint)
            return None
        return value

    def texts(self, value: Any, path: Path, **kw: Any) -> tuple[str, ...] | None:
        """A list of strings (each checked as `text`); None when any item is wrong."""
        items = self.items(value, path)
        if items is None:
            return None
        out = [self.text(v, path + (i,), **kw) for i, v in enumerate(items)]
        return None if any(v is None for v in out) else tuple(v for v in out if v is not None)

    def number(self, value: Any, path: Path, *, minimum: float | None = None,
               maximum: float | None = None, integer: bool = False, hint: str = "") -> float | int | None:
        """A finite number (an int when `integer`) within the bounds; booleans are not numbers."""
        ok = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok or (isinstance(value, float) and not math.isfinite(value)):
            self.add(path, f"expected {'a whole number' if integer else 'a number'}, got {kind_of(value)}",
                     _spelled_out(value) or hint)
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = " and ".join(b for b in (f">= {minimum:g}" if minimum is not None else "",
                                              f"<= {maximum:g}" if maximum is not None else "") if b)
            self.add(path, f"{value} is out of range: it must be {bounds}", hint)
            return None
        return value if integer else float(value)

    def boolean(self, value: Any, path: Path) -> bool | None:
        if not isinstance(value, bool):
            self.add(path, f"expected true or false, got {kind_of(value)}")
            return None
        return value

    def parsed(self, value: Any, path: Path, parser: Callable[[Any], T], pattern: str,
               expected: str) -> T | None:
        """A unit string read by a `units` parser; the pattern keeps the loader and the schema in step."""
        if isinstance(value, str) and not patterns.matches(pattern, value):
            self.add(path, f'cannot read "{value}": expected {expected}', f"write {expected}")
            return None
        try:
            return parser(value)
        except (UnitError, TypeError, ValueError, OverflowError):
            self.add(path, f"cannot read {kind_of(value)}: expected {expected}", f"write {expected}")
            return None

    def unitless(self, value: Any, path: Path, unit: str) -> bool:
        """Whether `value` is a bare number where a unit is required (recorded with the fix)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if unit == "%":
            fraction = f" (or {value * 100:g}% if {value:g} is a fraction)" if 0 < value <= 1 else ""
            self.add(path, f"{value:g} has no unit: a percentage needs its % sign",
                     f"write {value:g}%{fraction}")
        else:
            self.add(path, f"{value:g} has no unit: a duration needs one (s, m, h, d or w)",
                     f"write {value:g}s if you mean seconds, {value:g}m for minutes")
        return True

    def percent(self, value: Any, path: Path, *, maximum: float | None = None) -> float | None:
        if self.unitless(value, path, "%"):
            return None
        out = self.parsed(value, path, parse_percent, patterns.PERCENT, "a percentage like 12%")
        if out is not None and not (math.isfinite(out) and 0 <= out and (maximum is None or out <= maximum)):
            top = f" and at most {maximum:.0%}" if maximum is not None else ""
            self.add(path, f"{kind_of(value)} is out of range: a percentage here must be >= 0%{top}")
            return None
        return out

    def duration(self, value: Any, path: Path) -> float | None:
        if self.unitless(value, path, "s"):
            return None
        out = self.parsed(value, path, parse_duration, patterns.DURATION, "a duration like 20s, 7m, 8h or 2d")
        if out is not None and not (math.isfinite(out) and out >= 0):
            self.add(path, f"{kind_of(value)} is not a duration >= 0")
            return None
        if out is not None and out > LONGEST_DURATION_S:
            self.add(path, f"{kind_of(value)} is longer than 100 years: a typing mistake? (a duration like 20s, "
                     "7m, 8h or 2d)")
            return None
        return out

    def months(self, value: Any, path: Path) -> int | None:
        out = self.parsed(value, path, parse_months, patterns.MONTHS, "a number of months like '3 months'")
        if out is not None and out < 1:
            self.add(path, "the number of months must be at least 1")
            return None
        return out

    def scale(self, value: Any, path: Path) -> tuple[float, float] | None:
        return self.parsed(value, path, parse_scale, patterns.SCALE,
                           "a survey scale like 1-5 or 1-10 (lowest-highest answer)")

    def target(self, value: Any, path: Path) -> Target | None:
        return self.parsed(value, path, parse_target, patterns.TARGET,
                           "a comparison like '>= 80%', '<= 30s', '<= 7m' or '>= 30'")

    def date(self, value: Any, path: Path) -> date | None:
        """A calendar date: YAML's own date or an ISO string (a date-time is refused, it is ambiguous)."""
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and patterns.matches(patterns.DATE, value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.add(path, f"expected a date YYYY-MM-DD, got {kind_of(value)}", "write a date such as 2026-01-31")
        return None

    def timezone(self, value: Any, path: Path) -> str | None:
        name = self.text(value, path, hint="an IANA time zone such as Europe/Paris")
        if name is not None and name not in _zones():
            self.add(path, f'"{name}" is not an IANA time zone{suggest(name, _zones())}',
                     "use a name from the tz database, such as Europe/Paris or America/New_York")
            return None
        return name
