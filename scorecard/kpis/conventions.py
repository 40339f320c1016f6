"""The per-row facts of interactions every KPI reads (KPIS.md conventions 2-4, DATA.md's wait_s),
declared once for every engine, as formulas.py declares the metrics.

Which fact the data can give depends on its columns (an ACD export has wait_s and an abandoned flag
instead of answer times), decided here once; None means the data cannot tell it, so a KPI reading
it is not measurable with a note, never a silent zero. The pandas engine reads these facts as numpy
arrays and pandas timestamps (derive.py), the SQL engines as column expressions (sql/derive.py).
"""

from __future__ import annotations

from typing import Any, Protocol


class FactTerms(Protocol):
    """The interactions' stored columns and the operations the conventions combine them with. A
    condition is never missing; a flag is a stored boolean that may be; a timestamp may be."""

    @property
    def live(self) -> Any: ...  # a live channel (convention 2)
    @property
    def self_service(self) -> Any: ...

    def timestamp(self, name: str) -> Any: ...  # a stored timestamp column, None when absent
    def flag(self, name: str) -> Any: ...  # a stored boolean column, None when absent
    def number(self, name: str) -> Any: ...  # a stored number column, None when absent
    def either(self, flag: Any, otherwise: Any) -> Any: ...  # the flag where given, else `otherwise`
    def known(self, timestamp: Any) -> Any: ...
    def missing(self, timestamp: Any) -> Any: ...
    def after_created(self, condition: Any, seconds: Any) -> Any: ...  # created_at + seconds where the condition holds
    def only(self, condition: Any, timestamp: Any) -> Any: ...  # the timestamp where the condition holds
    def first_of(self, timestamp: Any, otherwise: Any) -> Any: ...  # the first where known, else the second


def answered_at(t: FactTerms) -> Any:
    """The stored answer time; an ACD export's is created_at + wait_s for contacts not abandoned."""
    stored, flag, wait = t.timestamp("answered_at"), t.flag("abandoned"), t.number("wait_s")
    if stored is None and flag is not None and wait is not None:
        return t.after_created(~t.either(flag, False), wait)
    return stored


def abandoned_and_answered(t: FactTerms, answered_at: Any) -> tuple[Any, Any]:
    """(abandoned, answered) of every row, (None, None) when the data tells neither. With answer
    times, a live contact never answered is abandoned unless the abandoned flag says otherwise;
    with the flag alone, a live contact not abandoned got through."""
    flag = t.flag("abandoned")
    if answered_at is not None:
        derived = t.live & t.missing(answered_at)
        raw = derived if flag is None else t.either(flag, derived)
        return raw & t.live, t.known(answered_at) & ~raw
    if flag is not None:
        abandoned = t.either(flag, False) & t.live
        return abandoned, t.live & ~abandoned
    return None, None


def abandoned_at(t: FactTerms, abandoned: Any) -> Any:
    """The stored abandon time, else created_at + wait_s for the abandoned contacts."""
    stored, wait = t.timestamp("abandoned_at"), t.number("wait_s")
    if abandoned is None or wait is None:
        return stored
    from_wait = t.after_created(abandoned, wait)
    return from_wait if stored is None else t.first_of(stored, from_wait)


def first_response_at(t: FactTerms, answered_at: Any) -> Any:
    """Convention 4: for live channels an empty first_response_at falls back to answered_at."""
    stored = t.timestamp("first_response_at")
    if answered_at is None:
        return stored
    live_answer = t.only(t.live, answered_at)
    return live_answer if stored is None else t.first_of(stored, live_answer)


def handled(t: FactTerms, answered: Any, first_response: Any) -> Any:
    """Answered (live channels) or given a first response (async); self-service never. None when
    neither answer nor first response can be known."""
    if answered is None and first_response is None:
        return None
    live_part = None if answered is None else t.live & answered
    if first_response is None:
        return live_part
    async_part = ~t.live & ~t.self_service & t.known(first_response)
    return async_part if live_part is None else live_part | async_part
