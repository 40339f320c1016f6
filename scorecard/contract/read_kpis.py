"""The `kpis:` section: each KPI clause checked against the catalog and turned into a `KpiSpec`.

The catalog says which params a metric takes and of what type, whether it has a statistic, its
unit and its direction; a clause that disagrees is reported here, located, with a hint.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from ..catalog import Metric, catalog
from ..units import DURATION, NUMBER, RATE, Target
from ..yamlread import Document, Path
from . import patterns
from .fields import Fields, kind_of, one_of, suggest
from .model import LANGUAGES, STATISTICS_HELP, KpiSpec
from .read_intervals import check_interval_params
from .scales import check_shared_columns, check_survey

KPI_FIELDS = ("metric", "label", "params", "filter", "statistic", "clock", "target", "minimum",
              "min_sample", "per_channel_targets", "per_channel_minimums", "guardrails", "measured")
#: how often a KPI is judged (kpis.ID.measured): each month, or on the quarter's rows in its last month
MEASURED = ("monthly", "quarterly")
#: canonical string columns (DATA.md) a KPI may be restricted to
FILTER_COLUMNS = ("channel", "reason", "site", "team_id", "agent_id", "vendor", "evaluator_id",
                  "evaluator_side", "category")
ELAPSED = "elapsed"
#: the metrics the engine measures between two timestamps, hence on a clock (kpis/interactions.py);
#: same_day_response reads its calendar's business days
CLOCK_METRICS = ("service_level", "average_speed_of_answer", "first_response_time", "turnaround_time",
                 "time_to_first_solution", "total_resolution_time", "same_day_response")
_KIND_WORDS = {RATE: "a percentage", DURATION: "a duration", NUMBER: "a plain number"}
_KIND_EXAMPLE = {RATE: "80%", DURATION: "30s", NUMBER: "85"}
_SIGN = {">=": 1, ">": 1, "<=": -1, "<": -1, "==": 0}
#: the values a rate can take: a share of contacts lies in 0-100 %; these ratios of hours or volumes do not
RATE_RANGE = {"staffing_to_forecast": (0.0, math.inf), "forecast_accuracy": (-math.inf, 1.0)}


def enum_choices(ptype: str) -> list[str] | None:
    """'a|b|c' -> ['a', 'b', 'c']; None for the other catalog param types."""
    return ptype.split("|") if "|" in ptype else None


def read_param(f: Fields, ptype: str, value: Any, path: Path) -> Any:
    """One param converted to its catalog type (None after recording a problem)."""
    choices = enum_choices(ptype)
    if choices is not None:
        return f.text(value, path, choices=choices)
    if ptype == "duration":
        return f.duration(value, path)
    if ptype == "percent":
        return f.percent(value, path)
    if ptype == "scale":
        return f.scale(value, path)
    if ptype in ("number", "integer"):
        return f.number(value, path, integer=ptype == "integer")
    if ptype == "boolean":
        return f.boolean(value, path)
    if ptype == "string":
        return f.text(value, path)
    if ptype in ("numbers", "strings"):
        items = f.items(value, path)
        if items is None:
            return None
        read = [read_param(f, ptype[:-1], v, path + (i,)) for i, v in enumerate(items)]
        return None if any(v is None for v in read) else tuple(read)
    raise ValueError(f"catalog param type {ptype!r} is not supported")  # a catalog bug, not user input


@lru_cache(maxsize=None)
def _typed_defaults(name: str) -> tuple[tuple[str, Any], ...]:
    """A metric's catalog defaults in their typed form (the catalog is trusted: it must convert)."""
    m = catalog()[name]
    f = Fields("catalog.yaml", Document(m.defaults))
    out = tuple((k, read_param(f, m.params[k], v, (name, k))) for k, v in m.defaults.items())
    if f.problems:
        raise ValueError(f"catalog defaults of {name} do not convert: {f.problems}")
    return out


def _params(f: Fields, m: Metric, raw: Any, path: Path) -> dict[str, Any] | None:
    params = dict(_typed_defaults(m.name))
    if raw is None:
        return params
    hint = (f"{m.name} takes {one_of(f'{k} ({t})' for k, t in m.params.items())}" if m.params
            else f"{m.name} takes no params; remove `params:`")
    given = f.mapping(raw, path, hint=hint)
    if given is None:
        return None
    ok = True
    for key, value in given.items():
        if key not in m.params:
            f.add(path + (key,), f"unknown param {key!r} for metric {m.name}{suggest(key, m.params)}", hint,
                  key=True)
            ok = False
            continue
        typed = read_param(f, m.params[key], value, path + (key,))
        if key == "repeat_window" and typed == 0:  # no contact could be a repeat: FCR 100 % by construction
            f.add(path + (key,), "a repeat window of 0 makes every contact resolved at first contact",
                  "write the window within which a new contact counts as a repeat, e.g. 7d")
            typed = None
        ok = ok and typed is not None
        params[key] = typed
    return params if ok else None


def _filter(f: Fields, raw: Any, path: Path, channels: tuple[str, ...]) -> dict[str, tuple[str, ...]] | None:
    """{channel: voice} -> {"channel": ("voice",)}: values are always tuples of text."""
    given = f.mapping(raw, path, allowed=FILTER_COLUMNS)
    if given is None:
        return None
    before = len(f.problems)
    out: dict[str, tuple[str, ...]] = {}
    for column, value in given.items():
        here = path + (column,)
        values = value if isinstance(value, list) else [value]
        if not values:
            f.add(here, "a filter needs at least one value")
        for i, v in enumerate(values):
            where = here + (i,) if isinstance(value, list) else here
            if isinstance(v, bool) or not isinstance(v, (str, int)):
                f.add(where, f"expected a value or a list of values, got {kind_of(v)}")
            elif column == "channel" and str(v) not in channels:
                f.add(where, f'unknown channel "{v}"{suggest(str(v), channels)}',
                      f"known channels: {one_of(channels)}; declare others under contract.channels")
        out[column] = tuple(str(v) for v in values)
    return out if len(f.problems) == before else None


def check_comparison(f: Fields, m: Metric, params: dict[str, Any], target: Target, path: Path,
                     *, direction: bool = True) -> None:
    """A target or minimum must be written in the metric's unit and point the metric's good way
    (`direction=False` for a minimum checked against its target: `check_minimum` says it better)."""
    kind = m.target_kind(params)
    if target.kind != kind:
        f.add(path, f'"{target.text}" is {_KIND_WORDS[target.kind]} but {m.name} is measured as '
                    f"{_KIND_WORDS[kind]}", f"write e.g. '{target.op} {_KIND_EXAMPLE[kind]}'")
    else:
        check_possible(f, m, target, path)
    good = {"higher": 1, "lower": -1}.get(m.direction)
    if direction and good is not None and _SIGN[target.op] == -good:
        f.add(path, f'"{target.text}" aims {"low" if good == 1 else "high"} but {m.name} is '
                    f"{m.direction}-is-better", f"use {'>=' if good == 1 else '<='}")


def _range_words(low: float, high: float, fmt: str) -> str:
    """'between 0% and 100%', 'at least 0s', 'at most 100%' for the finite bounds."""
    if math.isfinite(low) and math.isfinite(high):
        return f"between {low:{fmt}} and {high:{fmt}}"
    return f"at least {low:{fmt}}" if math.isfinite(low) else f"at most {high:{fmt}}"


# Metrics measured in points out of 100 (QA scores): a bound in (0, 1] is a share written by mistake.
POINTS_0_100 = ("quality_score",)


def check_possible(f: Fields, m: Metric, target: Target, path: Path) -> None:
    """A rate or duration bound outside the values the metric can take is a typing mistake
    (`<= 120%`, `>= -5%`), and `< 0%` or `> 100%` could never be met."""
    if target.kind == RATE:
        (low, high), fmt, unit = RATE_RANGE.get(m.name, (0.0, 1.0)), ".0%", ""
    elif target.kind == DURATION:
        low, high, fmt, unit = 0.0, math.inf, "g", "s"
    elif m.name in POINTS_0_100 and 0 < target.value <= 1:
        f.add(path, f'"{target.text}" reads as {target.value:g} points out of 100: QA scores are 0-100',
              f"did you mean '{target.op} {target.value * 100:g}'?")
        return
    else:
        return
    words = _range_words(low, high, fmt) + unit
    if (target.op == "<" and target.value <= low) or (target.op == ">" and target.value >= high):
        f.add(path, f'"{target.text}" can never be met: {m.name} is always {words}',
              "check the number and the operator")
    elif not low <= target.value <= high:
        f.add(path, f'"{target.text}" is out of range: {m.name} is always {words}', "check the number")


def check_minimum(f: Fields, target: Target, minimum: Target, path: Path) -> None:
    """The minimum is the red line: same direction as the target and not stricter than it."""
    if _SIGN[minimum.op] != _SIGN[target.op]:
        f.add(path, f'minimum "{minimum.text}" uses the opposite operator of target "{target.text}"',
              f"write the minimum with {target.op} too")
    elif minimum.kind == target.kind and _SIGN[target.op] * (minimum.value - target.value) > 1e-12:
        f.add(path, f'minimum "{minimum.text}" is stricter than target "{target.text}"',
              "the minimum is the lower bar (amber between them); swap them or relax the minimum")


def _per_channel(f: Fields, m: Metric, params: dict[str, Any], raw: Any, path: Path,
                 channels: tuple[str, ...], *, direction: bool = True) -> dict[str, Target] | None:
    given = f.mapping(raw, path)
    if given is None:
        return None
    out: dict[str, Target] = {}
    for channel, text in given.items():
        if channel not in channels:
            f.add(path + (channel,), f'unknown channel "{channel}"{suggest(channel, channels)}',
                  f"known channels: {one_of(channels)}", key=True)
        target = f.target(text, path + (channel,))
        if target is not None:
            check_comparison(f, m, params, target, path + (channel,), direction=direction)
            out[channel] = target
    return out if len(out) == len(given) else None


def _statistic(f: Fields, m: Metric, raw: Any, path: Path) -> str | None:
    if raw is None:
        return "mean"
    if not m.statistic:
        f.add(path, f"{m.name} is not a duration statistic: it takes no `statistic`", "remove `statistic:`")
        return None
    return f.text(raw, path, pattern=patterns.STATISTIC, expected="a statistic", hint=STATISTICS_HELP)


def _clock(f: Fields, m: Metric, raw: Any, path: Path, calendars: tuple[str, ...]) -> str | None:
    """The calendar name, or None for elapsed (absolute) time; a wrong name is recorded, and so is a
    clock on a metric that measures no time between timestamps (it would be silently ignored)."""
    if raw is None or raw == ELAPSED:
        return None
    if m.name not in CLOCK_METRICS:
        f.add(path, f"{m.name} does not measure time between two timestamps, so it has no clock",
              f"remove `clock:`; a clock applies to {one_of(CLOCK_METRICS)}")
        return None
    name = f.text(raw, path)
    if name is not None and name not in calendars:
        choices = (*calendars, ELAPSED)
        f.add(path, f'clock "{name}" names no calendar{suggest(name, choices)}',
              f"use {one_of(choices)}, or define `{name}:` under calendars:")
    return name


def _labels(f: Fields, raw: Any, path: Path, language: str) -> dict[str, str] | None:
    """`label: Text` (the contract's language) or `label: {en: ..., fr: ...}`; a per-language label
    must name the contract's language, since every card and slide of the contract says it."""
    if not isinstance(raw, dict):
        text = f.text(raw, path)
        return None if text is None else {language: text}
    given = f.mapping(raw, path)
    if given is None:
        return None
    for lang in given:
        if lang not in LANGUAGES:
            f.add(path + (lang,), f"unknown language {lang!r} in a label{suggest(str(lang), LANGUAGES)}",
                  f"labels may be written in {one_of(LANGUAGES)}; remove this line", key=True)
    out = {lang: f.text(text, path + (lang,)) for lang, text in given.items() if lang in LANGUAGES}
    if language not in given:
        f.add(path, f"the label has no {language!r} text, the contract's language",
              f"add `{language}: ...` under label (the cards and the deck are written in {language})")
        return None
    return None if None in out.values() or len(out) < len(given) else {k: v for k, v in out.items() if v}


def read_kpi(f: Fields, kpi_id: str, raw: Any, calendars: tuple[str, ...],
             channels: tuple[str, ...], language: str = "en") -> KpiSpec | None:
    """One KPI clause; None when anything in it is wrong (the problems are in `f`)."""
    path: Path = ("kpis", kpi_id)
    before = len(f.problems)
    if not patterns.matches(patterns.KPI_ID, kpi_id):
        f.add(path, f'"{kpi_id}" is not a valid KPI id', "use letters, digits, _ and -, starting with a letter",
              key=True)
    clause = f.mapping(raw, path, allowed=KPI_FIELDS, required=("metric",))
    if clause is None:
        return None
    metrics = catalog()
    name = clause.get("metric")
    if "metric" in clause and (not isinstance(name, str) or name not in metrics):
        f.add(path + ("metric",), f"unknown metric {kind_of(name)}{suggest(str(name), metrics)}",
              "run `scorecard catalog` for the list of metrics")
        return None
    if name is None:
        return None
    m = metrics[name]
    params = _params(f, m, clause.get("params"), path + ("params",))
    check_interval_params(f, m, params, path + ("params",), calendars)
    flt = _filter(f, clause["filter"], path + ("filter",), channels) if "filter" in clause else {}
    statistic = _statistic(f, m, clause.get("statistic"), path + ("statistic",))
    clock = _clock(f, m, clause.get("clock"), path + ("clock",), calendars)
    min_sample = (f.number(clause["min_sample"], path + ("min_sample",), minimum=1, integer=True)
                  if "min_sample" in clause else 1)
    labels = _labels(f, clause["label"], path + ("label",), language) if "label" in clause else {}
    guardrails = f.texts(clause["guardrails"], path + ("guardrails",)) if "guardrails" in clause else ()
    measured = (f.text(clause["measured"], path + ("measured",), choices=MEASURED,
                       hint="quarterly judges the KPI on the quarter's rows, in the quarter's last month")
                if "measured" in clause else "monthly")
    target = f.target(clause["target"], path + ("target",)) if "target" in clause else None
    minimum = f.target(clause["minimum"], path + ("minimum",)) if "minimum" in clause else None
    # with broken params, units and directions are still checked against the catalog defaults
    checked_params = params if params is not None else dict(_typed_defaults(m.name))
    for key, t in (("target", target), ("minimum", minimum)):
        if t is not None:
            check_comparison(f, m, checked_params, t, path + (key,), direction=key == "target" or target is None)
    if target is not None and minimum is not None:
        check_minimum(f, target, minimum, path + ("minimum",))
    per_target = (_per_channel(f, m, checked_params, clause["per_channel_targets"], path + ("per_channel_targets",),
                               channels) if "per_channel_targets" in clause else {})
    per_minimum = (_per_channel(f, m, checked_params, clause["per_channel_minimums"],
                                path + ("per_channel_minimums",), channels, direction=target is None)
                   if "per_channel_minimums" in clause else {})
    for channel, low in (per_minimum or {}).items():
        high = (per_target or {}).get(channel, target)
        if high is not None:
            check_minimum(f, high, low, path + ("per_channel_minimums", channel))
    if params is not None:
        check_survey(f, m, params, clause.get("params"), path,
                     [(path + (key,), t) for key, t in (("target", target), ("minimum", minimum)) if t])
    if len(f.problems) > before or params is None:
        return None  # the clause's problems are recorded; no half-valid spec goes further
    return KpiSpec(id=kpi_id, metric=name, params=params, filter=flt or {}, statistic=statistic or "mean",
                   clock=clock, target=target, minimum=minimum, min_sample=int(min_sample or 1),
                   per_channel_targets=per_target or {}, per_channel_minimums=per_minimum or {},
                   label=(labels or {}).get(language), labels=labels or {}, guardrails=guardrails or (),
                   measured=measured or "monthly")


def informational_ids(raw: Any) -> frozenset[str]:
    """KPI ids whose clause has neither target nor minimum: reported as values, never scored."""
    clauses = raw if isinstance(raw, dict) else {}
    return frozenset(k for k, c in clauses.items()
                     if isinstance(c, dict) and "target" not in c and "minimum" not in c)


def read_kpis(f: Fields, raw: Any, calendars: tuple[str, ...], channels: tuple[str, ...],
              language: str = "en") -> dict[str, KpiSpec]:
    """Every valid KPI clause, in contract order (invalid ones are left out, their problems recorded)."""
    clauses = f.mapping(raw, ("kpis",), hint="kpis: maps a KPI id to its clause (metric, target, ...)")
    if clauses is None:
        return {}
    if not clauses:
        f.add(("kpis",), "a contract needs at least one KPI", "add a KPI id with its metric and target")
    specs = {kpi_id: read_kpi(f, kpi_id, raw_kpi, calendars, channels, language)
             for kpi_id, raw_kpi in clauses.items()}
    valid = {k: v for k, v in specs.items() if v is not None}
    check_shared_columns(f, valid)
    check_guardrails(f, valid, tuple(clauses))
    return valid


def check_guardrails(f: Fields, specs: dict[str, KpiSpec], kpi_ids: tuple[str, ...]) -> None:
    """A guardrail names another KPI of this contract that can be red (it has a target or minimum)."""
    for spec in specs.values():
        for i, ref in enumerate(spec.guardrails):
            where = ("kpis", spec.id, "guardrails", i)
            if ref == spec.id:
                f.add(where, f"KPI {spec.id} cannot be its own guardrail", "name a quality KPI such as fcr or csat")
            elif ref not in kpi_ids:
                f.add(where, f'guardrail "{ref}" is not a KPI of this contract{suggest(ref, kpi_ids)}',
                      f"use one of: {one_of(kpi_ids)}")
            elif ref in specs and specs[ref].informational:
                f.add(where, f"guardrail {ref} has neither target nor minimum, so it can never miss",
                      f"give {ref} a minimum, or remove it from the guardrails")

