"""The canonical tables as data: each column's kind, which columns are required, and value ranges.

Declared once so the readers, the mapping validator and the quality checks agree on what a column is
(docs/ARCHITECTURE.md lists the dtypes; docs/spec/DATA.md the meaning of every column).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..contract.model import STANDARD_CHANNELS

# Column kinds. SECONDS is a number that a mapping may also read from clock text (0:03:45).
LABEL, TIMESTAMP, NUMBER, SECONDS, BOOL, PERIOD = "label", "timestamp", "number", "seconds", "bool", "period"

SERVQUAL_PREFIX = "servqual_"
SURVEY_COLUMNS = ("csat", "nps", "ces")  # their scales come from the contract (contract/scales.py)


@dataclass(frozen=True)
class TableSpec:
    """One canonical table: column -> kind, the required columns and the unique id column (if any).

    A bad value in a required column quarantines the row; in any other column it clears the cell.
    `ceilings` are plausible upper bounds (a 1e12 s wait is a broken timer, not a long wait).
    `unread`: columns no stage after the data checks reads, so the data set does not hold them
    (data/dataset.py; a KPI filter names none: tests/test_data_read_later.py). `checks_extras`: a check
    reads the export's extra columns too (a cost line repeated in every column, its description
    included, is a duplicate), so they are read; elsewhere they are not. `compared`: columns the stages
    after the checks only compare for equality (repeat contacts: the same customer), so the data set
    holds them as nullable Int32 codes, not text (`dataset.read_later`; the checks read the text).
    `narrowed`: float columns every reader after the checks takes as float64 (never a pandas sum or
    mean of the column itself), held as float32 where that loses nothing (`dataset.read_later`)."""

    name: str
    columns: dict[str, str]
    required: tuple[str, ...]
    id_column: str | None = None
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)  # inclusive bounds
    non_negative: tuple[str, ...] = ()
    ceilings: dict[str, tuple[float, str]] = field(default_factory=dict)  # column -> (bound, in words)
    unread: tuple[str, ...] = ()
    checks_extras: bool = False
    compared: tuple[str, ...] = ()
    narrowed: tuple[str, ...] = ()

    def kind(self, column: str) -> str | None:
        """The kind of a canonical column; servqual_* dimensions are open-ended numbers."""
        if column in self.columns:
            return self.columns[column]
        if self.name == "interactions" and column.startswith(SERVQUAL_PREFIX):
            return NUMBER
        return None


_INTERACTION_TIMES = ("created_at", "answered_at", "assigned_at", "first_response_at", "first_solution_at",
                      "resolved_at", "abandoned_at")
_LABELS = ("agent_id", "team_id", "site", "vendor")
# Label columns of few distinct values, held as pandas Categoricals (codes + one copy of each value):
# a fifth of an interaction's bytes as text (ARCHITECTURE.md, stage 2 -> 3). Ids of mostly distinct
# values (interaction_id, evaluation_id, customer_id, booking_id) stay text: categories would add to them
# (customer_id becomes bare codes after the checks: TableSpec.compared).
CATEGORIES = frozenset({"channel", "reason", *_LABELS, "evaluator_id", "evaluator_side", "calibration_session",
                        "item", "category"})

TABLES: dict[str, TableSpec] = {t.name: t for t in (
    TableSpec(
        "interactions",
        {"interaction_id": LABEL, "channel": LABEL, **{c: TIMESTAMP for c in _INTERACTION_TIMES},
         "handle_time_s": SECONDS, "wait_s": SECONDS, "abandoned": BOOL, "transferred": BOOL,
         "resolved": BOOL, "resolved_first_contact": BOOL, "customer_id": LABEL, "booking_id": LABEL,
         "reason": LABEL, **{c: LABEL for c in _LABELS}, "csat": NUMBER, "nps": NUMBER, "ces": NUMBER},
        required=("interaction_id", "channel", "created_at"),
        id_column="interaction_id",
        non_negative=("handle_time_s", "wait_s"),
        ceilings={"handle_time_s": (24 * 3600.0, "more than 24 h"), "wait_s": (7 * 24 * 3600.0, "more than 7 days")},
        # the id is checked (present, unique) and then no longer needed; no KPI reads booking_id
        # (contacts per booking divide by the volumes table's bookings): 36 bytes a row of text
        unread=("interaction_id", "booking_id"),
        # only repeat contacts read the customer, comparing ids (kpis/repeat.py, sql/relation.py): 5 bytes
        # a row as codes against 18 as text
        compared=("customer_id",),
        # read by the KPI engine (interactions.py), the SQL engines (sql/prepare.py) and the integrity
        # facts only as float64: survey answers and handle times are float32 values, mostly
        narrowed=("handle_time_s", "wait_s", "csat", "nps", "ces"),
    ),
    TableSpec(
        "qa_evaluations",
        {"evaluation_id": LABEL, "interaction_id": LABEL, "agent_id": LABEL, "evaluator_id": LABEL,
         "evaluated_at": TIMESTAMP, "score": NUMBER, "team_id": LABEL, "evaluator_side": LABEL,
         "calibration_session": LABEL, "is_reference": BOOL, "fatal_error": BOOL},
        required=("evaluation_id", "interaction_id", "agent_id", "evaluator_id", "evaluated_at", "score"),
        id_column="evaluation_id",
        ranges={"score": (0, 100)},
    ),
    TableSpec(
        "qa_items",
        {"evaluation_id": LABEL, "item": LABEL, "category": LABEL, "points": NUMBER, "max_points": NUMBER,
         "failed": BOOL},
        required=("evaluation_id", "item"),
        non_negative=("max_points",),
    ),
    TableSpec(
        "workforce",
        {"interval_start": TIMESTAMP, "team_id": LABEL, "site": LABEL, "channel": LABEL,
         "forecast_contacts": NUMBER, "actual_contacts": NUMBER, "required_hours": NUMBER,
         "scheduled_hours": NUMBER, "paid_hours": NUMBER, "handling_hours": NUMBER},
        required=("interval_start",),
        non_negative=("forecast_contacts", "actual_contacts", "required_hours", "scheduled_hours",
                      "paid_hours", "handling_hours"),
    ),
    TableSpec(
        "costs",
        {"period": PERIOD, "amount": NUMBER, "currency": LABEL, "category": LABEL},
        required=("period", "amount", "currency"),  # a negative amount (credit note) is allowed
        checks_extras=True,
    ),
    TableSpec(
        "volumes",
        {"period": PERIOD, "bookings": NUMBER, "active_customers": NUMBER},
        required=("period",),
        non_negative=("bookings", "active_customers"),
    ),
)}

# Pairs (earlier, later) that must keep their order; the closer predecessor first, so a resolved_at
# before both first_response_at and created_at is reported once, against its first response.
AFTER_CREATED = ("answered_at", "abandoned_at", "assigned_at", "first_response_at", "first_solution_at",
                 "resolved_at")
ORDERED_PAIRS = (("first_response_at", "resolved_at"),) + tuple(("created_at", c) for c in AFTER_CREATED)
# The end of a queue wait, as a timestamp: bounded like wait_s (an answer time derived from an absurd wait)
WAIT_ENDS = ("answered_at", "abandoned_at")


def allowed_channels(contract_channels: tuple[str, ...]) -> frozenset[str]:
    """The contract's channels plus the standard ones, lower-cased like the data."""
    return frozenset(c.lower() for c in (*STANDARD_CHANNELS, *contract_channels))
