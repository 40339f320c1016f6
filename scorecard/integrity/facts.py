"""Monthly facts per vendor, team and agent that the integrity signals compare with their own past.

They are not contract KPIs (a contract rarely targets the share of 5-second calls or of surveyed
contacts), so they are measured here, with the KPI engine's conventions for "handled" and first
response (kpis/derive.py), from the clean tables of the evaluation's data set.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from ..contract.model import Contract
from ..kpis.derive import InteractionRows
from ..periods import Months, local_months, month_start_utc, shift_month

GRAINS = ("vendor", "team_id", "agent_id")


def _entities(frame: pd.DataFrame, grain: str, contract: Contract) -> pd.Series:
    if grain == "vendor":
        return pd.Series(contract.vendor, index=frame.index, dtype="string")
    return frame[grain].astype("string") if grain in frame else pd.Series(pd.NA, index=frame.index, dtype="string")


def _codes(column: pd.Series | None, n: int) -> tuple[np.ndarray, pd.Index]:
    """Codes of each row's value (-1 where missing) and the sorted distinct values they point to."""
    if column is None:
        return np.full(n, -1), pd.Index([], dtype="string")
    codes, uniques = pd.factorize(column.astype("string"), sort=True)
    return codes, pd.Index(uniques, dtype="string")


class Entities:
    """Each grain's entity of every interaction as a code into sorted labels (-1 when missing),
    factorized once for the facts and the backlog."""

    def __init__(self, frame: pd.DataFrame, contract: Contract) -> None:
        self.frame, self.vendor = frame, contract.vendor
        self.known: dict[str, tuple[np.ndarray, pd.Index]] = {}

    def __call__(self, grain: str) -> tuple[np.ndarray, pd.Index]:
        if grain == "vendor":
            return np.zeros(len(self.frame), dtype="int64"), pd.Index([self.vendor], dtype="string")
        if grain not in self.known:
            self.known[grain] = _codes(self.frame[grain] if grain in self.frame else None, len(self.frame))
        return self.known[grain]


def _per_entity(values: pd.DataFrame | pd.Series, month: np.ndarray, months: list[str], entity: np.ndarray,
                labels: pd.Index, how: Callable) -> pd.DataFrame:
    """`how(groupby)` of `values` grouped by each row's month and entity codes, one integer key
    (rows without either share the key -1, dropped after: no filtered copy of the rows), with the
    month and entity labels in front."""
    width = max(len(labels), 1)
    grouped = how(values.groupby(np.where((month >= 0) & (entity >= 0), month * width + entity, -1)))
    grouped = grouped[grouped.index >= 0]
    key = grouped.index.to_numpy()
    return pd.concat([pd.DataFrame({"month": pd.Series(np.asarray(months, dtype=object)[key // width], dtype="string"),
                                    "entity": pd.Series(labels[key % width], dtype="string")}),
                      grouped.reset_index(drop=True)], axis=1)


def _easy_reasons(ht: np.ndarray, reason: np.ndarray, labels: pd.Index) -> np.ndarray | None:
    """Whether each row's reason is among those handled fastest over the whole data (the quickest
    third of reasons, by mean handle time): a mix shifting towards them makes speed look better
    with no one working better. None with fewer than three reasons timed."""
    known = reason >= 0
    means = pd.Series(ht[known]).groupby(reason[known]).mean()
    means = pd.Series(means.to_numpy(), index=labels[means.index]).dropna().sort_values()
    if len(means) < 3:
        return None
    return np.append(labels.isin(means.index[: len(means) // 3]), False)[reason]  # code -1 reads the False


#: the facts of one month x entity, each the mean of a per-row column (NaN where the data lacks it)
MEANS = ("aht", "frt", "short_share", "transfer_rate", "survey_coverage", "csat", "fcr", "resolved", "easy_share")


def _per_row(rows: InteractionRows, at: np.ndarray, short_s: float) -> pd.DataFrame:
    """The per-row columns behind MEANS at the handled rows `at`, as float64 (NaN = unknown), in
    one block (a groupby then averages them all in one pass)."""
    df, n = rows.df, len(at)
    block = np.full((len(MEANS), n), np.nan)
    column = dict(zip(MEANS, block, strict=True))

    def floats(name: str, fact: str) -> np.ndarray:
        if name in df:
            column[fact][:] = df[name].to_numpy(dtype="float64", na_value=np.nan)[at]
        return column[fact]

    for name, fact in (("transferred", "transfer_rate"), ("resolved_first_contact", "fcr"), ("resolved", "resolved")):
        floats(name, fact)
    ht, csat = floats("handle_time_s", "aht"), floats("csat", "csat")
    voice = (df["channel"].astype("string") == "voice").fillna(False).to_numpy(dtype=bool)[at]
    column["short_share"][:] = np.where(voice & ~np.isnan(ht), ht < short_s, np.nan)
    if "csat" in df:
        column["survey_coverage"][:] = ~np.isnan(csat)
    first = rows.first_response_at
    if first is not None:
        column["frt"][:] = (first.iloc[at] - df["created_at"].iloc[at]).dt.total_seconds().to_numpy()
    if "reason" in df and "handle_time_s" in df:
        codes, labels = _codes(df["reason"], len(df))
        easy = _easy_reasons(ht, codes[at], labels)
        if easy is not None:
            column["easy_share"][:] = easy
    return pd.DataFrame(block.T, columns=list(MEANS), copy=False)


def interaction_facts(contract: Contract, rows: InteractionRows, short_s: float,
                      entities: Entities | None = None) -> pd.DataFrame:
    """One row per month x grain x entity: handled, aht, frt, short_share (voice), transfer_rate,
    survey_coverage, csat, fcr, resolved, easy_share (NaN where the data lacks the column).
    Each grain is one groupby over integer codes (month x entity) of the per-row columns."""
    handled = rows.handled
    if handled is None or not rows.n:
        return pd.DataFrame()
    entities = entities or Entities(rows.df, contract)
    at = np.flatnonzero(handled)
    months = Months(rows.df["created_at"].iloc[at], contract.timezone)
    per_row = _per_row(rows, at, short_s)
    out = []
    for grain in GRAINS:
        codes, labels = entities(grain)
        facts = _per_entity(per_row, months.codes, months.labels, codes[at], labels,
                            lambda g: g.mean().assign(handled=g.size().astype("Int64")))
        facts.insert(1, "grain", grain)
        out.append(facts[["month", "grain", "entity", "handled", *MEANS]])
    return pd.concat(out, ignore_index=True)


def qa_facts(contract: Contract, qa: pd.DataFrame | None) -> pd.DataFrame:
    """Per month x grain x entity: qa (vendor-side mean score) and qa_gap, the mean of vendor minus
    client scores of the same interactions (the client's audit), with pairs = how many such pairs."""
    if qa is None or not len(qa) or "score" not in qa:
        return pd.DataFrame()
    df = qa.copy()
    df["month"] = local_months(df["evaluated_at"], contract.timezone)
    side = df["evaluator_side"].astype("string").str.lower() if "evaluator_side" in df else None
    vendor = df if side is None else df[(side != "client").fillna(True)]
    out = []
    for grain in GRAINS:
        v = vendor.assign(entity=_entities(vendor, grain, contract))
        facts = v[v["entity"].notna()].groupby(["month", "entity"]).agg(qa=("score", "mean"))
        if side is not None:
            client = df[(side == "client").fillna(False)].groupby("interaction_id")["score"].mean()
            paired = v[v["interaction_id"].isin(client.index)]
            paired = paired.assign(gap=paired["score"] - paired["interaction_id"].map(client).astype("float64"))
            gaps = paired[paired["entity"].notna()].groupby(["month", "entity"]).agg(
                qa_gap=("gap", "mean"), pairs=("gap", "size"))
            facts = facts.join(gaps, how="outer")
        facts = facts.reset_index()
        facts.insert(1, "grain", grain)
        out.append(facts)
    return pd.concat(out, ignore_index=True)


def backlog_facts(contract: Contract, rows: InteractionRows) -> pd.DataFrame:
    """Per month x grain x entity: backlog (async contacts open at the month's end, as the catalog's
    `backlog` counts them: created before the end, not resolved by it) and backlog_age, their mean
    age in seconds at that instant (old items piling up raise it even when the count holds).
    Month by month on the async rows: a rewrite that listed each (item, month end) pair once summed
    a group's ages in another order (a mean 1 ulp away, found by the facts' hypothesis test)."""
    interactions = rows.df
    if "resolved_at" not in interactions or not len(interactions):
        return pd.DataFrame()
    df = interactions.loc[~rows.live, ["created_at", "resolved_at", *[g for g in GRAINS if g in interactions]]]
    created, resolved = df["created_at"], df["resolved_at"]
    months = Months(interactions["created_at"], contract.timezone)
    out = []
    for month in [months.labels[c] for c in np.unique(months.codes) if c >= 0]:  # months with a contact
        end = month_start_utc(shift_month(month, 1), contract.timezone)
        open_at_end = (created < end) & ~(resolved < end).fillna(False)
        age = (end - created[open_at_end]).dt.total_seconds()
        for grain in GRAINS:
            entity = _entities(df.loc[open_at_end], grain, contract)
            g = age.groupby(entity.to_numpy(na_value=None), dropna=True).agg(["size", "mean"])
            out.append(pd.DataFrame({"month": month, "grain": grain, "entity": g.index.astype("string"),
                                     "backlog": g["size"].to_numpy(), "backlog_age": g["mean"].to_numpy()}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def _derived(inter: pd.DataFrame, contract: Contract, given: InteractionRows | None) -> InteractionRows:
    """`given` (the KPI engine's rows: derived once per evaluation) when it derives this very table
    with the same live channels, the one part of a contract the facts' rows depend on (a later
    contract version may change them); else the rows derived here."""
    if given is not None and given.df is inter and set(given.contract.live_channels) == set(contract.live_channels):
        return given
    return InteractionRows(inter, contract)


def monthly_facts(contract: Contract, tables: dict[str, pd.DataFrame], short_s: float,
                  rows: InteractionRows | None = None) -> pd.DataFrame:
    """Interaction and QA facts side by side (month, grain, entity, ...), sorted by month.
    `rows`: the interactions' derived rows if already built (see _derived)."""
    inter = tables.get("interactions")
    qa = qa_facts(contract, tables.get("qa_evaluations"))
    rows = _derived(inter, contract, rows) if inter is not None else None
    entities = Entities(inter, contract) if inter is not None else None
    facts = interaction_facts(contract, rows, short_s, entities) if rows is not None else pd.DataFrame()
    keys = ["month", "grain", "entity"]
    if rows is None or facts.empty:
        return qa
    for more in (qa, backlog_facts(contract, rows)):
        if not more.empty:
            facts = facts.merge(more, on=keys, how="left")
    return facts.sort_values(keys, kind="stable").reset_index(drop=True)
