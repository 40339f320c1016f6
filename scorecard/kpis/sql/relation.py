"""The row relation one interaction KPI reads: the derived view, plus the joins its measure asks for
(a business clock per timestamp, repeat-contact windows). Measures ask through `Rows`; the joins
are only made for what was asked."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from .clock import bucket_of, business_seconds, clock_table_name
from .compile import sql
from .derive import InteractionFacts

VIEW_COLUMNS = {"answered_at": "_answered_ns", "abandoned_at": "_abandoned_ns", "first_response_at": "_first_ns"}


@dataclass
class Rows:
    """Column expressions over the interactions of one KPI, and the joins they need."""

    facts: InteractionFacts
    clock_k: dict[str, int]  # calendar name -> opening intervals per day in its clock table
    _clocks: dict[tuple[str, str], str] = field(default_factory=dict)  # (calendar, column) -> alias
    _repeat_ns: int | None = None

    def has(self, column: str) -> bool:
        return column in self.facts.columns

    def ts(self, name: str) -> str | None:
        """A timestamp column of the view (epoch ns), or None when it cannot be known."""
        if self.facts.timestamp(name) is None:
            return None
        return VIEW_COLUMNS.get(name, name)

    def _clock_ts(self, name: str) -> str:
        """The view column a business clock reads: callers ask a clock only for a known timestamp."""
        column = self.ts(name)
        if column is None:
            raise ValueError(f"a business clock was asked for {name}, which the interactions cannot give")
        return column

    def clock_alias(self, calendar: str, name: str) -> str:
        key = (calendar, name)
        if key not in self._clocks:
            self._clocks[key] = f"c{len(self._clocks)}"
        return self._clocks[key]

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
        """(repeated, window_open) for a repeat window (convention 10), as view columns."""
        self._repeat_ns = int(round(window_s * 1e9))
        return "v._repeated", "v._window_open"

    def relation(self) -> exp.Select:
        """The view with the asked joins; each clock adds B(t) `_b_<alias>` and its day's
        `_day_`, `_last_` (closing instant) and `_next_` (next business day) columns."""
        view = self.facts.view()
        if self._repeat_ns is not None:
            view = self._with_repeats(view)
        columns = []
        for (calendar, name), alias in self._clocks.items():
            stamp = "v." + self._clock_ts(name)
            columns += [sql(business_seconds(alias, stamp, self.clock_k[calendar])).as_(f"_b_{alias}"),
                        sql(f"{alias}.day").as_(f"_day_{alias}"), sql(f"{alias}.last_close").as_(f"_last_{alias}"),
                        sql(f"{alias}.next_day").as_(f"_next_{alias}")]
        select = exp.select("v.*", *columns).from_(view.subquery("v"))
        for (calendar, name), alias in self._clocks.items():
            select = select.join(exp.to_table(clock_table_name(calendar)).as_(alias), join_type="left",
                                 on=sql(f"{alias}.bucket = {bucket_of('v.' + self._clock_ts(name))}"))
        return select

    def _with_repeats(self, view: exp.Select) -> exp.Select:
        """A later contact of the same customer within the window (strictly later, at most the
        window after), with the same reason when both rows have one: three range windows."""
        w = self._repeat_ns
        frame = f"ORDER BY created_at RANGE BETWEEN 1 FOLLOWING AND {w} FOLLOWING"
        any_later = f"COUNT(*) OVER (PARTITION BY customer_id {frame})"
        if self.has("reason"):
            same = f"COUNT(*) OVER (PARTITION BY customer_id, reason {frame})"
            unlabeled = f"COUNT(CASE WHEN reason IS NULL THEN 1 END) OVER (PARTITION BY customer_id {frame})"
            repeated = f"(CASE WHEN reason IS NULL THEN {any_later} > 0 ELSE ({same} > 0 OR {unlabeled} > 0) END)"
        else:
            repeated = f"({any_later} > 0)"
        repeated = f"(customer_id IS NOT NULL AND {repeated})"
        window_open = f"(customer_id IS NOT NULL AND created_at + {w} > MAX(created_at) OVER ())"
        return exp.select("w.*", sql(repeated).as_("_repeated"), sql(window_open).as_("_window_open")).from_(
            view.subquery("w"))
