"""The contract JSON Schema (draft-07), generated from the KPI catalog for editor completion.

Generating it at run time from the catalog and from the loader's own field lists and patterns keeps
the three in step: a metric added to catalog.yaml is offered by the editor with its params at once.
Point an editor at it with `scorecard schema > contract.schema.json` and, in the YAML file,
`# yaml-language-server: $schema=contract.schema.json`.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from ..catalog import Metric, catalog
from . import patterns
from .loader import LANGUAGES
from .model import GRAINS, STANDARD_CHANNELS, STATISTICS_HELP
from .read_calendars import CLOSED
from .read_kpis import ELAPSED, FILTER_COLUMNS, MEASURED, enum_choices
from .read_terms import ALL, RAG_RULES

Schema = dict[str, Any]


def _obj(description: str, properties: dict[str, Schema], required: tuple[str, ...] = (), **extra: Any) -> Schema:
    """A closed object: editors flag any key not listed, as the loader does."""
    out: Schema = {"type": "object", "description": description, "properties": properties,
                   "additionalProperties": False}
    if required:
        out["required"] = list(required)
    return {**out, **extra}


def _str(description: str, **extra: Any) -> Schema:
    return {"type": "string", "description": description, **extra}


def _num(description: str, **extra: Any) -> Schema:
    return {"type": "number", "description": description, **extra}


def _int(description: str, **extra: Any) -> Schema:
    return {"type": "integer", "description": description, **extra}


def _list(description: str, items: Schema, **extra: Any) -> Schema:
    return {"type": "array", "description": description, "items": items, **extra}


def _map(description: str, values: Schema, **extra: Any) -> Schema:
    return {"type": "object", "description": description, "additionalProperties": values, **extra}


def _percent(description: str) -> Schema:
    return _str(f"{description} A percentage with its % sign, such as 12%.", pattern=patterns.PERCENT)


def _duration(description: str) -> Schema:
    return _str(f"{description} A duration with its unit, such as 20s, 7m, 8h or 2d.", pattern=patterns.DURATION)


def _months(description: str) -> Schema:
    return {"description": f"{description} A number of months such as '3 months'.",
            "oneOf": [{"type": "string", "pattern": patterns.MONTHS}, {"type": "integer", "minimum": 1}]}


def _target(description: str) -> Schema:
    return _str(f"{description} A comparison in the metric's unit: '>= 80%', '<= 30s', '<= 7m', '>= 30'.",
                pattern=patterns.TARGET, examples=[">= 80%", "<= 30s", "<= 7m", ">= 85"])


def _date(description: str) -> Schema:
    return _str(f"{description} YYYY-MM-DD.", format="date", pattern=patterns.DATE)


def _param(ptype: str, name: str) -> Schema:
    """The schema of one catalog param type (the same types `read_kpis.read_param` converts)."""
    description = f"Param {name} ({ptype})."
    choices = enum_choices(ptype)
    if choices is not None:
        return {"description": description, "enum": choices}
    simple = {"number": _num, "integer": _int, "string": _str}
    if ptype in simple:
        return simple[ptype](description)
    if ptype == "boolean":
        return {"type": "boolean", "description": description}
    if ptype == "duration":
        return _duration(description)
    if ptype == "percent":
        return _percent(description)
    if ptype == "scale":
        return _str(f"{description} The survey's lowest-highest answer, such as 1-5 or 1-10.",
                    pattern=patterns.SCALE)
    item = {"numbers": {"type": "number"}, "strings": {"type": "string"}}[ptype]
    return _list(description, item)


def _metric_rule(m: Metric) -> Schema:
    """if metric == m then: only m's params, and `statistic` only where m has one."""
    params = _obj(f"Params of {m.name}: " + (", ".join(m.params) if m.params else "none") + ".",
                  {k: _param(t, k) for k, t in m.params.items()})
    then: Schema = {"properties": {"params": params}}
    if not m.statistic:
        then["properties"]["statistic"] = {"description": f"{m.name} has no statistic.", "not": {}}
    when = {"const": m.name, "description": f"These rules apply to KPIs of metric {m.name}."}
    return {"if": {"properties": {"metric": when}, "required": ["metric"]}, "then": then}


def _kpi() -> Schema:
    metrics = catalog()
    channel_targets = _map("Channel -> target, overriding the KPI's at grain channel.", _target("Target."),
                           propertyNames={"description": "A channel name.", "type": "string"})
    return _obj(
        "One KPI: a catalog metric with its params, restriction, statistic, clock and targets.",
        {
            "metric": {"description": "The catalog metric (`scorecard catalog` lists them).",
                       "enum": list(metrics)},
            "label": {"description": "Display name of the KPI in scorecards and the deck (default: the metric's "
                                     "label): one text in the contract's language, or one per language.",
                      "oneOf": [{"type": "string", "minLength": 1},
                                _map("Language -> label.", _str("The label in that language.", minLength=1),
                                     propertyNames={"enum": list(LANGUAGES)})]},
            "params": {"type": "object", "description": "Metric params; the catalog gives their types and defaults."},
            "filter": _map("Restrict the KPI's rows: column -> value or list of values, e.g. {channel: voice}.",
                           {"description": "A value or a list of values.",
                            "oneOf": [{"type": ["string", "integer"]},
                                      {"type": "array", "items": {"type": ["string", "integer"]}, "minItems": 1}]},
                           propertyNames={"description": "A canonical column.", "enum": list(FILTER_COLUMNS)}),
            "statistic": _str(f"For duration metrics: {STATISTICS_HELP}. Default mean.", pattern=patterns.STATISTIC),
            "clock": _str(f"A calendar name (business hours only) or {ELAPSED} (absolute time, the default).",
                          examples=["business", ELAPSED]),
            "target": _target("Expected level (green). With neither target nor minimum the KPI is "
                              "informational: shown, never scored."),
            "minimum": _target("Minimum level: below it the KPI is red and earns a service credit if allocated."),
            "min_sample": _int("Fewer observations than this: insufficient sample (never red). Default 1.",
                               minimum=1),
            "per_channel_targets": channel_targets,
            "per_channel_minimums": {**channel_targets,
                                     "description": "Channel -> minimum, overriding the KPI's at grain channel."},
            "guardrails": {"type": "array", "items": {"type": "string"}, "uniqueItems": True,
                           "description": "Quality KPI ids (e.g. [fcr, csat]) that must hold when this KPI is "
                                          "met: met while one of them misses its minimum is amber, not green."},
            "measured": {"enum": list(MEASURED), "description": "monthly (default), or quarterly: judged on the "
                         "quarter's rows, with its status and credit in the quarter's last month."},
        },
        ("metric",),
        allOf=[_metric_rule(m) for m in metrics.values()],
    )


def _hours() -> Schema:
    range_ = _str("Opening hours, local time, e.g. 08:00-20:00 (24:00 allowed as a close).",
                  pattern=patterns.HOURS_RANGE)
    day = {"description": f"A range, a list of ranges, or {CLOSED}.",
           "oneOf": [range_, {"const": CLOSED}, _list("Several ranges in one day.", range_, minItems=1)]}
    return _map("Weekdays -> opening hours; days not listed are closed.", day,
                propertyNames={"description": "daily, mon..sun, mon-fri, mon,wed.", "pattern": patterns.DAY_KEY})


def _header() -> Schema:
    return _obj("Who, where and when: the parties, currency, time zone and term.", {
        "id": _str("Contract id, shown in results.json and the deck."),
        "client": _str("The client (buyer)."),
        "vendor": _str("The vendor (or in-house team) whose performance is governed."),
        "currency": _str("ISO 4217 code for fees, credits and costs.", pattern=patterns.CURRENCY),
        "timezone": _str("IANA time zone deciding periods and business days.", examples=["Europe/Paris"]),
        "effective": _date("First day of the contract."),
        "expires": _date("Last day of the contract."),
        "monthly_fee": _num("Monthly fee in the currency; service credits and bonus are shares of it.",
                            minimum=0),
        "language": {"description": "Language of scorecards and deck (default en).", "enum": list(LANGUAGES)},
        "live_channels": _list("Channels answered live (default voice, chat, messaging).",
                               _str("A channel.", examples=list(STANDARD_CHANNELS))),
        "channels": _list(f"Extra channel values beyond {', '.join(STANDARD_CHANNELS)}.",
                          _str("A channel name.", pattern=patterns.CHANNEL)),
    }, ("id", "client", "vendor", "currency", "timezone"))


def _terms() -> dict[str, Schema]:
    share = _percent("Share.")
    band = _obj("A bonus band.", {"at_least": _num("Lowest overall score (0-100) of the band.", minimum=0,
                                                   maximum=100),
                                  "bonus": _percent("Share of the bonus pool paid.")}, ("at_least", "bonus"))
    rag = {c: {"description": f"When a KPI is {c}.", "enum": list(rules)} for c, rules in RAG_RULES.items()}
    return {
        "service_credits": _obj("Service credits owed on minimum misses, capped at the at-risk amount.", {
            "at_risk": _percent("Share of the monthly fee at risk."),
            "pool": _percent("What the allocations may add up to (default 100%)."),
            "allocations": _map("KPI id -> share of the at-risk amount credited on a minimum miss, or "
                                "channel -> share, earned by each channel's own row.",
                                {"oneOf": [share, _map("Channel -> share.", share)]}),
            "earn_back": _obj("Credits returned after sustained performance.", {
                "after": _months("Months of met targets after a miss that return its credit.")}, ("after",)),
            "chronic_failure": _obj("Repeated misses that give a termination right.", {
                "misses": _int("Number of minimum misses of one KPI.", minimum=1),
                "within": _months("Rolling window.")}, ("misses", "within")),
            "transition": _obj("A ramp-up period: credits waived or reduced in each month whose first day is "
                               "before `until`.", {
                "until": _date("First day after the transition."),
                "credits": _str("waived, or reduced with a percentage (reduced 50%).",
                                pattern=r"^\s*(waived|reduced\s+\S.*%)\s*$"),
                "kpis": {"type": "object", "description": "KPI id -> softer target and minimum in the transition."}},
                ("until",)),
            "escalation": _list("Credit multiplier for the 1st, 2nd, 3rd (and later) consecutive month a KPI "
                                "misses, before the cap.", _num("A multiplier.", minimum=1, maximum=10), minItems=1),
        }, ("at_risk", "allocations")),
        "incentives": _obj("Bonus paid on the weighted overall score.", {
            "bonus_pool": _percent("Share of the monthly fee available as bonus."),
            "overall_score_bands": _list("Bands of overall score and the bonus share each pays.", band),
        }, ("bonus_pool", "overall_score_bands")),
        "scoring": _obj("How KPIs are weighted and coloured.", {
            "weights": _map("KPI id -> weight in the overall score.", _num("Weight.", minimum=0)),
            "rag": _obj("Status rules.", rag),
        }),
        "roles": _map("Role name -> who sees which KPIs at which grain.", _obj("One role's scorecard.", {
            "grain": {"description": "The entity each scorecard is for.", "enum": list(GRAINS)},
            "kpis": {"description": f"KPI ids shown, or {ALL}.",
                     "oneOf": [{"const": ALL}, _list("KPI ids.", {"type": "string"})]},
            "targets": _map("KPI id -> target for this role's grain.", _target("Target.")),
            "min_sample": _map("KPI id -> min_sample at this role's grain, overriding the KPI's.",
                               _int("Fewer observations than this: insufficient sample.", minimum=1)),
            "sections": _list("Extra tables on the scorecard.", _str("A section name.",
                                                                     examples=["qa_errors_by_category",
                                                                               "dsat_reasons"])),
        }, ("grain", "kpis"))),
        "governance": _obj("The governance forum and its deck.", {
            "forum": _str("Forum cadence or name (default monthly).", examples=["monthly", "quarterly"]),
            "attendees": _list("Who attends.", _str("An attendee.")),
            "deck": _obj("The forum deck.", {
                "trend_months": _int("Months of trend on charts (default 6).", minimum=1, maximum=60),
                "sections": _list("Deck sections in order.", _str("A section name.", examples=[
                    "summary", "service_levels", "quality", "calibration", "service_credits",
                    "contact_reasons", "workforce", "actions"])),
            }),
            "actions": _str("Actions file (YAML), relative to the contract."),
            "integrity": {"type": "object", "description": "Thresholds of the integrity signals "
                          "(docs/integrity.md), e.g. {short_contact: 10s, sensitivity: 2}."},
            "benchmarks": _str("The client's own benchmarks file (YAML), relative to the contract; "
                               "the shipped industry figures are used for metrics it leaves out."),
        }),
    }


def _amendments() -> Schema:
    """`amendments:` (contract/amendments.py): the changed clauses are checked by the loader, as written."""
    clauses = {"type": "object", "description": "The clauses changed, written as in the contract; `removed` "
                                                "deletes one."}
    return _list("Changes to the contract from a date, applied in date order to every month starting on or "
                 "after it.", _obj("One amendment.", {
                     "effective": _date("The date it takes effect (a mid-month date applies from the next month)."),
                     "note": _str("Which amendment this is and why, e.g. 'Amendment 2: AHT ratcheted'."),
                     "contract": _obj("The header fields an amendment may change.", {
                         "monthly_fee": _num("The new monthly fee.", minimum=0)}),
                     "kpis": _map("KPI id -> changed clauses, a new KPI, or `removed`.",
                                  {"oneOf": [{"const": "removed"}, {"type": "object"}]}),
                     "service_credits": clauses, "incentives": clauses, "scoring": clauses,
                 }, ("effective", "note")))


@lru_cache(maxsize=1)
def _schema() -> Schema:
    calendar = _obj("A business calendar.", {
        "hours": _hours(),
        "holidays": _list("Closed dates.", _date("A holiday.")),
        "timezone": _str("IANA time zone (default: the contract's)."),
    }, ("hours",))
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://scorecard.invalid/contract.schema.json",
        "title": "scorecard contract",
        **_obj("A customer-service outsourcing contract: KPIs, targets, credits, incentives, roles, governance.", {
            "version": {"const": 1, "description": "The file's format version (optional): 1."},
            "contract": _header(),
            "calendars": _map("Calendar name -> business hours, for `clock:`.", calendar),
            "kpis": _map("KPI id -> clause.", _kpi(), propertyNames={"pattern": patterns.KPI_ID}, minProperties=1),
            **_terms(),
            "amendments": _amendments(),
        }, ("contract", "kpis")),
    }


def contract_schema() -> dict:
    """The draft-07 JSON Schema of a contract (a fresh copy: callers may change it)."""
    return copy.deepcopy(_schema())
