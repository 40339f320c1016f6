"""Monthly facts per vendor, team and agent that the integrity signals compare with their own past.

They are not contract KPIs (a contract rarely targets the share of 5-second calls or of surveyed
contacts), so they are measured here, with the KPI engine's conventions for "handled" and first
response (kpis/derive.py), from the clean tables of the evaluation's data set.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from ..contract.model import Contract
from ..kpis.derive import InteractionRows
from ..periods import Months, local_months, month_start_utc, shift_month
from .groups import Fine, Grain, exact, group_means, pandas_means, ratio

GRAINS = ("vendor", "team_id", "agent_id")
CHUNK = 1 << 20  # rows of a first-response time computed at once


def _entities(frame: pd.DataFrame, grain: str, contract: Contract) -> pd.Series:
    if grain == "vendor":
        return pd.Series(contract.vendor, index=frame.index, dtype="string")
    return frame[grain].astype("string") if grain in frame else pd.Series(pd.NA, index=frame.index, dtype="string")


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes of each row's value (-1 where missing) into the sorted distinct values as text: text or
    Categorical labels alike (a Categorical is factorized on its codes, its categories sorted as text)."""
    codes, uniques = pd.factorize(column)
    text = pd.Index(uniques).astype("string")
    order = np.argsort(text.to_numpy(dtype=object), kind="stable")
    rank = np.full(len(order) + 1, -1, dtype=np.int32)  # int32: 4 bytes a row; the last reads code -1
    rank[order] = np.arange(len(order))
    return rank[codes], pd.Index(text[order], dtype="string")


class Entities:
    """The codes every interaction fact groups by, made once for the facts and the backlog: the
    local months of creation, the fine bins (month x team x agent) that the sums are taken in (the
    grain columns' own codes are not kept past them) and the reason's codes into sorted labels."""

    def __init__(self, frame: pd.DataFrame, contract: Contract) -> None:
        self.frame, self.vendor = frame, contract.vendor
        self.months = Months(frame["created_at"], contract.timezone)
        self.known: dict[str, tuple[np.ndarray, pd.Index]] = {}
        self._fine: Fine | None = None

    def __call__(self, column: str) -> tuple[np.ndarray, pd.Index]:
        if column not in self.known:
            self.known[column] = _codes(self.frame[column])
        return self.known[column]

    @property
    def fine(self) -> Fine:
        if self._fine is None:
            columns = {g: _codes(self.frame[g]) for g in GRAINS[1:] if g in self.frame}  # only in the bins
            self._fine = Fine(self.months.codes, len(self.months.labels), columns)
        return self._fine

    def grains(self) -> Iterator[tuple[str, Grain | None, pd.Index]]:
        """(grain, its codes in the fine bins or None for the vendor, its labels) of each grain the
        data has (a grain column absent from the data has no entity)."""
        yield "vendor", None, pd.Index([self.vendor], dtype="string")
        for grain in GRAINS[1:]:
            if grain in self.fine.grains:
                yield grain, self.fine.grains[grain], self.fine.grains[grain].labels


#: the facts of one month x entity, each the mean of a per-row value (NaN where the data lacks it)
MEANS = ("aht", "frt", "short_share", "transfer_rate", "survey_coverage", "csat", "fcr", "resolved", "easy_share")

#: a fact's rows (handled, the value known) and values there (floats, or flags for a share)
Fact = tuple[np.ndarray, np.ndarray]


def _seconds(start: pd.Series, end: pd.Series) -> np.ndarray:
    """(end - start).dt.total_seconds(), CHUNK rows at a time: its whole and fractional parts would
    be four float columns of the whole table at once (160 MB at 5 M rows)."""
    out = np.empty(len(end))
    for lo in range(0, len(end), CHUNK):
        out[lo:lo + CHUNK] = (end.iloc[lo:lo + CHUNK] - start.iloc[lo:lo + CHUNK]).dt.total_seconds().to_numpy()
    return out


def _easy_reasons(ht: np.ndarray, handled: np.ndarray, reason: np.ndarray, labels: pd.Index) -> np.ndarray | None:
    """Whether each row's reason is among those handled fastest over the whole data (the quickest
    third of reasons, by mean handle time): a mix shifting towards them makes speed look better
    with no one working better. None with fewer than three reasons timed."""
    at = np.flatnonzero(handled)
    means = pd.Series(group_means(reason[at], ht[at], len(labels)), index=labels).dropna().sort_values()
    if len(means) < 3:
        return None
    return np.append(labels.isin(means.index[: len(means) // 3]), False)[reason]  # code -1 reads the False


def _row_facts(rows: InteractionRows, handled: np.ndarray, short_s: float,
               entities: Entities) -> Iterator[tuple[str, Fact | None]]:
    """Each fact of MEANS with its rows and values (None where the data lacks it), one at a time (no
    block of per-row facts: one column of floats alive at once)."""
    df = rows.df

    def floats(name: str) -> Fact | None:
        if name not in df:
            return None
        values = df[name].to_numpy(dtype="float64", na_value=np.nan)
        return handled & ~np.isnan(values), values

    ht = df["handle_time_s"].to_numpy(dtype="float64", na_value=np.nan) if "handle_time_s" in df else None
    yield "aht", floats("handle_time_s")
    first = rows.first_response_at
    if first is None:
        yield "frt", None
    else:
        frt = _seconds(df["created_at"], first)
        yield "frt", (handled & ~np.isnan(frt), frt)
        del frt
    voice = rows.channel_in(["voice"])
    yield "short_share", None if ht is None else (handled & voice & ~np.isnan(ht), ht < short_s)
    yield "transfer_rate", floats("transferred")
    if "csat" in df:
        csat = df["csat"].to_numpy(dtype="float64", na_value=np.nan)
        yield "survey_coverage", (handled, ~np.isnan(csat))
        yield "csat", (handled & ~np.isnan(csat), csat)
    else:
        yield "survey_coverage", None
        yield "csat", None
    yield "fcr", floats("resolved_first_contact")
    yield "resolved", floats("resolved")
    easy = None
    if "reason" in df and ht is not None:
        easy = _easy_reasons(ht, handled, *entities("reason"))
    yield "easy_share", None if easy is None else (handled, easy)


#: a grain as the facts group it: name, each fine bin's (month x entity) key, how many keys, labels
Keyed = tuple[str, np.ndarray, int, pd.Index]


def _means(fine: Fine, fact: Fact, handled: np.ndarray, grains: list[Keyed]) -> list[np.ndarray]:
    """A fact's mean at each grain's (month x entity) keys: exact sums through the fine bins, else
    pandas' groupby mean of the handled rows at each grain."""
    rows, values = fact
    key, known = fine.key[rows], values[rows]
    if known.dtype == bool or exact(known):
        counts = fine.bins(key)
        sums = fine.bins(key[known]) if known.dtype == bool else fine.bins(key, known)
        return [ratio(fine.per_grain(sums, keys, size), fine.per_grain(counts, keys, size))
                for _, keys, size, _ in grains]
    at = np.flatnonzero(handled)
    return [pandas_means(keys[fine.key[at]], np.where(rows, values, np.nan)[at], size) for _, keys, size, _ in grains]


def interaction_facts(contract: Contract, rows: InteractionRows, short_s: float,
                      entities: Entities | None = None) -> pd.DataFrame:
    """One row per month x grain x entity: handled, aht, frt, short_share (voice), transfer_rate,
    survey_coverage, csat, fcr, resolved, easy_share (NaN where the data lacks the column).
    Each fact is summed once per row into the fine bins, then per grain from the bins."""
    handled = rows.handled
    if handled is None or not rows.n:
        return pd.DataFrame()
    entities = entities or Entities(rows.df, contract)
    fine, months = entities.fine, np.asarray(entities.months.labels, dtype=object)
    grains = [(name, fine.keys(grain), len(months) * max(len(labels), 1), labels)
              for name, grain, labels in entities.grains()]
    count = fine.bins(fine.key[handled])
    facts = {"handled": [fine.per_grain(count, keys, size) for _, keys, size, _ in grains]}
    for fact, given in _row_facts(rows, handled, short_s, entities):
        facts[fact] = ([np.full(size, np.nan) for _, _, size, _ in grains] if given is None
                       else _means(fine, given, handled, grains))
    out = []
    for i, (name, _, _, labels) in enumerate(grains):
        at = np.flatnonzero(facts["handled"][i] > 0)
        width = max(len(labels), 1)
        out.append(pd.DataFrame({
            "month": pd.Series(months[at // width], dtype="string"), "grain": name,
            "entity": pd.Series(labels[at % width], dtype="string"),
            "handled": pd.array(facts["handled"][i][at].astype("int64"), dtype="Int64"),
            **{fact: facts[fact][i][at] for fact in MEANS}}))
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


def backlog_facts(contract: Contract, rows: InteractionRows, entities: Entities | None = None) -> pd.DataFrame:
    """Per month x grain x entity: backlog (async contacts open at the month's end, as the catalog's
    `backlog` counts them: created before the end, not resolved by it) and backlog_age, their mean
    age in seconds at that instant (old items piling up raise it even when the count holds).
    Month by month on the async rows: a rewrite that listed each (item, month end) pair once summed
    a group's ages in another order (a mean 1 ulp away, found by the facts' hypothesis test)."""
    interactions = rows.df
    if "resolved_at" not in interactions or not len(interactions):
        return pd.DataFrame()
    entities = entities or Entities(interactions, contract)
    fine, months = entities.fine, entities.months
    later = np.flatnonzero(~rows.live)  # the async rows
    created, resolved = interactions["created_at"].iloc[later], interactions["resolved_at"].iloc[later]
    grains = [(name, fine.keys(grain, by_month=False), labels) for name, grain, labels in entities.grains()]
    out = []
    for month in [months.labels[c] for c in np.unique(months.codes) if c >= 0]:  # months with a contact
        end = month_start_utc(shift_month(month, 1), contract.timezone)
        at = np.flatnonzero((created < end).to_numpy() & ~(resolved < end).to_numpy())
        age = (end - created.iloc[at]).dt.total_seconds().to_numpy()
        bins = fine.key[later[at]]
        counts = fine.bins(bins)
        totals = fine.bins(bins, age) if exact(age) else None
        for grain, keys, labels in grains:
            size = max(len(labels), 1)
            count = fine.per_grain(counts, keys, size)
            if totals is not None:
                mean = ratio(fine.per_grain(totals, keys, size), count)
            else:
                mean = pandas_means(keys[bins], age, size)
            found = np.flatnonzero(count > 0)
            out.append(pd.DataFrame({"month": month, "grain": grain, "entity": pd.Series(labels[found], dtype="string"),
                                     "backlog": count[found].astype("int64"), "backlog_age": mean[found]}))
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
    for more in (qa, backlog_facts(contract, rows, entities)):
        if not more.empty:
            facts = facts.merge(more, on=keys, how="left")
    return facts.sort_values(keys, kind="stable").reset_index(drop=True)
