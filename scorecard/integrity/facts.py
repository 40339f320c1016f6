"""Monthly facts per vendor, team and agent that the integrity signals compare with their own past.

They are not contract KPIs (a contract rarely targets the share of 5-second calls or of surveyed
contacts), so they are measured here, with the KPI engine's conventions for "handled" and first
response (kpis/derive.py), from the clean tables of the evaluation's data set.
"""

from __future__ import annotations

from typing import Callable, Iterator

import numpy as np
import pandas as pd

from ..contract.model import Contract
from ..kpis.derive import InteractionRows
from ..periods import local_months, month_start_utc, shift_month
from .chunks import codes, month_codes, spans, where
from .groups import Fine, Grain, exact, exact_sums, pandas_means, ratio

GRAINS = ("vendor", "team_id", "agent_id")


def _entities(frame: pd.DataFrame, grain: str, contract: Contract) -> pd.Series:
    if grain == "vendor":
        return pd.Series(contract.vendor, index=frame.index, dtype="string")
    return frame[grain].astype("string") if grain in frame else pd.Series(pd.NA, index=frame.index, dtype="string")


class Entities:
    """The codes every interaction fact groups by, made once for the facts and the backlog: the
    local months of creation (int16) and the fine bins (month x team x agent) that the sums are
    taken in (the grain columns' own codes are not kept past them)."""

    def __init__(self, frame: pd.DataFrame, contract: Contract) -> None:
        self.frame, self.vendor = frame, contract.vendor
        self.month, self.labels = month_codes(frame["created_at"], contract.timezone)
        self._fine: Fine | None = None

    @property
    def fine(self) -> Fine:
        if self._fine is None:
            columns = {g: codes(self.frame[g]) for g in GRAINS[1:] if g in self.frame}  # only in the bins
            self._fine = Fine(self.month, len(self.labels), columns)
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

#: a fact over a span of rows: its rows there (handled, the value known) and values (floats, or
#: flags for a share), made a chunk at a time (one float column of the table is 40 MB at 5 M rows)
Fact = Callable[[slice], tuple[np.ndarray, np.ndarray]]


def _floats(column: pd.Series) -> Callable[[slice], np.ndarray]:
    return lambda rows: column.iloc[rows].to_numpy(dtype="float64", na_value=np.nan)


def _known(handled: np.ndarray, values: Callable[[slice], np.ndarray], also: np.ndarray | None = None,
           flag: Callable[[np.ndarray], np.ndarray] | None = None) -> Fact:
    """The fact of the handled rows (and `also`) whose value is known: the values, or their `flag`."""
    def fact(at: slice) -> tuple[np.ndarray, np.ndarray]:
        v = values(at)
        rows = handled[at] & ~np.isnan(v) if also is None else handled[at] & also[at] & ~np.isnan(v)
        return rows, v if flag is None else flag(v)
    return fact


def _easy_reasons(ht: Callable[[slice], np.ndarray], handled: np.ndarray, column: pd.Series) -> np.ndarray | None:
    """Whether each row's reason is among those handled fastest over the whole data (the quickest
    third of reasons, by mean handle time): a mix shifting towards them makes speed look better
    with no one working better. None with fewer than three reasons timed."""
    reason, labels = codes(column)

    def timed() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for rows in spans(len(reason)):
            yield reason[rows][handled[rows]], ht(rows)[handled[rows]]

    known = ((key[key >= 0], values[key >= 0]) for key, values in timed())
    found = exact_sums(((key[~np.isnan(v)], v[~np.isnan(v)]) for key, v in known), len(labels))
    if found is None:
        key, values = (np.concatenate(x) for x in zip(*timed(), strict=True))
        by_reason = pandas_means(key, values, len(labels))
    else:
        by_reason = ratio(found[1], found[0])
    means = pd.Series(by_reason, index=labels).dropna().sort_values()
    if len(means) < 3:
        return None
    easy = np.append(labels.isin(means.index[: len(means) // 3]), False)  # code -1 reads the False
    return np.concatenate([easy[reason[rows]] for rows in spans(len(reason))])


def _row_facts(rows: InteractionRows, handled: np.ndarray, short_s: float) -> Iterator[tuple[str, Fact | None]]:
    """Each fact of MEANS (None where the data lacks it), one at a time, each made a chunk of rows
    at a time when summed: no per-row column of floats is kept."""
    df = rows.df

    def floats(name: str) -> Fact | None:
        return _known(handled, _floats(df[name])) if name in df else None

    yield "aht", floats("handle_time_s")
    created = df["created_at"]
    first = rows.first_response_of(slice(0, 0))  # None when the data has no first response
    yield "frt", None if first is None else _known(
        handled, lambda at: (rows.first_response_of(at) - created.iloc[at]).dt.total_seconds().to_numpy())
    ht = _floats(df["handle_time_s"]) if "handle_time_s" in df else None
    yield "short_share", None if ht is None else _known(handled, ht, rows.channel_in(["voice"]),
                                                        lambda v: v < short_s)
    yield "transfer_rate", floats("transferred")
    csat = _floats(df["csat"]) if "csat" in df else None
    yield "survey_coverage", None if csat is None else (lambda at: (handled[at], ~np.isnan(csat(at))))
    yield "csat", floats("csat")
    yield "fcr", floats("resolved_first_contact")
    yield "resolved", floats("resolved")
    easy = None if "reason" not in df or ht is None else _easy_reasons(ht, handled, df["reason"])
    yield "easy_share", None if easy is None else (lambda at: (handled[at], easy[at]))


#: a grain as the facts group it: name, each fine bin's (month x entity) key, how many keys, labels
Keyed = tuple[str, np.ndarray, int, pd.Index]


def _means(fine: Fine, fact: Fact, handled: np.ndarray, grains: list[Keyed]) -> list[np.ndarray]:
    """A fact's mean at each grain's (month x entity) keys: exact sums through the fine bins, else
    pandas' groupby mean of the handled rows at each grain (NaN where the fact is unknown)."""
    def parts() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for at in spans(len(handled)):
            rows, values = fact(at)
            yield fine.key[at][rows], values[rows]

    found = exact_sums(parts(), fine.size)
    if found is not None:
        counts, sums = found
        return [ratio(fine.per_grain(sums, keys, size), fine.per_grain(counts, keys, size))
                for _, keys, size, _ in grains]

    def handled_rows() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for at in spans(len(handled)):
            rows, values = fact(at)
            yield fine.key[at][handled[at]], np.where(rows, values, np.nan)[handled[at]]

    bins, values = (np.concatenate(x) for x in zip(*handled_rows(), strict=True))
    return [pandas_means(keys[bins], values, size) for _, keys, size, _ in grains]


def interaction_facts(contract: Contract, rows: InteractionRows, short_s: float,
                      entities: Entities | None = None) -> pd.DataFrame:
    """One row per month x grain x entity: handled, aht, frt, short_share (voice), transfer_rate,
    survey_coverage, csat, fcr, resolved, easy_share (NaN where the data lacks the column).
    Each fact is summed once per row into the fine bins, then per grain from the bins."""
    handled = rows.handled
    if handled is None or not rows.n:
        return pd.DataFrame()
    entities = entities or Entities(rows.df, contract)
    fine, months = entities.fine, np.asarray(entities.labels, dtype=object)
    grains = [(name, fine.keys(grain), len(months) * max(len(labels), 1), labels)
              for name, grain, labels in entities.grains()]
    count = fine.count(handled)
    facts = {"handled": [fine.per_grain(count, keys, size) for _, keys, size, _ in grains]}
    for fact, given in _row_facts(rows, handled, short_s):
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
    if side is not None:  # the vendor's rows with a client score and their gaps, the same at every grain
        client = df[(side == "client").fillna(False)].groupby("interaction_id")["score"].mean()
        audited = vendor[vendor["interaction_id"].isin(client.index)]
        audited = audited.assign(gap=audited["score"] - audited["interaction_id"].map(client).astype("float64"))
    out = []
    for grain in GRAINS:
        v = vendor.assign(entity=_entities(vendor, grain, contract))
        facts = v[v["entity"].notna()].groupby(["month", "entity"]).agg(qa=("score", "mean"))
        if side is not None:
            paired = audited.assign(entity=_entities(audited, grain, contract))
            gaps = paired[paired["entity"].notna()].groupby(["month", "entity"]).agg(
                qa_gap=("gap", "mean"), pairs=("gap", "size"))
            facts = facts.join(gaps, how="outer")
        facts = facts.reset_index()
        facts.insert(1, "grain", grain)
        out.append(facts)
    return pd.concat(out, ignore_index=True)


def _month_ends_before(ts: pd.Series, ends: np.ndarray) -> np.ndarray:
    """How many of the month ends `ends` (UTC ns, rising) each instant reaches (`ts >= end`), len(ends)
    for NaT (which is before no end and after none): `ts < ends[m]` exactly for m >= the count."""
    ns = ts.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT")).astype("int64")
    return np.where(ts.isna().to_numpy(), len(ends), np.searchsorted(ends, ns, side="right"))


def backlog_facts(contract: Contract, rows: InteractionRows, entities: Entities | None = None) -> pd.DataFrame:
    """Per month x grain x entity: backlog (async contacts open at the month's end, as the catalog's
    `backlog` counts them: created before the end, not resolved by it) and backlog_age, their mean
    age in seconds at that instant (old items piling up raise it even when the count holds).
    Month by month on the async rows: a rewrite that listed each (item, month end) pair once summed
    a group's ages in another order (a mean 1 ulp away, found by the facts' hypothesis test). An
    item is open at the ends from its creation month's to before the end its resolution reaches,
    found on int16 codes of the async rows rather than on copies of their timestamps."""
    interactions = rows.df
    if "resolved_at" not in interactions or not len(interactions):
        return pd.DataFrame()
    entities = entities or Entities(interactions, contract)
    fine, labels = entities.fine, entities.labels
    ends = [month_start_utc(shift_month(m, 1), contract.timezone) for m in labels]
    reached = np.array([end.value for end in ends], dtype="int64")
    later = where(~rows.live)  # the async rows
    created, resolved = interactions["created_at"], interactions["resolved_at"]
    opened = entities.month[later]
    opened[opened < 0] = len(labels)  # no creation month: open at no end
    closed = np.concatenate([_month_ends_before(resolved.iloc[later[at]], reached).astype(opened.dtype)
                             for at in spans(len(later))] or [opened[:0]])
    grains = [(name, fine.keys(grain, by_month=False), labels) for name, grain, labels in entities.grains()]
    contact = np.zeros(len(labels) + 1, dtype="int64")
    for at in spans(len(entities.month)):
        contact += np.bincount(entities.month[at] + 1, minlength=len(labels) + 1)
    out = []
    for code in np.flatnonzero(contact[1:]):  # months with a contact
        at = later[(opened <= code) & (code < closed)]
        age = (ends[code] - created.iloc[at]).dt.total_seconds().to_numpy()
        bins = fine.key[at]
        counts = fine.bins(bins)
        totals = fine.bins(bins, age) if exact(age) else None
        for grain, keys, names in grains:
            size = max(len(names), 1)
            count = fine.per_grain(counts, keys, size)
            if totals is not None:
                mean = ratio(fine.per_grain(totals, keys, size), count)
            else:
                mean = pandas_means(keys[bins], age, size)
            found = np.flatnonzero(count > 0)
            out.append(pd.DataFrame({"month": labels[code], "grain": grain,
                                     "entity": pd.Series(names[found], dtype="string"),
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
