"""The `calendars:` section: business hours and holidays that `clock:` can name.

Hours are written the way opening hours are posted (`mon-fri: "08:00-20:00"`, `sat: closed`) and
stored as seconds from local midnight per weekday, so the business clock never re-reads text.
"""

from __future__ import annotations

import re
from typing import Any

from ..yamlread import Path
from . import patterns
from .fields import Fields
from .model import Calendar

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CALENDAR_FIELDS = ("hours", "holidays", "timezone")
CLOSED = "closed"
_HOURS_HINT = 'write "08:00-20:00", a list of such ranges, or closed'


def weekdays(key: str) -> list[int] | None:
    """'mon-fri' -> [0..4], 'mon,wed' -> [0, 2], 'daily' -> [0..6]; None for a backwards range."""
    if key == "daily":
        return list(range(7))
    out: list[int] = []
    for part in re.split(r"\s*,\s*", key):
        first, _, last = part.partition("-")
        a, b = DAYS.index(first), DAYS.index(last or first)
        if b < a:
            return None
        out.extend(range(a, b + 1))
    return out


def _seconds(hhmm: str) -> int:
    h, m = hhmm.strip().split(":")
    return int(h) * 3600 + int(m) * 60


def _ranges(f: Fields, value: Any, path: Path) -> tuple[tuple[int, int], ...] | None:
    """One day's opening ranges, sorted, each opening before it closes and none overlapping."""
    if value == CLOSED:
        return ()
    items = value if isinstance(value, list) else [value]
    before = len(f.problems)
    out: list[tuple[int, int]] = []
    for i, text in enumerate(items):
        where = path + (i,) if isinstance(value, list) else path
        if not patterns.matches(patterns.HOURS_RANGE, text):
            f.add(where, f"cannot read opening hours {text!r}", _HOURS_HINT)
            continue
        start, end = (_seconds(t) for t in str(text).split("-"))
        if start >= end:
            f.add(where, f'"{text}" closes before it opens',
                  "a range must end after it starts; split overnight hours: 22:00-24:00 and 00:00-06:00")
            continue
        out.append((start, end))
    out.sort()
    for (_, prev_end), (start, _) in zip(out, out[1:]):
        if start < prev_end:
            f.add(path, "opening ranges overlap", "give each hour of the day at most once")
            break
    if not items:
        f.add(path, "no opening hours given", _HOURS_HINT)
    return tuple(out) if len(f.problems) == before else None


def _hours(f: Fields, raw: Any, path: Path) -> dict[int, tuple[tuple[int, int], ...]] | None:
    given = f.mapping(raw, path, hint='hours: maps days (mon-fri, sat, daily) to "08:00-20:00"')
    if given is None:
        return None
    before = len(f.problems)
    hours: dict[int, tuple[tuple[int, int], ...]] = {}
    owner: dict[int, str] = {}
    for key, value in given.items():
        here = path + (key,)
        days = weekdays(key) if patterns.matches(patterns.DAY_KEY, key) else None
        if days is None:
            f.add(here, f"cannot read the days {key!r}",
                  "use mon..sun, a forward range such as mon-fri, a comma list such as mon,wed, or daily",
                  key=True)
            continue
        ranges = _ranges(f, value, here)
        for day in days:
            if day in owner:
                f.add(here, f"{DAYS[day]} is given twice (also by {owner[day]!r})",
                      "give each weekday's hours under one key", key=True)
                break
            owner[day] = key
            if ranges is not None:
                hours[day] = ranges
    if len(f.problems) > before:
        return None
    if not any(hours.values()):
        f.add(path, "the calendar is never open", "give opening hours for at least one day")
        return None
    return {day: hours.get(day, ()) for day in range(7)}


def read_calendars(f: Fields, raw: Any, timezone: str | None) -> tuple[tuple[str, ...], dict[str, Calendar]]:
    """(every calendar name written, the valid calendars); names are returned even for broken
    calendars so a `clock:` naming one is not reported a second time."""
    given = f.mapping(raw, ("calendars",), hint="calendars: maps a name (e.g. business) to hours and holidays")
    if given is None:
        return (), {}
    out: dict[str, Calendar] = {}
    for name, body in given.items():
        path: Path = ("calendars", name)
        before = len(f.problems)
        cal = f.mapping(body, path, allowed=CALENDAR_FIELDS, required=("hours",))
        if cal is None:
            continue
        hours = _hours(f, cal["hours"], path + ("hours",)) if "hours" in cal else None
        tz = f.timezone(cal["timezone"], path + ("timezone",)) if "timezone" in cal else timezone
        holidays = f.items(cal.get("holidays", []), path + ("holidays",))
        days = [f.date(d, path + ("holidays", i)) for i, d in enumerate(holidays or [])]
        if len(f.problems) == before and hours is not None and tz is not None:
            out[name] = Calendar(name=name, timezone=tz, hours=hours,
                                 holidays=frozenset(d for d in days if d is not None))
    return tuple(given), out
