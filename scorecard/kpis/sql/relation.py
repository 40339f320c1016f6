"""The row relation interaction KPIs read: the derived view, plus the columns their measures ask for
(a business clock per timestamp, repeat-contact windows). Measures ask through `Rows` and read the
relation as `scorecard_rows`; once every KPI of a compile has asked, `Rows.select()` is the one
relation they all share (each query defines it as a WITH), so one query holds every sum KPI.

The repeat windows are the costly part (sorts by customer over every row): they are computed on a
narrow relation (row number, customer, reason, time) and added to the interactions as columns once
per backend (backend.run_queries), not once per query or run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from sqlglot import exp

from .clock import bucket_of, business_seconds, clock_table_name
from .compile import ROWS, sql
from .derive import InteractionFacts
from .prepare import code_column

VIEW_COLUMNS = {"answered_at": "_answered_ns", "abandoned_at": "_abandoned_ns", "first_response_at": "_first_ns"}


@dataclass(frozen=True)
class Repeats:
    """The repeat flags of each asked window (ns) for every interaction row: `_repeated_<w>` (a
    later contact of the same customer within the window, strictly later, with the same reason
    when both rows have one) and `_window_open_<w>` (the window ends after the data's last contact).
    `unlabeled`: some rows have no reason (only then do the windows over the customer alone run)."""

    windows: frozenset[int]
    has_reason: bool
    unlabeled: bool = True

    def select(self) -> exp.Select:
        """Each row's next strictly later contact of the same customer and reason, its next one of
        any reason and its next one without a reason (FIRST_VALUE and MIN over the rows after it, up
        to the widest window, partitioned by the integer codes of customer and reason: sql/prepare.py),
        found once whatever the windows; a row is repeated when the one that applies falls within a
        window. At 5 M rows with every reason known, the one (customer, reason) window takes 1.0 s of
        DuckDB where counting the rows of each RANGE window, by customer and by customer and reason,
        took 3.4 s. The frame ends at the widest window, not unbounded: Spark recomputes an unbounded
        frame for every row (1.85 s against 3.3 s at 1 M rows; a customer id shared by thousands of
        contacts would cost their square); on DuckDB the unbounded frame was only 0.2 s faster at 5 M."""
        customer, reason = code_column("customer_id"), code_column("reason")
        after = f"ORDER BY created_at RANGE BETWEEN 1 FOLLOWING AND {max(self.windows)} FOLLOWING"
        by_customer = f"PARTITION BY {customer} {after}"
        same = f"PARTITION BY {customer}, {reason} {after}" if self.has_reason else by_customer
        nexts = [sql(f"FIRST_VALUE(created_at) OVER ({same})").as_("_next_same")]
        either = self.has_reason and self.unlabeled
        if either:
            nexts += [sql(f"FIRST_VALUE(created_at) OVER ({by_customer})").as_("_next_any"),
                      sql(f"MIN(CASE WHEN {reason} IS NULL THEN created_at END) OVER ({by_customer})")
                      .as_("_next_unlabeled")]
        rows = exp.select("_row", customer, *([reason] if either else []), "created_at", *nexts).from_("interactions")
        latest = "(SELECT MAX(created_at) FROM interactions)"
        columns = []
        for w in sorted(self.windows):
            repeated = _within("_next_same", w)
            if either:
                repeated = (f"(CASE WHEN {reason} IS NULL THEN {_within('_next_any', w)} "
                            f"ELSE ({repeated} OR {_within('_next_unlabeled', w)}) END)")
            columns += [sql(f"({customer} IS NOT NULL AND {repeated})").as_(f"_repeated_{w}"),
                        sql(f"({customer} IS NOT NULL AND created_at + {w} > {latest})").as_(f"_window_open_{w}")]
        return exp.select("_row", *columns).from_(rows.subquery("n"))


def _within(later: str, window: int) -> str:
    """The later contact's instant `later` is at most `window` ns after the row's (never NULL)."""
    return f"COALESCE({later} <= created_at + {window}, FALSE)"


def _clock_columns(alias: str) -> set[str]:
    return {f"_b_{alias}", f"_day_{alias}", f"_last_{alias}", f"_next_{alias}"}


def view_column(name: str) -> str:
    """The view column of a canonical timestamp (derived timestamps have their own names)."""
    return VIEW_COLUMNS.get(name, name)


@dataclass
class Rows:
    """Column expressions over the interactions of the KPIs of one compile, and the columns they
    ask for (`select()`, `repeats_table()`)."""

    facts: InteractionFacts
    clock_k: dict[str, int]  # calendar name -> opening intervals per day in its clock table
    unlabeled: bool = True  # some interactions have no reason (Repeats.unlabeled)
    codebooks: Mapping[str, np.ndarray] = field(default_factory=dict)  # coded grains' values (prepare.py)
    _clocks: set[tuple[str, str]] = field(default_factory=set)
    _repeats: set[int] = field(default_factory=set)

    def has(self, column: str) -> bool:
        return column in self.facts.columns

    def ts(self, name: str) -> str | None:
        """A timestamp column of the view (epoch ns), or None when it cannot be known."""
        if self.facts.timestamp(name) is None:
            return None
        return view_column(name)

    def clock_alias(self, calendar: str, name: str) -> str:
        """c<calendar's rank>_<timestamp>: a plain identifier whatever the calendar is called."""
        if self.ts(name) is None:
            raise ValueError(f"a business clock was asked for {name}, which the interactions cannot give")
        self._clocks.add((calendar, name))
        return f"c{sorted(self.clock_k).index(calendar)}_{name}"

    def seconds(self, name: str) -> str:
        return f"(CAST(v.{self.ts(name)} AS DOUBLE) / 1e9)"

    def duration(self, start: str, end: str, clock: str | None) -> str | None:
        """Seconds from `start` to `end`: absolute, or business time of a calendar."""
        if self.ts(start) is None or self.ts(end) is None:
            return None
        if clock is None:
            return f"({self.seconds(end)} - {self.seconds(start)})"
        return f"(v._b_{self.clock_alias(clock, end)} - v._b_{self.clock_alias(clock, start)})"

    def local_day(self, calendar: str, name: str) -> str:
        return f"v._day_{self.clock_alias(calendar, name)}"

    def business_day_of_created(self, calendar: str) -> str:
        """Convention 9: the created day if before closing on a business day, else the next one."""
        c = self.clock_alias(calendar, "created_at")
        return (f"(CASE WHEN (CAST(v.created_at AS DOUBLE) / 1e9) < COALESCE(v._last_{c}, -1e300) "
                f"THEN v._day_{c} ELSE v._next_{c} END)")

    def repeats(self, window_s: float) -> tuple[str, str]:
        """(repeated, window_open) for a repeat window (convention 10), as columns of the relation."""
        w = int(round(window_s * 1e9))
        self._repeats.add(w)
        return f"v._repeated_{w}", f"v._window_open_{w}"

    def relation(self) -> exp.Select:
        """What every measure reads: `scorecard_rows`, defined by `select()` once all have asked."""
        return exp.select("*").from_(ROWS)

    def select(self, read: set[str] | None = None) -> exp.Select:
        """The view with the asked columns: each clock adds B(t) `_b_<alias>` and its day's `_day_`,
        `_last_` (closing instant) and `_next_` (next business day); only the clocks whose columns
        are in `read` when given (a query that reads none joins no calendar: the quantiles' seven
        queries at 5 M rows). The repeat flags are columns of the interactions by then
        (`repeats_table()`, added by backend.run_queries)."""
        clocks = [(calendar, name) for calendar, name in sorted(self._clocks)
                  if read is None or not read.isdisjoint(_clock_columns(self.clock_alias(calendar, name)))]
        columns = []
        for calendar, name in clocks:
            alias, stamp = self.clock_alias(calendar, name), "v." + view_column(name)
            columns += [sql(business_seconds(alias, stamp, self.clock_k[calendar])).as_(f"_b_{alias}"),
                        sql(f"{alias}.day").as_(f"_day_{alias}"), sql(f"{alias}.last_close").as_(f"_last_{alias}"),
                        sql(f"{alias}.next_day").as_(f"_next_{alias}")]
        select = exp.select("v.*", *columns).from_(self.facts.view().subquery("v"))
        for calendar, name in clocks:
            alias = self.clock_alias(calendar, name)
            select = select.join(exp.to_table(clock_table_name(calendar)).as_(alias), join_type="left",
                                 on=sql(f"{alias}.bucket = {bucket_of('v.' + view_column(name))}"))
        return select

    def repeats_table(self) -> Repeats | None:
        """The repeat flags the queries read (None: no KPI asked for a repeat window)."""
        return Repeats(frozenset(self._repeats), self.has("reason"), self.unlabeled) if self._repeats else None
