"""Parsing of the small languages a contract uses: durations, percentages and target strings.

A target such as ">= 80%" is parsed once into a typed `Target` holding its value in base units
(rates as fractions, durations in seconds), so the scoring never re-reads strings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

# Base units every result is expressed in.
RATE, DURATION, NUMBER = "rate", "duration", "number"

DURATION_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_DURATION_RE = re.compile(rf"^\s*({_NUMBER})\s*(s|sec|min|m|h|d|w)\s*$", re.IGNORECASE)
_PERCENT_RE = re.compile(rf"^\s*({_NUMBER})\s*%\s*$")
_MONTHS_RE = re.compile(r"^\s*(\d+)\s*(months?|mo)\s*$", re.IGNORECASE)
_TARGET_RE = re.compile(r"^\s*(>=|<=|>|<|==|=)\s*(.+?)\s*$")
_SCALE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$")



class UnitError(ValueError):
    """A string that does not parse; the message says what was expected."""


def parse_duration(text: str) -> float:
    """'20s', '7m', '8h', '2d' -> seconds. A bare number is refused: 20 could be seconds or minutes."""
    m = _DURATION_RE.match(text) if isinstance(text, str) else None
    if not m:
        raise UnitError(f"expected a duration like 20s, 7m, 8h or 2d, got {text!r}")
    return float(m.group(1)) * DURATION_SECONDS[m.group(2).lower()]


def parse_percent(text: str) -> float:
    """'12%' -> 0.12. A bare number is refused: 1 could be 1 % or 100 %."""
    m = _PERCENT_RE.match(text) if isinstance(text, str) else None
    if not m:
        raise UnitError(f"expected a percentage like 12%, got {text!r}")
    return float(m.group(1)) / 100.0


def parse_scale(text: str) -> tuple[float, float]:
    """'1-10' -> (1.0, 10.0): the lowest and highest answer of a survey question."""
    m = _SCALE_RE.match(text) if isinstance(text, str) else None
    if not m or float(m.group(1)) >= float(m.group(2)):
        raise UnitError(f"expected a survey scale like 1-5 or 0-10 (lowest-highest), got {text!r}")
    return float(m.group(1)), float(m.group(2))


def parse_months(text: str | int) -> int:
    """'3 months' -> 3 (earn-back and chronic-failure windows)."""
    if isinstance(text, bool):
        raise UnitError(f"expected a number of months like '3 months', got {text!r}")
    if isinstance(text, int):
        return text
    m = _MONTHS_RE.match(str(text))
    if not m:
        raise UnitError(f"expected a number of months like '3 months', got {text!r}")
    return int(m.group(1))


@dataclass(frozen=True)
class Target:
    """A parsed comparison: `op value` in base units, with the unit kind it was written in."""

    op: str
    value: float
    kind: str  # RATE, DURATION or NUMBER
    text: str

    @property
    def higher_is_better(self) -> bool:
        return self.op in (">=", ">")

    def met(self, value: float) -> bool:
        """Whether a measured value (base units) meets the comparison; edges count as met for >=/<=."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        return bool(self.met_all(np.asarray([float(value)]))[0])

    def met_all(self, values: np.ndarray) -> np.ndarray:
        """`met` for an array of values (NaN never meets)."""
        v, t = np.asarray(values, dtype="float64"), self.value
        # Values computed from sums of fractions carry float noise: 0.8 may come out 0.7999999999.
        eps = 1e-9 * max(1.0, abs(t))
        with np.errstate(invalid="ignore"):
            if self.op == ">=":
                return v >= t - eps
            if self.op == "<=":
                return v <= t + eps
            if self.op == ">":
                return v > t + eps
            if self.op == "<":
                return v < t - eps
            return np.abs(v - t) <= eps

    def __str__(self) -> str:
        return self.text


def parse_target(text: str | int | float) -> Target:
    """Parse '>= 80%', '<= 30s', '<= 7m', '>= 30', '<= 4.20' into a Target."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise UnitError(f"expected a comparison like '>= 80%' or '<= 30s', got {text!r}")
    raw = str(text).strip()
    m = _TARGET_RE.match(raw)
    if not m:
        raise UnitError(
            f"expected a comparison like '>= 80%' or '<= 30s' (operator >=, <=, >, < or ==), got {text!r}"
        )
    op = "==" if m.group(1) == "=" else m.group(1)
    body = m.group(2)
    if _PERCENT_RE.match(body):
        return Target(op, parse_percent(body), RATE, raw)
    if _DURATION_RE.match(body):
        return Target(op, parse_duration(body), DURATION, raw)
    try:
        value = float(body)
    except ValueError:
        raise UnitError(
            f"cannot read {body!r} in {raw!r}: write a number (30), a percentage (80%) "
            "or a duration (30s, 7m, 8h, 2d)"
        ) from None
    if not math.isfinite(value):
        raise UnitError(f"the value in {raw!r} must be a finite number")
    return Target(op, value, NUMBER, raw)
