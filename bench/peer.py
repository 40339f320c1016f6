"""The benchmark's peer: one hand-written DuckDB query for the core KPIs, and the check that its
values equal scorecard's.

The query is what a competent analyst would write by hand for the sketch contract
(contracts/acme-travel-nordlys.yaml): offered, voice service level (20 s, short abandons under 5 s
left out), ASA, abandonment, AHT over handled contacts, CSAT (4-5 of 5) and first-contact
resolution with a 7-day repeat window, per local month (Europe/Paris) and every grain, in one scan.
It mirrors the conventions of KPIS.md as scorecard reads them (live channels, the abandon flag
completed from answered_at, the first-response fallback, "handled"), so that comparing the two is a
check of scorecard, and timing the two is a fair ratio.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

TIMEZONE = "Europe/Paris"
LIVE = ("voice", "chat", "messaging")  # DEFAULT_LIVE_CHANNELS: the sketch contract sets none
GRAINS = ("site", "team_id", "agent_id", "channel", "reason")
WINDOW_NS = 7 * 86400 * 10**9
# KPI id in the sketch contract -> (numerator, denominator, rows) columns of the query. A group
# exists where the KPI has a row (scorecard's Measure.base): voice rows, answered voice rows, ...
KPIS = {"service_level_voice": ("sl_num", "sl_den", "voice_rows"),
        "asa_voice": ("asa_sum", "asa_n", "asa_rows"),
        "abandonment_voice": ("ab_num", "offered", "voice_rows"),
        "aht": ("aht_sum", "aht_n", "handled_rows"),
        "csat": ("csat_num", "csat_n", "rows"), "fcr": ("fcr_num", "fcr_n", "rows")}

_FACTS = f"""
WITH src AS (
  SELECT *, coalesce(lower(channel), '') AS ch,
         coalesce(lower(channel), '') IN {LIVE} AS live,
         epoch_ns(created_at) AS t_ns,
         year(timezone('{TIMEZONE}', created_at)) * 100 + month(timezone('{TIMEZONE}', created_at)) AS month_key
  FROM read_parquet($path)
), flags AS (
  SELECT *,
    live AND coalesce(abandoned, answered_at IS NULL) AS ab,
    answered_at IS NOT NULL AND NOT coalesce(abandoned, false) AS answered,
    coalesce(first_response_at, CASE WHEN live THEN answered_at END) AS first_at,
    epoch_ns(answered_at) / 1e9 - epoch_ns(created_at) / 1e9 AS wait_s,
    epoch_ns(abandoned_at) / 1e9 - epoch_ns(created_at) / 1e9 AS ab_wait_s,
    CASE WHEN reason IS NULL THEN
      count(*) OVER (PARTITION BY customer_id ORDER BY t_ns RANGE BETWEEN 1 FOLLOWING AND {WINDOW_NS} FOLLOWING)
    ELSE
      count(*) OVER (PARTITION BY customer_id, reason ORDER BY t_ns RANGE BETWEEN 1 FOLLOWING AND {WINDOW_NS} FOLLOWING)
      + count(*) FILTER (WHERE reason IS NULL) OVER (PARTITION BY customer_id ORDER BY t_ns
                                                     RANGE BETWEEN 1 FOLLOWING AND {WINDOW_NS} FOLLOWING)
    END > 0 AND customer_id IS NOT NULL AS repeated,
    customer_id IS NOT NULL AND t_ns + {WINDOW_NS} > max(t_ns) OVER () AS window_open
  FROM src
), facts AS (
  SELECT *,
    ch = 'voice' AND live AS voice_offered,
    ab AND ab_wait_s < 5 AS short,
    (live AND answered) OR (NOT live AND ch <> 'self_service' AND first_at IS NOT NULL) AS handled
  FROM flags
)"""

_SETS = ", ".join(["(month_key)"] + [f"(month_key, {g})" for g in GRAINS])
_GRAIN = " ".join(f"WHEN grouping({g}) = 0 THEN '{g}'" for g in GRAINS)
_ENTITY = " ".join(f"WHEN grouping({g}) = 0 THEN {g}::VARCHAR" for g in GRAINS)

QUERY = _FACTS + f"""
SELECT month_key,
  CASE {_GRAIN} ELSE 'vendor' END AS grain,
  CASE {_ENTITY} ELSE NULL END AS entity,
  count(*) FILTER (WHERE voice_offered AND NOT short) AS offered,
  count(*) FILTER (WHERE voice_offered AND ab AND NOT short) AS ab_num,
  count(*) FILTER (WHERE voice_offered AND NOT short) AS sl_den,
  count(*) FILTER (WHERE voice_offered AND answered AND wait_s <= 20) AS sl_num,
  sum(wait_s) FILTER (WHERE ch = 'voice' AND answered) AS asa_sum,
  count(wait_s) FILTER (WHERE ch = 'voice' AND answered) AS asa_n,
  sum(handle_time_s::DOUBLE) FILTER (WHERE handled) AS aht_sum,
  count(handle_time_s) FILTER (WHERE handled) AS aht_n,
  count(*) FILTER (WHERE csat IN (4, 5)) AS csat_num,
  count(csat) AS csat_n,
  count(*) FILTER (WHERE handled AND customer_id IS NOT NULL AND NOT repeated) AS fcr_num,
  count(*) FILTER (WHERE handled AND customer_id IS NOT NULL) AS fcr_n,
  bool_or(handled AND window_open) AS fcr_provisional,
  count(*) FILTER (WHERE ch = 'voice') AS voice_rows,
  count(*) FILTER (WHERE ch = 'voice' AND answered) AS asa_rows,
  count(*) FILTER (WHERE handled) AS handled_rows,
  count(*) AS rows
FROM facts
GROUP BY GROUPING SETS ({_SETS})
"""


def run_peer(parquet: Path, threads: int | None = None) -> pd.DataFrame:
    """The peer's cells in scorecard's long shape: period, kpi, grain, entity, value, n, provisional."""
    import duckdb
    con = duckdb.connect(config={"threads": threads} if threads else {})
    wide = con.execute(QUERY, {"path": str(parquet)}).df()
    wide = wide[(wide["grain"] == "vendor") | wide["entity"].notna()]  # a missing entity belongs nowhere
    wide["period"] = [f"{k // 100:04d}-{k % 100:02d}" for k in wide["month_key"].astype(int)]
    frames = []
    for kpi, (num, den, rows) in KPIS.items():
        part = wide[wide[rows] > 0]
        d = part[den].astype("float64")
        value = (part[num].astype("float64") / d.where(d > 0))
        frames.append(pd.DataFrame({
            "period": part["period"], "kpi": kpi, "grain": part["grain"],
            "entity": part["entity"].fillna(""), "value": value, "n": part[den].astype("int64"),
            "provisional": part["fcr_provisional"].fillna(False) if kpi == "fcr" else False}))
    return pd.concat(frames, ignore_index=True)


def read_results(path: Path) -> pd.DataFrame:
    """A results.csv with entities as text and empty values as NaN."""
    return pd.read_csv(path, dtype={"entity": str, "period": str}, keep_default_na=False, na_values={"value": [""]})


def value_diff(a: pd.Series, b: pd.Series) -> tuple[int, float]:
    """(cells bit-identical, largest relative difference) of two aligned value columns (NaN = NaN)."""
    a, b = a.astype("float64"), b.astype("float64")
    same_nan = a.isna() & b.isna()
    rel = ((a - b).abs() / b.abs().where(b != 0, 1.0)).where(~same_nan, 0.0)
    worst = float(rel.max()) if len(rel) else 0.0
    return int(((a == b) | same_nan).sum()), (math.inf if math.isnan(worst) else worst)


def compare(peer: pd.DataFrame, results_csv: Path, vendor: str, months: list[str]) -> dict:
    """Cell-by-cell comparison with scorecard's results.csv: counts exactly, values to 1e-12, on the
    months evaluate was asked for (the peer reads every month of the file: at 50 M rows a few contacts
    fall in 2027-01 Paris time, which evaluate, asked for 2026, rightly does not report)."""
    ours = read_results(results_csv)
    peer = peer[peer["period"].isin(months)]
    ours = ours[ours["kpi"].isin(list(KPIS)) & ours["grain"].isin(["vendor", *GRAINS])]
    peer = peer.assign(entity=peer["entity"].where(peer["grain"] != "vendor", vendor))
    keys = ["period", "kpi", "grain", "entity"]
    both = ours.merge(peer, on=keys, how="outer", suffixes=("", "_peer"), indicator=True)
    shared = both[both["_merge"] == "both"]
    identical, worst = value_diff(shared["value"], shared["value_peer"])
    provisional = shared["provisional"].astype(str).str.lower() == "true"
    n_differ = int((shared["n"].astype("int64") != shared["n_peer"]).sum())
    provisional_differ = int((provisional != shared["provisional_peer"].astype(bool)).sum())
    one_side = int((both["_merge"] != "both").sum())
    return {
        "cells": len(shared), "only_scorecard": int((both["_merge"] == "left_only").sum()),
        "only_peer": int((both["_merge"] == "right_only").sum()), "identical": identical,
        "max_rel_diff": worst, "n_differ": n_differ, "provisional_differ": provisional_differ,
        "ok": bool(len(shared) and not one_side and worst <= 1e-12 and not n_differ and not provisional_differ),
    }
