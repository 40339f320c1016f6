"""Per-row facts of interactions as SQL column expressions: conventions.py's facts (live channels,
answered and abandoned, the timestamps derived from wait_s, the first-response fallback, "handled")
over the prepared table's columns (`SqlFacts`), decided once from its schema, so a missing input is
a note, never a NULL surprise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
from sqlglot import exp

from ...contract.model import Contract
from .. import conventions
from .compile import sql
from .expressions import Cond
from .prepare import text_in

NS = 1_000_000_000


def _seconds_to_ns(seconds: str) -> str:
    """Seconds (DOUBLE) to whole nanoseconds as pandas' to_timedelta rounds them."""
    return f"(CAST(TRUNC({seconds}) AS BIGINT) * {NS} + CAST(ROUND(({seconds} - TRUNC({seconds})) * {NS}) AS BIGINT))"


def _text(condition: Cond | None) -> str | None:
    return None if condition is None else condition.text


class SqlFacts:
    """conventions.FactTerms over the prepared interactions: timestamps (epoch ns), flags and
    numbers as SQL text of their columns, conditions as `Cond`."""

    def __init__(self, columns: tuple[str, ...], contract: Contract, codebooks: Mapping[str, np.ndarray]):
        self.columns = columns
        self.live = text_in("channel", contract.live_channels, columns, codebooks)
        self.self_service = text_in("channel", ("self_service",), columns, codebooks)

    def _column(self, name: str) -> str | None:
        return name if name in self.columns else None

    timestamp = flag = number = _column

    def either(self, flag: str, otherwise: Cond | bool) -> Cond:
        fill = ("TRUE" if otherwise else "FALSE") if isinstance(otherwise, bool) else otherwise.text
        return Cond(f"COALESCE({flag}, {fill})")

    def known(self, timestamp: str) -> Cond:
        return Cond(f"({timestamp} IS NOT NULL)")

    def missing(self, timestamp: str) -> Cond:
        return Cond(f"({timestamp} IS NULL)")

    def after_created(self, condition: Cond, seconds: str) -> str:
        return f"(CASE WHEN {condition.text} THEN created_at + {_seconds_to_ns(seconds)} END)"

    def only(self, condition: Cond, timestamp: str) -> str:
        return f"(CASE WHEN {condition.text} THEN {timestamp} END)"

    def first_of(self, timestamp: str, otherwise: str) -> str:
        return f"COALESCE({timestamp}, {otherwise})"


def _or_null(e: str | None) -> str:
    return e if e is not None else "NULL"


@dataclass(frozen=True)
class InteractionFacts:
    """SQL text (over the prepared interactions table) of each derived fact; None = cannot be known."""

    live: str
    self_service: str
    answered: str | None
    abandoned: str | None
    answered_ns: str | None
    abandoned_ns: str | None
    first_ns: str | None
    handled: str | None
    columns: tuple[str, ...]  # the prepared table's columns, in order
    timezone: str = "UTC"  # the contract's: local wall-clock intervals (sql/intervals.py)

    @classmethod
    def of(cls, columns: tuple[str, ...], contract: Contract,
           codebooks: Mapping[str, np.ndarray] | None = None) -> "InteractionFacts":
        """The facts over the prepared columns; a channel with a codebook is read by its codes."""
        t = SqlFacts(columns, contract, codebooks or {})
        answered_ns = conventions.answered_at(t)
        abandoned, answered = conventions.abandoned_and_answered(t, answered_ns)
        abandoned_ns = conventions.abandoned_at(t, abandoned)
        first_ns = conventions.first_response_at(t, answered_ns)
        handled = conventions.handled(t, answered, first_ns)
        return cls(t.live.text, t.self_service.text, _text(answered), _text(abandoned), answered_ns, abandoned_ns,
                   first_ns, _text(handled), tuple(columns), contract.timezone)

    def timestamp(self, name: str) -> str | None:
        """A timestamp (epoch ns) by canonical name, derivations applied."""
        derived = {"answered_at": self.answered_ns, "abandoned_at": self.abandoned_ns,
                   "first_response_at": self.first_ns}
        if name in derived:
            return derived[name]
        return name if name in self.columns else None

    def view(self) -> exp.Select:
        """The interactions with the derived facts as columns `_live`, `_answered`, ... (NULL where
        unknown), which every interaction measure reads."""
        facts = {"_live": self.live, "_self_service": self.self_service, "_answered": self.answered,
                 "_abandoned": self.abandoned, "_answered_ns": self.answered_ns,
                 "_abandoned_ns": self.abandoned_ns, "_first_ns": self.first_ns, "_handled": self.handled}
        return exp.select(exp.Star(), *[sql(_or_null(e)).as_(name) for name, e in facts.items()]).from_("interactions")
