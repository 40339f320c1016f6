"""The clauses of `service_credits` beyond the flat allocations: per-channel allocations, the
transition (ramp-up) period and escalation of repeat misses.

Kept apart from read_terms.py so each clause's checks sit next to the words that explain them to a
vendor manager: a channel the KPI has no threshold for, a decreasing escalation or a transition
reduction above 100 % would silently change what the vendor pays.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path as PathLike
from typing import Any

from ..errors import Problem
from ..units import UnitError, parse_percent
from ..yamlread import FileKind, Path, field_name, read_yaml_file
from .fields import Fields, one_of, suggest
from ..periods import months_between, shift_month
from .model import Contract, KpiSpec, Transition

TRANSITION_FIELDS = ("until", "credits", "kpis")
WAIVED = "waived"
REDUCED = "reduced"
CHARGED = "charged"
_REDUCED = re.compile(r"^\s*reduced\s+(?P<share>\S.*%)\s*$", re.IGNORECASE)
TRANSITION_CREDITS_HELP = "waived, or reduced followed by a percentage (reduced 50%)"
MAX_MULTIPLIER = 10


def split_allocations(raw: Any) -> tuple[Any, dict[str, Any]]:
    """`allocations` as (the flat KPI -> share entries, KPI -> {channel: share} entries). A value
    that is a mapping allocates per channel; anything else is left to the flat reader."""
    if not isinstance(raw, dict):
        return raw, {}
    return ({k: v for k, v in raw.items() if not isinstance(v, dict)},
            {k: v for k, v in raw.items() if isinstance(v, dict)})


def read_channel_allocations(f: Fields, raw: Mapping[str, Any], path: Path, kpi_ids: tuple[str, ...],
                             kpis: Mapping[str, KpiSpec]) -> dict[str, dict[str, float]]:
    """KPI id -> channel -> share, for `allocations: {sl: {voice: 20%, chat: 20%}}`. A channel earns
    a credit on its own row only where the KPI gives it its own target or minimum (the row the
    credit is judged on), so any other channel is refused."""
    from .read_terms import kpi_ref  # read_terms imports this module

    out: dict[str, dict[str, float]] = {}
    for kpi_id, channels in raw.items():
        here = path + (kpi_id,)
        known = kpi_ref(f, kpi_id, here, kpi_ids, key=True)
        spec = kpis.get(kpi_id)
        declared = tuple(dict.fromkeys([*spec.per_channel_targets, *spec.per_channel_minimums])) if spec else ()
        shares: dict[str, float] = {}
        for channel, value in channels.items():
            share = f.percent(value, here + (channel,))
            if spec is not None and channel not in declared:
                hint = (f"allocate to {one_of(declared)} (the channels kpis.{kpi_id} gives a target or minimum), "
                        f"or add {channel} to kpis.{kpi_id}.per_channel_minimums"
                        if declared else f"give kpis.{kpi_id} per_channel_minimums (e.g. {{{channel}: '>= 70%'}}) "
                                         "or allocate to the KPI as a whole (a percentage)")
                f.add(here + (channel,), f'{kpi_id} has no target or minimum of its own for channel '
                                         f'"{channel}"{suggest(str(channel), declared)}', hint, key=True)
            elif share is not None:
                shares[str(channel)] = share
        if known and shares:
            out[kpi_id] = shares
    return out


def read_transition(f: Fields, raw: Any, path: Path) -> Transition | None:
    """`transition: {until: DATE, credits: waived | reduced 50%}`; `kpis` (the softer targets) is
    read as a contract version by amendments.py, not here."""
    t = f.mapping(raw, path, allowed=TRANSITION_FIELDS, required=("until",),
                  hint="write transition: {until: 2026-04-01, credits: waived}")
    if t is None:
        return None
    until = f.date(t["until"], path + ("until",)) if "until" in t else None
    credits, reduction = CHARGED, 0.0
    if "credits" in t:
        read = _transition_credits(f, t["credits"], path + ("credits",))
        if read is None:
            return None
        credits, reduction = read
    return None if until is None else Transition(until=until, credits=credits, reduction=reduction)


def check_transition_dates(f: Fields, contract: Contract) -> None:
    """A transition `until` the contract's dates make meaningless, checked like an amendment's date:
    on or before `effective` it covers no month (its softer terms never apply); after `expires` it
    covers the whole term (every credit reduced for years), a typo in the year more often than a deal."""
    terms = contract.service_credits.transition if contract.service_credits else None
    if terms is None or not (contract.effective and contract.expires):
        return
    path = ("service_credits", "transition", "until")
    months = months_between(f"{contract.effective:%Y-%m}", f"{contract.expires:%Y-%m}")
    covered = [m for m in months if terms.covers(m)]
    if not covered:
        f.add(path, f"the transition until {terms.until} covers no month: a month is in transition when its "
                    f"first day is before `until`, and the contract's first month is {months[0]} (effective "
                    f"{contract.effective})",
              f"write the day the ramp-up ends, after {contract.effective} (e.g. until: {shift_month(months[0], 1)}-01 "
              f"keeps {months[0]} in transition)")
    elif terms.until > contract.expires:
        f.add(path, f"the transition until {terms.until} is after the contract expires ({contract.expires}): "
                    f"it would cover every month, {covered[0]} to {covered[-1]} ({len(covered)} months)",
              "correct the date (often the year), or extend contract.expires if the contract was renewed")


def _transition_credits(f: Fields, value: Any, path: Path) -> tuple[str, float] | None:
    """'waived' -> (waived, 1.0); 'reduced 50%' -> (reduced, 0.5): the share taken off each credit."""
    text = value.strip() if isinstance(value, str) else ""
    if text.lower() == WAIVED:
        return WAIVED, 1.0
    match = _REDUCED.match(text)
    if match:
        try:
            share = parse_percent(match["share"])
        except UnitError:
            share = -1.0
        if 0 < share <= 1:
            return REDUCED, share
        f.add(path, f'"{text}": the reduction must be above 0% and at most 100%',
              "write reduced 50% (half of each credit is charged) or waived")
        return None
    f.add(path, f"cannot read {value!r}: expected {TRANSITION_CREDITS_HELP}",
          "write credits: waived, or credits: reduced 50%")
    return None


def read_escalation(f: Fields, raw: Any, path: Path) -> tuple[float, ...] | None:
    """`escalation: [1, 1.5, 2]`: the multiplier of the 1st, 2nd and 3rd (and later) consecutive
    month a KPI misses. Never below 1 nor decreasing: an escalation that lowers a repeat miss's
    credit is a typo more often than a deal."""
    items = f.items(raw, path)
    if items is None:
        return None
    if not items:
        f.add(path, "the escalation list is empty", "write escalation: [1, 1.5, 2]")
        return None
    out = [f.number(v, path + (i,), minimum=1, maximum=MAX_MULTIPLIER,
                    hint="a multiplier like 1.5 (x 1.5), not a percentage") for i, v in enumerate(items)]
    if any(v is None for v in out):
        return None
    values = tuple(float(v) for v in out if v is not None)
    for i in range(1, len(values)):
        if values[i] < values[i - 1]:
            f.add(path + (i,), f"the multiplier {values[i]:g} is below the one before it ({values[i - 1]:g})",
                  "an escalation never decreases: each consecutive miss costs at least as much as the one before")
            return None
    return values


def transition_warnings(path: PathLike) -> list[Problem]:
    """`validate` warnings: a transition ending after the first of a month keeps that whole month in
    transition (a month is in transition when its first day is before `until`)."""
    doc, _ = read_yaml_file(PathLike(path), FileKind("the contract"))
    clause = doc.data.get("service_credits") if isinstance(doc.data, dict) else None
    transition = clause.get("transition") if isinstance(clause, dict) else None
    until = transition.get("until") if isinstance(transition, dict) else None
    if not isinstance(until, date) or until.day == 1:
        return []
    after = date(until.year + until.month // 12, until.month % 12 + 1, 1)
    where = ("service_credits", "transition", "until")
    line, col = doc.where(where)
    return [Problem(f"the transition until {until} keeps all of {until:%Y-%m} in transition: a month is in "
                    "transition when its first day is before `until`", str(path), line, col, field_name(where),
                    f"write until: {after} to say so, or until: {until:%Y-%m}-01 to end it with the month before")]
