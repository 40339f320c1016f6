"""The commercial and governance terms: service credits, incentives, scoring, roles, governance.

These sections mostly refer to KPIs by id; every reference is checked against the contract's KPI
ids (with a "did you mean" suggestion), since a misspelt id would silently drop a credit or a weight.
"""

from __future__ import annotations

from pathlib import Path as PurePath

from collections.abc import Mapping
from typing import Any, Callable

from ..catalog import metric
from ..units import Target
from ..yamlread import Path
from .actions import read_actions
from .fields import Fields, one_of, suggest
from .model import CARD_SECTIONS, DECK_SECTIONS, GRAINS, Governance, Incentives, KpiSpec, Role, Scoring, ServiceCredits
from .read_credit_terms import read_channel_allocations, read_escalation, read_transition, split_allocations
from .read_kpis import check_comparison, read_param

CREDIT_FIELDS = ("at_risk", "pool", "allocations", "earn_back", "chronic_failure", "transition", "escalation")
INCENTIVE_FIELDS = ("bonus_pool", "overall_score_bands")
SCORING_FIELDS = ("weights", "rag")
ROLE_FIELDS = ("grain", "kpis", "targets", "min_sample", "sections")
GOVERNANCE_FIELDS = ("forum", "attendees", "deck", "actions", "integrity", "benchmarks")
DECK_FIELDS = ("trend_months", "sections")
RAG_RULES = {"green": ("meets target",),
             "amber": ("meets minimum", "misses target"),
             "red": ("misses minimum", "misses target")}
DEFAULT_RAG = {"green": "meets target", "amber": "meets minimum", "red": "misses minimum"}
ALL = "all"
_CARRIED = {"allocations": "a service credit", "weights": "a weight in the overall score"}


def kpi_ref(f: Fields, kpi_id: Any, path: Path, kpi_ids: tuple[str, ...], *, key: bool = False) -> bool:
    """Whether `kpi_id` names a KPI of the contract (a problem is recorded when not)."""
    if isinstance(kpi_id, str) and kpi_id in kpi_ids:
        return True
    f.add(path, f"no KPI {kpi_id!r} in this contract{suggest(str(kpi_id), kpi_ids)}",
          f"KPIs are: {one_of(kpi_ids)}", key=key)
    return False


def _kpi_amounts(f: Fields, raw: Any, path: Path, kpi_ids: tuple[str, ...],
                 read: Callable[[Any, Path], float | None], informational: frozenset[str]) -> dict[str, float]:
    """KPI id -> value read by `read(value, path)` (allocations, weights): the entries that read
    well, so totals can still be checked while the others' problems are recorded. An informational
    KPI has no status, so nothing can be paid or weighted on it."""
    out = {}
    for kpi_id, value in (f.mapping(raw, path) or {}).items():
        known = kpi_ref(f, kpi_id, path + (kpi_id,), kpi_ids, key=True)
        if kpi_id in informational:
            f.add(path + (kpi_id,), f"{kpi_id!r} is informational (no target, no minimum), so it has no "
                                    f"status to carry {_CARRIED[str(path[-1])]}",
                  f"give kpis.{kpi_id} a target, or remove this line", key=True)
        amount = read(value, path + (kpi_id,))
        if known and amount is not None:
            out[kpi_id] = amount
    return out


def read_credits(f: Fields, raw: Any, kpi_ids: tuple[str, ...], informational: frozenset[str] = frozenset(),
                 kpis: Mapping[str, KpiSpec] | None = None) -> ServiceCredits | None:
    path: Path = ("service_credits",)
    before = len(f.problems)
    sc = f.mapping(raw, path, allowed=CREDIT_FIELDS, required=("at_risk", "allocations"))
    if sc is None:
        return None
    at_risk = f.percent(sc["at_risk"], path + ("at_risk",), maximum=1.0) if "at_risk" in sc else None
    pool = f.percent(sc["pool"], path + ("pool",)) if "pool" in sc else 1.0
    flat, per_channel = split_allocations(sc.get("allocations", {}))
    allocations = (_kpi_amounts(f, flat, path + ("allocations",), kpi_ids, f.percent, informational)
                   if "allocations" in sc else {})
    channel_allocations = read_channel_allocations(f, per_channel, path + ("allocations",), kpi_ids, kpis or {})
    allocated = sum(allocations.values()) + sum(s for c in channel_allocations.values() for s in c.values())
    if allocated and pool is not None and allocated > pool + 1e-9:
        f.add(path + ("allocations",), f"allocations add up to {allocated:.0%}, above the "
                                       f"pool of {pool:.0%}", "lower the allocations or raise `pool:`")
    earn_back = None
    if "earn_back" in sc:
        eb = f.mapping(sc["earn_back"], path + ("earn_back",), allowed=("after",), required=("after",))
        earn_back = f.months(eb["after"], path + ("earn_back", "after")) if eb and "after" in eb else None
    misses = within = None
    if "chronic_failure" in sc:
        here = path + ("chronic_failure",)
        cf = f.mapping(sc["chronic_failure"], here, allowed=("misses", "within"), required=("misses", "within"))
        if cf:
            misses = f.number(cf["misses"], here + ("misses",), minimum=1, integer=True) if "misses" in cf else None
            within = f.months(cf["within"], here + ("within",)) if "within" in cf else None
        if misses is not None and within is not None and misses > within:
            f.add(here + ("misses",), f"{misses} misses cannot happen within {within} months",
                  "misses are counted at most once a month")
    transition = read_transition(f, sc["transition"], path + ("transition",)) if "transition" in sc else None
    escalation = read_escalation(f, sc["escalation"], path + ("escalation",)) if "escalation" in sc else ()
    if len(f.problems) > before or at_risk is None or pool is None:
        return None
    return ServiceCredits(at_risk=at_risk, pool=pool, allocations=allocations, earn_back_months=earn_back,
                          chronic_misses=int(misses) if misses is not None else None,
                          chronic_within_months=within, transition=transition, escalation=escalation or (),
                          channel_allocations=channel_allocations)


def read_incentives(f: Fields, raw: Any) -> Incentives | None:
    path: Path = ("incentives",)
    before = len(f.problems)
    inc = f.mapping(raw, path, allowed=INCENTIVE_FIELDS, required=INCENTIVE_FIELDS)
    if inc is None:
        return None
    pool = f.percent(inc["bonus_pool"], path + ("bonus_pool",)) if "bonus_pool" in inc else None
    bands: list[tuple[float, float]] = []
    items = f.items(inc.get("overall_score_bands", []), path + ("overall_score_bands",)) or []
    for i, band in enumerate(items):
        here = path + ("overall_score_bands", i)
        b = f.mapping(band, here, allowed=("at_least", "bonus"), required=("at_least", "bonus"))
        if b and "at_least" in b and "bonus" in b:
            score = f.number(b["at_least"], here + ("at_least",), minimum=0, maximum=100)
            if score is not None and 0 < score <= 1:
                f.add(here + ("at_least",), f"at_least {score:g} is on a 0-1 scale but scores are 0-100",
                      f"did you mean {score * 100:g}?")
                score = None
            share = f.percent(b["bonus"], here + ("bonus",), maximum=1.0)
            if score is not None and share is not None:
                if score in (s for s, _ in bands):
                    f.add(here + ("at_least",), f"two bands start at {score:g}", "give each band its own score")
                bands.append((score, share))
    if len(f.problems) > before or pool is None:
        return None
    return Incentives(bonus_pool=pool, bands=tuple(sorted(bands, reverse=True)))


def read_scoring(f: Fields, raw: Any, kpi_ids: tuple[str, ...],
                 informational: frozenset[str] = frozenset()) -> Scoring | None:
    path: Path = ("scoring",)
    sc = f.mapping(raw, path, allowed=SCORING_FIELDS)
    if sc is None:
        return None
    weights = (_kpi_amounts(f, sc["weights"], path + ("weights",), kpi_ids,
                            lambda v, p: f.number(v, p, minimum=0), informational) if "weights" in sc else {})
    rag = dict(DEFAULT_RAG)
    if "rag" in sc:
        given = f.mapping(sc["rag"], path + ("rag",), allowed=RAG_RULES)
        for colour, rule in (given or {}).items():
            if colour in RAG_RULES:
                rag[colour] = f.text(rule, path + ("rag", colour), choices=RAG_RULES[colour]) or rag[colour]
    return Scoring(weights=weights, rag=rag)


def _role(f: Fields, name: str, raw: Any, kpis: dict[str, KpiSpec], kpi_ids: tuple[str, ...]) -> Role | None:
    path: Path = ("roles", name)
    before = len(f.problems)
    r = f.mapping(raw, path, allowed=ROLE_FIELDS, required=("grain", "kpis"))
    if r is None:
        return None
    grain = f.text(r["grain"], path + ("grain",), choices=GRAINS) if "grain" in r else None
    listed: list[str] = []
    if r.get("kpis") == ALL:
        listed = list(kpi_ids)
    elif "kpis" in r:
        for i, kpi_id in enumerate(f.items(r["kpis"], path + ("kpis",)) or []):
            if kpi_ref(f, kpi_id, path + ("kpis", i), kpi_ids):
                if kpi_id in listed:
                    f.add(path + ("kpis", i), f"{kpi_id!r} is listed twice", "list each KPI once")
                listed.append(kpi_id)
    targets: dict[str, Target] = {}
    for kpi_id, text in (f.mapping(r.get("targets", {}), path + ("targets",)) or {}).items():
        here = path + ("targets", kpi_id)
        if kpi_ref(f, kpi_id, here, kpi_ids, key=True) and kpi_id not in listed:
            f.add(here, f"{kpi_id!r} has a target for this role but is not in its kpis",
                  f"add {kpi_id} to roles.{name}.kpis or remove this target", key=True)
        target = f.target(text, here)
        spec = kpis.get(kpi_id)
        if target is not None and spec is not None:
            check_comparison(f, metric(spec.metric), spec.params, target, here)
            targets[kpi_id] = target
    min_sample: dict[str, int] = {}
    if grain == "vendor" and "min_sample" in r:
        # the vendor's statuses drive the service credits: their sample size is the KPI clause's
        f.add(path + ("min_sample",), "a vendor-level role cannot change min_sample",
              "set min_sample on the KPI itself (kpis.ID.min_sample); roles at a lower grain may override it",
              key=True)
    sizes = f.mapping(r.get("min_sample", {}), path + ("min_sample",),
                      hint="min_sample: maps a KPI id to its sample size, e.g. {csat: 30}")
    for kpi_id, value in (sizes or {}).items():
        here = path + ("min_sample", kpi_id)
        size = f.number(value, here, minimum=1, integer=True, hint="write a whole number of observations, e.g. 30")
        if kpi_ref(f, kpi_id, here, kpi_ids, key=True) and size is not None:
            min_sample[kpi_id] = int(size)
    sections = f.texts(r["sections"], path + ("sections",), choices=CARD_SECTIONS) if "sections" in r else ()
    if len(f.problems) > before or grain is None:
        return None
    return Role(name=name, grain=grain, kpis=tuple(listed), targets=targets, sections=sections or (),
                min_sample=min_sample)


def read_roles(f: Fields, raw: Any, kpis: dict[str, KpiSpec], kpi_ids: tuple[str, ...]) -> dict[str, Role]:
    given = f.mapping(raw, ("roles",), hint="roles: maps a role name to its grain and KPIs")
    roles = {name: _role(f, name, body, kpis, kpi_ids) for name, body in (given or {}).items()}
    return {k: v for k, v in roles.items() if v is not None}


def read_governance(f: Fields, raw: Any, contract_id: str, kpi_ids: tuple[str, ...]) -> Governance | None:
    path: Path = ("governance",)
    before = len(f.problems)
    g = f.mapping(raw, path, allowed=GOVERNANCE_FIELDS)
    if g is None:
        return None
    deck = f.mapping(g.get("deck", {}), path + ("deck",), allowed=DECK_FIELDS) or {}
    here = path + ("deck",)
    forum = f.text(g["forum"], path + ("forum",)) if "forum" in g else "monthly"
    attendees = f.texts(g["attendees"], path + ("attendees",)) if "attendees" in g else ()
    trend_months = (f.number(deck["trend_months"], here + ("trend_months",), minimum=1, maximum=60, integer=True)
                    if "trend_months" in deck else 6)
    sections = f.texts(deck["sections"], here + ("sections",), choices=DECK_SECTIONS) if "sections" in deck else ()
    out = Governance(  # a None is a problem already said; the defaults keep the other checks running
        forum=forum if forum is not None else "monthly",
        attendees=attendees or (),
        trend_months=int(trend_months) if trend_months is not None else 6,
        sections=sections or (),
        actions=f.text(g["actions"], path + ("actions",)) if "actions" in g else None,
        integrity=_integrity(f, g["integrity"], path + ("integrity",)) if "integrity" in g else {},
        benchmarks=f.text(g["benchmarks"], path + ("benchmarks",)) if "benchmarks" in g else None,
    )
    if out.benchmarks:
        from ..benchmarks import read_benchmarks

        f.problems.extend(read_benchmarks(PurePath(f.file).parent / out.benchmarks)[1])
    if out.actions:
        # Found now rather than when the deck is drawn, a month later, in front of the forum.
        actions = PurePath(f.file).parent / out.actions
        if not actions.is_file():
            f.add(path + ("actions",), f"the actions file {out.actions!r} does not exist",
                  "the path is relative to this contract file; create the file or correct the path")
        else:
            f.problems.extend(read_actions(actions, contract_id, kpi_ids)[1])
    return out if len(f.problems) == before else None


def _integrity(f: Fields, raw: Any, path: Path) -> dict[str, float]:
    """`governance.integrity`: threshold overrides of the integrity signals, each in its unit."""
    from ..integrity.rules import THRESHOLD_KINDS

    given = f.mapping(raw, path, allowed=tuple(THRESHOLD_KINDS)) or {}
    read = {k: _threshold(f, THRESHOLD_KINDS[k], v, path + (k,)) for k, v in given.items() if k in THRESHOLD_KINDS}
    return {k: v for k, v in read.items() if v is not None}


def _threshold(f: Fields, kind: str, value: Any, path: Path) -> Any:
    """Every integrity threshold is a count, a multiple or a size: never below 0 (a negative baseline
    would reach the rules' sliding windows)."""
    if kind in ("number", "integer"):
        return f.number(value, path, minimum=0, integer=kind == "integer",
                        hint="write 0 or more (each threshold and its default: docs/integrity.md)")
    return read_param(f, kind, value, path)
