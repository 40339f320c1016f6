"""The small textual grammars of a contract, written once for both the JSON Schema and the loader.

The schema (for editors) and the loader (for `scorecard validate`) must accept exactly the same
strings, so both take their regular expressions from here. The expressions use only the syntax
shared by Python `re` and ECMA-262 (what draft-07 `pattern` means), hence `[sS]` instead of flags.
"""

from __future__ import annotations

import re

_NUM = r"[-+]?(\d+(\.\d*)?|\.\d+)"
_UNIT = r"([sS]|[sS][eE][cC]|[mM]|[mM][iI][nN]|[hH]|[dD]|[wW])"

#: a comparison string: ">= 80%", "<= 30s", "<= 7m", ">= 30", "<= 4.20"
TARGET = rf"^\s*(>=|<=|>|<|==|=)\s*{_NUM}\s*(%|{_UNIT})?\s*$"
#: a duration: 20s, 7m, 8h, 2d, 1w (a bare number is refused: its unit is unknown)
DURATION = rf"^\s*{_NUM}\s*{_UNIT}\s*$"
#: a percentage: 12%, 200% (a bare number is refused: 1 could mean 1% or 100%)
PERCENT = rf"^\s*{_NUM}\s*%\s*$"
#: a number of months: "3 months", "1 month", "6 mo" (a bare integer is months too)
MONTHS = r"^\s*\d+\s*([mM][oO][nN][tT][hH][sS]?|[mM][oO])\s*$"
#: a survey scale, lowest-highest answer: "1-5", "0-10", "1-7"
SCALE = r"^\s*\d+(\.\d+)?\s*-\s*\d+(\.\d+)?\s*$"
#: mean, median, or a percentile p1 .. p99
STATISTIC = r"^(mean|median|p[1-9][0-9]?)$"
#: one opening range of a business day, local time: "08:00-20:00" (24:00 allowed as a close)
HOURS_RANGE = r"^\s*([01][0-9]|2[0-3]):[0-5][0-9]\s*-\s*(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)\s*$"
#: a weekday selector: daily, mon, mon-fri, "mon,wed", "mon-wed,fri"
_DAY = r"(mon|tue|wed|thu|fri|sat|sun)"
DAY_KEY = rf"^(daily|{_DAY}(-{_DAY})?(\s*,\s*{_DAY}(-{_DAY})?)*)$"
#: an ISO 4217 currency code
CURRENCY = r"^[A-Z]{3}$"
#: a KPI id (appears in result files and field paths, hence no dots or spaces)
KPI_ID = r"^[A-Za-z][A-Za-z0-9_-]*$"
#: a channel value as the data carries it (lower-case)
CHANNEL = r"^[a-z][a-z0-9_]*$"
#: an ISO date as a string (YAML reads unquoted dates as dates; quoted ones arrive here)
DATE = r"^\d{4}-\d{2}-\d{2}$"


def matches(pattern: str, text: object) -> bool:
    """Whether `text` is a string the schema pattern accepts (same semantics as jsonschema's search)."""
    return isinstance(text, str) and re.search(pattern, text) is not None
