"""Stage 4: judge every KPI result against the contract (status, attainment, points), then the
vendor's overall weighted score, the incentive bonus it earns and the month-on-month changes.

All functions are pure: they take the raw results of the KPI engine (docs/ARCHITECTURE.md) and the
typed `Contract`, and return new DataFrames. Points and the overall score are defined in
docs/readme-scoring.md; the definitions live here once so the HTML scorecards, the deck and the
result files can only show the same numbers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Collection, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from . import explain, money, numbers
from .catalog import catalog
from .contract.model import Contract
from .errors import ScorecardError
from .explain import sentence
from .periods import month_to_period, parse_period, shift_month, window
from .render.format import kpi_label
from .units import Target

GREEN, AMBER, RED = "green", "amber", "red"
INSUFFICIENT, NOT_MEASURABLE = "insufficient_sample", "not_measurable"
# A KPI with neither target nor minimum (e.g. volume) is shown, never judged: not in the overall
# score, the status counts or the credits.
INFORMATIONAL = "informational"
UNSCORABLE = (INSUFFICIENT, NOT_MEASURABLE)
KEYS = ["kpi", "grain", "entity"]

# Same float-noise tolerance as Target.met, for score bands (a mean of points may be 94.9999999).
_EPS = 1e-9


# --- thresholds -------------------------------------------------------------------------------

def thresholds(contract: Contract, kpi: str, grain: str, entity: str) -> tuple[Target | None, Target | None]:
    """The (target, minimum) that apply to one result row.

    A role's `targets` replace the KPI's target at that role's grain (first role in contract order
    when two roles at one grain disagree); per-channel targets / minimums replace them at grain
    channel for that channel. A role only sets targets, so the minimum (and the credit it drives)
    stays the contract's.
    """
    spec = contract.kpis.get(kpi)
    if spec is None:
        raise ScorecardError(f"result row for KPI {kpi!r}, which the contract does not define")
    target, minimum = spec.target, spec.minimum
    if grain == "channel":
        target = spec.per_channel_targets.get(entity, target)
        minimum = spec.per_channel_minimums.get(entity, minimum)
    for role in contract.roles.values():
        if role.grain == grain and kpi in role.targets:
            return role.targets[kpi], minimum
    return target, minimum


def min_sample(contract: Contract, kpi: str, grain: str) -> int:
    """The sample size below which a result is insufficient_sample: a role's `min_sample` at that
    role's grain (first role in contract order, as for targets), else the KPI clause's. A CSAT
    minimum of 100 responses suits the vendor, not one agent's month."""
    for role in contract.roles.values():
        if role.grain == grain and kpi in role.min_sample:
            return role.min_sample[kpi]
    spec = contract.kpis.get(kpi)
    return spec.min_sample if spec else 1


def status_of(value: float, n: float, note: str, min_sample: int,
              target: Target | None, minimum: Target | None) -> str:
    """green / amber / red / insufficient_sample / not_measurable, or informational with no threshold.

    A value with no note but no observations is an insufficient sample, not a failure; a NaN value
    with enough observations (e.g. a ratio over a zero denominator) is not measurable, never red,
    so missing data can never earn a service credit.
    """
    value = math.nan if _isnan(value) else value
    return str(statuses(np.array([value], dtype="float64"), np.array([n], dtype="float64"),
                        np.array([note or ""], dtype=object), min_sample, target, minimum)[0])


def statuses(value: np.ndarray, n: np.ndarray, note: np.ndarray, min_sample: int,
             target: Target | None, minimum: Target | None) -> np.ndarray:
    """`status_of` for arrays of rows sharing one KPI clause (the rules are the same, in order)."""
    nan = np.isnan(value)
    judge_target = target.met_all(value) if target is not None else np.zeros(len(value), bool)
    judge_minimum = minimum.met_all(value) if minimum is not None else np.zeros(len(value), bool)
    if target is None and minimum is None:  # shown as a value: only "cannot be measured" is said
        return np.where(nan & (note != ""), NOT_MEASURABLE, INFORMATIONAL).astype(object)
    conditions = [nan & (note != ""), (n == 0) | (n < min_sample), nan]
    choices = [NOT_MEASURABLE, INSUFFICIENT, NOT_MEASURABLE]
    conditions += [judge_target]
    choices += [GREEN]
    if minimum is None:
        return np.select(conditions, choices, default=RED).astype(object)
    conditions += [judge_minimum]
    choices += [GREEN if target is None else AMBER]
    return np.select(conditions, choices, default=RED).astype(object)


def attainment(value: float, target: Target | None) -> float:
    """value / target (higher is better) or target / value (lower is better).

    NaN when there is no inequality target, the target is negative (the ratio's sign would flip
    its meaning, e.g. an NPS target of -10), or the ratio is not finite (division by zero).
    """
    return float(attainments(np.array([math.nan if _isnan(value) else value], dtype="float64"), target)[0])


def attainments(value: np.ndarray, target: Target | None) -> np.ndarray:
    if target is None or target.op == "==" or target.value < 0:
        return np.full(len(value), math.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = value / target.value if target.higher_is_better else target.value / value
    return np.where(np.isfinite(ratio), ratio, math.nan)


def points(value: float, target: Target | None, minimum: Target | None) -> float:
    """0-100 points of a judged value (see docs/readme-scoring.md).

    With a minimum below the target: 100 at or beyond the target, 50 at the minimum, linear in
    between, and linear from 50 down to 0 over one (target - minimum) span beyond the minimum.
    Without a usable minimum: 100 when the target is met, else 100 x attainment, capped to 0-100.
    An `==` target gives 100 when met, 50 when only the minimum is met, else 0.
    A KPI with only a minimum uses it as its target.
    """
    return float(points_all(np.array([math.nan if _isnan(value) else value], dtype="float64"), target, minimum)[0])


def points_all(value: np.ndarray, target: Target | None, minimum: Target | None) -> np.ndarray:
    """`points` for an array of values sharing one clause."""
    if target is None:
        target, minimum = minimum, None
    if target is None:
        return np.full(len(value), math.nan)
    met = target.met_all(value)
    if target.op == "==":
        low = (50.0 if minimum is not None else 0.0) * (minimum.met_all(value) if minimum is not None else 1)
        out = np.where(met, 100.0, low)
    else:
        span = _band_span(target, minimum)
        if span is None:
            ratio = attainments(value, target)
            out = np.where(np.isnan(ratio), 0.0, np.clip(100.0 * ratio, 0.0, 100.0))
        else:
            assert minimum is not None
            sign = 1.0 if target.higher_is_better else -1.0
            linear = 50.0 + 50.0 * sign * (value - minimum.value) / span
            above = minimum.met_all(value)
            out = np.where(above, np.clip(linear, 50.0, 100.0), np.clip(linear, 0.0, 50.0))
        out = np.where(met, 100.0, out)
    return np.where(np.isnan(value), math.nan, out)


def _band_span(target: Target, minimum: Target | None) -> float | None:
    """How far the target lies beyond the minimum, in the better direction; None when the two do
    not form a band (no minimum, an `==`, opposite directions, or a minimum not below the target)."""
    if minimum is None or minimum.op == "==" or minimum.higher_is_better != target.higher_is_better:
        return None
    span = (target.value - minimum.value) * (1.0 if target.higher_is_better else -1.0)
    return span if span > 0 else None


def _isnan(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


# --- scoring a results frame ------------------------------------------------------------------

def score_results(raw: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """Raw results -> scored results: adds target, minimum, status, unit, direction, attainment,
    points (columns documented in docs/ARCHITECTURE.md). The input frame is not modified.

    Rows sharing a clause (KPI x grain, and the channel at grain channel) are scored together as
    arrays: a 12-month run at agent grain has hundreds of thousands of rows."""
    metrics = catalog()
    size = len(raw)
    cols = {name: np.full(size, "", dtype=object) for name in ("target", "minimum", "status", "unit", "direction")}
    att, pts = np.full(size, math.nan), np.full(size, math.nan)
    value = raw["value"].to_numpy(dtype="float64", na_value=math.nan)
    n = raw["n"].to_numpy(dtype="float64", na_value=0.0)
    note = raw["note"].fillna("").to_numpy(dtype=object)
    clause_entity = raw["entity"].where(raw["grain"] == "channel", "")
    for (kpi, grain, entity), idx in raw.groupby([raw["kpi"], raw["grain"], clause_entity], sort=False).indices.items():
        target, minimum = thresholds(contract, kpi, grain, entity)
        spec = contract.kpis[kpi]
        metric = metrics[spec.metric]
        v = value[idx]
        status = statuses(v, n[idx], note[idx], min_sample(contract, kpi, grain), target, minimum)
        judged = np.isin(status, (GREEN, AMBER, RED))
        cols["target"][idx] = target.text if target else ""
        cols["minimum"][idx] = minimum.text if minimum else ""
        cols["status"][idx] = status
        cols["unit"][idx] = metric.unit_for(spec.params)
        cols["direction"][idx] = _direction(target or minimum, metric.direction)
        att[idx] = attainments(v, target)
        pts[idx] = np.where(judged, points_all(v, target, minimum), math.nan)
    out = raw.copy()
    for name, values in cols.items():
        out[name] = pd.Series(values, index=raw.index, dtype="str")
    out["attainment"], out["points"] = att, pts
    return apply_guardrails(out, contract)


def apply_guardrails(scored: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """A KPI met (green) while one of its guardrails (`kpis.ID.guardrails`) is red for the same
    period and entity is amber, not green: speed bought at the expense of quality is not a success.
    `guardrail` names the guardrails that missed (the card's "why"); points are left as measured."""
    scored["guardrail"] = ""
    guarded = {k: s.guardrails for k, s in contract.kpis.items() if s.guardrails}
    if not guarded or scored.empty:
        return scored
    keys = ["period", "grain", "entity"]
    red = scored.loc[scored["status"] == RED, keys + ["kpi"]]
    for kpi, guards in guarded.items():
        missed = red[red["kpi"].isin(guards)].groupby(keys)["kpi"].agg(lambda ids: ", ".join(sorted(ids)))
        if missed.empty:
            continue
        rows = scored.index[(scored["kpi"] == kpi) & (scored["status"] == GREEN)]
        why = pd.MultiIndex.from_frame(scored.loc[rows, keys]).map(missed.to_dict().get)
        hit = rows[pd.notna(why)]
        scored.loc[hit, "status"] = AMBER
        scored.loc[hit, "guardrail"] = [w for w in why if pd.notna(w)]
    return scored


def _direction(rule: Target | None, catalog_direction: str) -> str:
    """The contract's comparison says which way is better; the catalog decides for `==` or none."""
    if rule is None or rule.op == "==":
        return catalog_direction
    return "higher" if rule.higher_is_better else "lower"


def previous_period(label: str) -> str:
    """The period before a month, quarter or year label ('2026-Q1' -> '2025-Q4')."""
    period = parse_period(label)
    month_before = shift_month(period.first_month, -1)
    return str(month_to_period(pd.Series([month_before]), period.kind).iloc[0])


def add_changes(scored: pd.DataFrame) -> pd.DataFrame:
    """Adds previous (value of the period before, same kpi/grain/entity; NaN when absent) and
    change = value - previous. Rows are expected unique per period/kpi/grain/entity."""
    lookup = scored.drop_duplicates(["period", *KEYS]).set_index(["period", *KEYS])["value"]
    before = scored["period"].map({p: previous_period(p) for p in scored["period"].unique()})
    wanted = pd.MultiIndex.from_arrays([before, scored["kpi"], scored["grain"], scored["entity"]])
    out = scored.copy()
    out["previous"] = lookup.reindex(wanted).to_numpy(dtype="float64")
    out["change"] = out["value"] - out["previous"]
    return out


def trend(scored: pd.DataFrame, period: str, months: int) -> pd.DataFrame:
    """Monthly rows of the `months` months ending with `period` (its last month for a quarter or a
    year), one row per month for every kpi/grain/entity seen in the window: a month without a
    result is a row with NaN value, so every chart gets the same x axis."""
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    last = parse_period(period).last_month
    months_shown = window(last, months)
    rows = scored[scored["period"].isin(months_shown)]
    keys = ["kpi", "metric", "grain", "entity"]
    grid = rows[keys].drop_duplicates().merge(pd.DataFrame({"period": months_shown}, dtype=rows["period"].dtype),
                                              how="cross")
    out = grid.merge(rows, on=["period", *keys], how="left")
    return out[list(scored.columns)].sort_values([*KEYS, "period"], kind="stable").reset_index(drop=True)


# --- overall score and incentives -------------------------------------------------------------

OVERALL_COLUMNS = ["period", "score", "weights_used", "skipped", "bonus_share", "bonus", "explanation"]


def overall_scores(scored: pd.DataFrame, contract: Contract, left_out: Collection[str] = (),
                   in_force: Callable[[str], Contract] | None = None) -> pd.DataFrame:
    """One row per period at grain vendor: the weighted mean of points over scoring.weights.

    KPIs that are not measurable, have too small a sample, have no target or no vendor result are
    skipped and the remaining weights renormalised, so missing data neither helps nor hurts the
    vendor; `skipped` names them with the reason. The bonus is paid for the period's months that
    are not `left_out` (outside the contract term or the data: term.py), rounded to the currency's
    minor unit (a Decimal; NaN without incentives or fee). `in_force(month)` is the contract version
    of a month (an amended contract): each month of a quarter or a year is paid at its own version's
    fee and bonus pool, as its credits are; the score and its band are the period's.
    """
    vendor = scored[scored["grain"] == "vendor"]
    rows = [_overall_row(str(period), group.drop_duplicates("kpi").set_index("kpi"), contract, left_out,
                         in_force or (lambda _: contract))
            for period, group in vendor.groupby("period", sort=True)]
    return pd.DataFrame(rows, columns=OVERALL_COLUMNS)


def _overall_row(period: str, by_kpi: pd.DataFrame, contract: Contract, left_out: Collection[str],
                 in_force: Callable[[str], Contract]) -> dict[str, Any]:
    weights = {k: w for k, w in contract.scoring.weights.items() if w > 0}
    used: dict[str, float] = {}
    skipped: list[tuple[str, str]] = []  # (kpi, why): a key of explanations.yaml's `skipped`
    for kpi, weight in weights.items():
        if kpi not in by_kpi.index:
            skipped.append((kpi, "no_result"))
        elif by_kpi.at[kpi, "status"] in UNSCORABLE:
            skipped.append((kpi, str(by_kpi.at[kpi, "status"])))
        elif _isnan(by_kpi.at[kpi, "points"]):
            skipped.append((kpi, "no_target"))
        else:
            used[kpi] = weight
    weights_used = float(sum(used.values()))
    score = (sum(w * float(by_kpi.at[k, "points"]) for k, w in used.items()) / weights_used
             if weights_used > 0 else math.nan)
    share, band = bonus_band(score, contract)
    months = [m for m in parse_period(period).months() if m not in left_out]
    pools = _bonus_pools(contract, [in_force(m) for m in months])
    bonus = (money.amount(contract.currency, share, sum(money.exact(p) * money.exact(f) for p, f in pools))
             if contract.incentives is not None and contract.monthly_fee is not None else math.nan)
    lang = contract.language
    # the sentence names the KPIs by label, as the cards and the deck do; the skipped column keeps ids
    named = [(kpi_label(contract, kpi, lang), why) for kpi, why in skipped]
    text = _score_sentence(period, score, used, weights, _skipped_text(named, lang), lang)
    text += " " + _bonus_sentence(contract, score, share, band, bonus, pools)
    return {"period": period, "score": score, "weights_used": weights_used,
            "skipped": _skipped_text(skipped, "en"),
            "bonus_share": share, "bonus": bonus, "explanation": text}


def _bonus_pools(contract: Contract, versions: Sequence[Contract]) -> list[tuple[float, float]]:
    """(bonus pool, monthly fee) of each paid month, from the version in force in it (a version
    without incentives or fee pays no bonus that month)."""
    if contract.incentives is None or contract.monthly_fee is None:
        return []
    return [(v.incentives.bonus_pool, v.monthly_fee) if v.incentives is not None and v.monthly_fee is not None
            else (0.0, 0.0) for v in versions]


def bonus_band(score: float, contract: Contract) -> tuple[float, float | None]:
    """(bonus share, at_least of the band reached): the highest band whose `at_least` the score
    reaches (inclusive), else (0, None). No score or no incentives clause: (0, None)."""
    if contract.incentives is None or _isnan(score):
        return 0.0, None
    for at_least, share in sorted(contract.incentives.bands, reverse=True):
        if score >= at_least - _EPS * max(1.0, abs(at_least)):
            return float(share), float(at_least)
    return 0.0, None


def _skipped_text(skipped: list[tuple[str, str]], lang: str) -> str:
    """'fcr (not_measurable), asa (no result)': the KPIs left out of the score and why."""
    return ", ".join(sentence(f"skipped.{why}", lang, kpi=kpi) for kpi, why in skipped)


def _score_sentence(period: str, score: float, used: dict[str, float], weights: dict[str, float],
                    skipped: str, lang: str) -> str:
    total = sum(weights.values())
    skipped_text = sentence("score.skipped", lang, kpis=skipped) if skipped else ""
    if not weights:
        return sentence("score.no_weights", lang, period=period)
    if not used:
        return sentence("score.none_scored", lang, period=period, skipped=skipped_text)
    return sentence("score.value", lang, period=period, score=numbers.number(score, 1, lang, group=False),
                    count=len(used), kpis=sentence("score.kpi_many" if len(used) > 1 else "score.kpi_one", lang),
                    used=explain.plain(sum(used.values()), lang), total=explain.plain(total, lang),
                    skipped=skipped_text)


def _bonus_sentence(contract: Contract, score: float, share: float, band: float | None, bonus: Decimal | float,
                    pools: Sequence[tuple[float, float]]) -> str:
    inc, lang = contract.incentives, contract.language
    if inc is None:
        return sentence("bonus.no_clause", lang)
    if contract.monthly_fee is None:
        return sentence("bonus.no_fee", lang)
    if _isnan(score):
        return sentence("bonus.no_score", lang)
    if band is None:
        lowest = min(at_least for at_least, _ in inc.bands) if inc.bands else math.nan
        return sentence("bonus.below", lang, lowest=explain.plain(lowest, lang))
    runs = [(terms, len(list(group))) for terms, group in itertools.groupby(pools)]

    def fee(monthly_fee: float, months: int) -> str:
        text = explain.money(monthly_fee, contract.currency, lang)
        return sentence("bonus.fee_months", lang, fee=text, months=months) if months > 1 else text
    values = {"band": explain.plain(band, lang), "share": explain.percent(share, lang),
              "bonus": explain.money(bonus, contract.currency, lang)}
    if len(runs) > 1:  # a span across an amendment of the fee or the pool: each version's months
        parts = " + ".join(f"{explain.percent(pool, lang)} x {fee(f, n)}" for (pool, f), n in runs)
        return sentence("bonus.reached_versions", lang, parts=parts, **values)
    (pool, monthly_fee), months = runs[0] if runs else ((inc.bonus_pool, contract.monthly_fee), 0)
    return sentence("bonus.reached", lang, pool=explain.percent(pool, lang), fee=fee(monthly_fee, months), **values)
