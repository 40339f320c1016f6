"""Per-row facts of interactions as SQL column expressions (KPIS.md conventions; the SQL twin of
kpis/derive.py): live channels, answered and abandoned, the timestamps derived from wait_s, the
first-response fallback and "handled". Which expression applies depends on the columns the data
has, decided here once from the schema, so a missing input is a note, never a NULL surprise.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from ...contract.model import Contract
from .compile import sql

NS = 1_000_000_000


def _seconds_to_ns(seconds: str) -> str:
    """Seconds (DOUBLE) to whole nanoseconds as pandas' to_timedelta rounds them."""
    return f"(CAST(TRUNC({seconds}) AS BIGINT) * {NS} + CAST(ROUND(({seconds} - TRUNC({seconds})) * {NS}) AS BIGINT))"


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
    def of(cls, columns: tuple[str, ...], contract: Contract) -> "InteractionFacts":
        has = columns.__contains__
        live_list = ", ".join("'" + c.replace("'", "''") + "'" for c in sorted(contract.live_channels))
        ch = "LOWER(COALESCE(channel, ''))"
        live = f"({ch} IN ({live_list}))" if live_list else "FALSE"  # IN (NULL) is NULL: nothing would be handled
        self_service = f"({ch} = 'self_service')"
        flag = "abandoned" if has("abandoned") else None
        wait = "wait_s" if has("wait_s") else None
        answered_ns = "answered_at" if has("answered_at") else None
        if flag and answered_ns is None and wait:
            answered_ns = f"(CASE WHEN COALESCE({flag}, FALSE) THEN NULL ELSE created_at + {_seconds_to_ns(wait)} END)"
        abandoned: str | None  # both None when neither an answer time nor an abandoned flag is given
        answered: str | None
        if answered_ns is not None:
            derived = f"({live} AND {answered_ns} IS NULL)"
            raw = derived if flag is None else f"COALESCE({flag}, {derived})"
            abandoned = f"({raw} AND {live})"
            answered = f"({answered_ns} IS NOT NULL AND NOT {raw})"
        elif flag:
            abandoned = f"(COALESCE({flag}, FALSE) AND {live})"
            answered = f"({live} AND NOT {abandoned})"
        else:
            abandoned = answered = None
        abandoned_ns = "abandoned_at" if has("abandoned_at") else None
        if abandoned is not None and wait:
            from_wait = f"(CASE WHEN {abandoned} THEN created_at + {_seconds_to_ns(wait)} END)"
            abandoned_ns = from_wait if abandoned_ns is None else f"COALESCE(abandoned_at, {from_wait})"
        first_ns = "first_response_at" if has("first_response_at") else None
        if answered_ns is not None:  # convention 4: a live contact's first response is its answer
            live_answer = f"(CASE WHEN {live} THEN {answered_ns} END)"
            first_ns = live_answer if first_ns is None else f"COALESCE(first_response_at, {live_answer})"
        if answered is None and first_ns is None:
            handled = None
        else:
            live_part = f"({live} AND {answered})" if answered is not None else "FALSE"
            handled = live_part if first_ns is None else (
                f"({live_part} OR (NOT {live} AND NOT {self_service} AND {first_ns} IS NOT NULL))")
        return cls(live, self_service, answered, abandoned, answered_ns, abandoned_ns, first_ns, handled,
                   tuple(columns), contract.timezone)

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
