"""The params of interval_service_level that types alone do not check: the per-interval target is
required, an interval must tile the day, and the calendar must exist (the catalog types already
refuse a bare number where a percentage or a duration is meant)."""

from __future__ import annotations

from typing import Any

from ..catalog import Metric
from ..yamlread import Path
from .fields import Fields, one_of, suggest

DAY_S = 86400
#: intervals a schedule may name, for the hint
TILING = ("15m", "30m", "1h")


def check_interval_params(f: Fields, m: Metric, params: dict[str, Any] | None, path: Path,
                          calendars: tuple[str, ...]) -> None:
    """Record what is wrong with an interval_service_level clause's params (typed; path = params)."""
    if m.name != "interval_service_level" or params is None:
        return
    if params.get("interval_target") is None:
        f.add(path, "interval_service_level needs params.interval_target: the service level each interval "
              "must reach", "add `interval_target: 80%` under params (the KPI's target is then the share "
              "of intervals that reach it, e.g. target: '>= 90%')")
    elif params["interval_target"] > 1:
        f.add(path + ("interval_target",), "interval_target is a service level, so at most 100%",
              "write the per-interval service level, e.g. 80%")
    interval = params.get("interval")
    if interval is not None and (interval < 60 or interval != int(interval) or DAY_S % int(interval)):
        why = ("is shorter than a minute, so most intervals would hold a single contact" if interval < 60 else
               "does not divide 24 hours, so intervals would not start at the same times every day")
        written = f"{interval / 60:g}m" if interval >= 60 else f"{interval:g}s"
        f.add(path + ("interval",), f"an interval of {written} {why}",
              f"use a duration that divides the day, such as {one_of(TILING)}")
    if params.get("min_offered") is not None and params["min_offered"] < 1:
        f.add(path + ("min_offered",), "min_offered must be at least 1 (an interval with no offered contact "
              "has no service level)", "write min_offered: 1, or more to leave quiet intervals out")
    name = params.get("calendar")
    if name is not None and name not in calendars:
        f.add(path + ("calendar",), f'calendar "{name}" names no calendar of this contract{suggest(name, calendars)}',
              f"use {one_of(calendars)}, or define `{name}:` under calendars:" if calendars
              else f"define `{name}:` under calendars: with its opening hours")
