"""`missing_holiday`: a business-hours calendar that is open on a public holiday of the contract's
country. Clocks that run on a holiday count hours nobody works, so email and ticket response times
look late through no fault of the vendor (or, the other way, a closed day is billed as open).

The country is read from the contract's time zone (the IANA zone table maps each zone to one
country: Europe/Paris -> FR); public holidays come from the `holidays` package.
"""

from __future__ import annotations

import zoneinfo
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

import holidays

from ..contract.model import Calendar, Contract
from .findings import WARNING, Finding, Locator

_SHOWN = 6  # holidays named in a message; the suggestion lists them all


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """IANA zone -> ISO 3166 country code, from zone.tab (tzdata package, else the system's)."""
    texts = []
    try:
        texts.append(resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8"))
    except (ModuleNotFoundError, OSError):
        texts += [(Path(p) / "zone.tab").read_text(encoding="utf-8") for p in zoneinfo.TZPATH
                  if (Path(p) / "zone.tab").is_file()][:1]
    out = {}
    for line in (texts[0].splitlines() if texts else []):
        parts = line.split("\t")
        if len(parts) >= 3 and not line.startswith("#"):
            out[parts[2]] = parts[0]
    return out


def country_of(timezone: str) -> str | None:
    return _zone_countries().get(timezone)


def _term(contract: Contract, today: date) -> tuple[date, date]:
    """The contract term; an open end is read as one year from its start (or this year)."""
    start = contract.effective or date(today.year, 1, 1)
    end = contract.expires or date(start.year + 1, start.month, 1)
    return start, end


def missing_days(calendar: Calendar, country: str, start: date, end: date) -> dict[date, str]:
    """Public holidays within start..end on which the calendar is open and not marked as a holiday."""
    try:
        public = holidays.country_holidays(country, years=range(start.year, end.year + 1))
    except NotImplementedError:  # a country the package does not know
        return {}
    return {day: name for day, name in sorted(public.items())
            if start <= day <= end and calendar.hours.get(day.weekday()) and day not in calendar.holidays}


def missing_holiday(contract: Contract, at: Locator, today: date | None = None) -> list[Finding]:
    country = country_of(contract.timezone)
    if country is None or not contract.calendars:
        return []
    start, end = _term(contract, today or date.today())
    found = []
    for name, calendar in contract.calendars.items():
        missing = missing_days(calendar, country, start, end)
        if not missing:
            continue
        listed = ", ".join(f"{d} {n}" for d, n in list(missing.items())[:_SHOWN])
        more = f" and {len(missing) - _SHOWN} more" if len(missing) > _SHOWN else ""
        found.append(at.finding(
            "missing_holiday", WARNING, ("calendars", name, "holidays"),
            message=f"calendar {name} is open on {len(missing)} public holiday(s) of {country} "
                    f"between {start} and {end}: {listed}{more}",
            why="a business clock that runs on a holiday counts hours nobody works: response times "
                "look late and service levels miss through no fault of the vendor",
            suggestion="add to calendars." + name + ".holidays: [" + ", ".join(str(d) for d in missing) + "]"
                       " (leave out the days the service is contracted to work)"))
    return found
