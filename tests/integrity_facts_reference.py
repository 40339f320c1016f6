"""The integrity facts as first written (commit 5565eea): groupbys over month and entity labels,
the backlog a mask per month end. Kept as the tests' reference for scorecard/integrity/facts.py,
which groups integer codes; the QA facts as at 0fac697, a groupby of the client's scores per grain."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scorecard.contract.model import Contract
from scorecard.integrity.facts import _entities  # unchanged by the rewrite
from scorecard.kpis.derive import InteractionRows
from scorecard.periods import local_months, month_start_utc, shift_month

GRAINS = ("vendor", "team_id", "agent_id")


def _easy_reasons(frame: pd.DataFrame) -> set[str]:
    """Reasons handled fastest over the whole data (the quickest third of reasons, by mean handle
    time): a mix shifting towards them makes speed look better with no one working better."""
    if "reason" not in frame or "handle_time_s" not in frame:
        return set()
    means = frame.groupby(frame["reason"].astype("string"))["handle_time_s"].mean().dropna().sort_values()
    return set(means.index[: len(means) // 3]) if len(means) >= 3 else set()


#: the interaction columns the facts read (a slim copy of these, never of the whole table)
READ = ("created_at", "channel", "handle_time_s", "transferred", "resolved_first_contact", "resolved", "csat",
        "reason", "team_id", "agent_id")


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


def interaction_facts(contract: Contract, rows: InteractionRows, short_s: float) -> pd.DataFrame:
    """One row per month x grain x entity: handled, aht, frt, short_share (voice), transfer_rate,
    survey_coverage, csat, fcr, resolved, easy_share (NaN where the data lacks the column)."""
    handled = rows.handled
    if handled is None or not rows.n:
        return pd.DataFrame()
    inter = rows.df.loc[handled, [c for c in READ if c in rows.df]]
    first = rows.first_response_at
    ht = inter["handle_time_s"] if "handle_time_s" in inter else pd.Series(np.nan, index=inter.index)
    voice = (inter["channel"].astype("string") == "voice").fillna(False)
    df = pd.DataFrame({"month": local_months(inter["created_at"], contract.timezone), "aht": ht,
                       "frt": (first[handled] - inter["created_at"]).dt.total_seconds() if first is not None
                       else np.nan, "short": (ht < short_s).where(voice & ht.notna()).astype("float64")},
                      index=inter.index)
    for fact, column in (("transfer_rate", "transferred"), ("fcr", "resolved_first_contact"), ("resolved", "resolved"),
                         ("csat", "csat")):
        df[fact] = inter[column].astype("float64") if column in inter else np.nan
    df["surveyed"] = df["csat"].notna().astype("float64") if "csat" in inter else np.nan
    easy = _easy_reasons(inter)
    df["easy"] = inter["reason"].astype("string").isin(easy).astype("float64") if easy else np.nan
    out = []
    for grain in GRAINS:
        # NA entities drop out of the groupby (dropna): no filtered copy of the frame per grain
        g = df.groupby([df["month"], _entities(inter, grain, contract).rename("entity")])
        facts = g.agg(handled=("month", "size"), aht=("aht", "mean"), frt=("frt", "mean"),
                      short_share=("short", "mean"), transfer_rate=("transfer_rate", "mean"),
                      survey_coverage=("surveyed", "mean"), csat=("csat", "mean"), fcr=("fcr", "mean"),
                      resolved=("resolved", "mean"),
                      easy_share=("easy", "mean")).reset_index()
        facts.insert(1, "grain", grain)
        out.append(facts)
    return pd.concat(out, ignore_index=True)


def backlog_facts(contract: Contract, rows: InteractionRows) -> pd.DataFrame:
    """Per month x grain x entity: backlog (async contacts open at the month's end, as the catalog's
    `backlog` counts them: created before the end, not resolved by it) and backlog_age, their mean
    age in seconds at that instant (old items piling up raise it even when the count holds)."""
    interactions = rows.df
    if "resolved_at" not in interactions or not len(interactions):
        return pd.DataFrame()
    df = interactions.loc[~rows.live, ["created_at", "resolved_at", *[g for g in GRAINS if g in interactions]]]
    created, resolved = df["created_at"], df["resolved_at"]
    months = sorted(local_months(interactions["created_at"].dropna(), contract.timezone).unique())
    out = []
    for month in months:
        end = month_start_utc(shift_month(month, 1), contract.timezone)
        open_at_end = (created < end) & ~(resolved < end).fillna(False)
        age = (end - created[open_at_end]).dt.total_seconds()
        for grain in GRAINS:
            entity = _entities(df.loc[open_at_end], grain, contract)
            g = age.groupby(entity.to_numpy(na_value=None), dropna=True).agg(["size", "mean"])
            out.append(pd.DataFrame({"month": month, "grain": grain, "entity": g.index.astype("string"),
                                     "backlog": g["size"].to_numpy(), "backlog_age": g["mean"].to_numpy()}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def monthly_facts(contract: Contract, tables: dict[str, pd.DataFrame], short_s: float) -> pd.DataFrame:
    """Interaction and QA facts side by side (month, grain, entity, ...), sorted by month."""
    inter = tables.get("interactions")
    qa = qa_facts(contract, tables.get("qa_evaluations"))
    rows = InteractionRows(inter, contract) if inter is not None else None
    facts = interaction_facts(contract, rows, short_s) if rows is not None else pd.DataFrame()
    keys = ["month", "grain", "entity"]
    if rows is None or facts.empty:
        return qa
    for more in (qa, backlog_facts(contract, rows)):
        if not more.empty:
            facts = facts.merge(more, on=keys, how="left")
    return facts.sort_values(keys, kind="stable").reset_index(drop=True)
