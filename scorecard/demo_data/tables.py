"""From the generator's internal frames (integer codes, epoch seconds) to the canonical tables of
DATA.md: exact column names and order, labels, ids, and timestamps tz-aware in Europe/Paris.

Labels are pandas categoricals (millions of rows stay small in memory); the writer turns them into
plain strings. Integer-valued numbers (handle time, survey answers, scores) use the nullable Int64
dtype so that files read "412", not "412.0".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .people import Agents
from .quality import EVALUATORS, ITEMS, VENDOR_EVALUATORS
from .setting import CHANNELS, REASONS, SITES, TEAM_SITE, TEAMS, TIMEZONE, VENDOR

INTERACTIONS = ["interaction_id", "channel", "created_at", "answered_at", "assigned_at", "first_response_at",
                "first_solution_at", "resolved_at", "handle_time_s", "abandoned", "abandoned_at", "transferred",
                "resolved", "customer_id", "booking_id", "reason", "agent_id", "team_id", "site", "vendor",
                "csat", "nps", "ces"]
_CATEGORY_CODES, _CATEGORIES = pd.factorize(ITEMS["category"])


def timestamps(seconds: np.ndarray) -> pd.DatetimeIndex:
    """Epoch seconds (NaN = missing) -> whole-second local instants."""
    return pd.to_datetime(np.round(seconds), unit="s", utc=True).tz_convert(TIMEZONE)


def ids(prefix: str, numbers: np.ndarray, width: int) -> pd.Series:
    """'INT00000042'-style ids; numbers below 0 are missing."""
    text = pd.Series(numbers).astype("string").str.zfill(width)
    return (prefix + text).where(pd.Series(numbers) >= 0)


def labels(codes: np.ndarray, categories: tuple[str, ...] | np.ndarray) -> pd.Categorical:
    """Integer codes -> labels; -1 is missing."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=list(categories))


def _ints(values: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.array(values, dtype="Int64")


def interactions(c: pd.DataFrame, agents: Agents) -> pd.DataFrame:
    team = c["team"].to_numpy()
    out = pd.DataFrame({
        "interaction_id": ids("INT", c["number"].to_numpy(), 8),
        "channel": labels(c["channel"].to_numpy(), CHANNELS),
        **{col: timestamps(c[key].to_numpy()) for col, key in (
            ("created_at", "created"), ("answered_at", "answered"), ("assigned_at", "assigned"),
            ("first_response_at", "first_response"), ("first_solution_at", "first_solution"),
            ("resolved_at", "resolved_at"))},
        "handle_time_s": _ints(c["handle_time"].to_numpy()),
        "abandoned": c["abandoned"].to_numpy(),
        "abandoned_at": timestamps(c["abandoned_at"].to_numpy()),
        "transferred": c["transferred"].to_numpy(), "resolved": c["resolved"].to_numpy(),
        "customer_id": ids("CU", c["customer"].to_numpy(), 8), "booking_id": ids("BK", c["booking"].to_numpy(), 9),
        "reason": labels(c["reason"].to_numpy(), REASONS),
        "agent_id": labels(c["agent"].to_numpy(), agents.ids),
        "team_id": labels(team, TEAMS),
        "site": labels(np.where(team >= 0, TEAM_SITE[np.maximum(team, 0)], -1), SITES),
        "vendor": labels(np.where(team >= 0, 0, -1), (VENDOR,)),
        **{col: _ints(c[col].to_numpy()) for col in ("csat", "nps", "ces")},
    })
    return out[INTERACTIONS]


def qa_evaluations(qa: pd.DataFrame, agents: Agents) -> pd.DataFrame:
    evaluator = qa["evaluator"].to_numpy()
    return pd.DataFrame({
        "evaluation_id": ids("QA", np.arange(1, len(qa) + 1), 7),
        "interaction_id": ids("INT", qa["number"].to_numpy(), 8),
        "agent_id": labels(qa["agent"].to_numpy(), agents.ids),
        "evaluator_id": labels(evaluator, EVALUATORS),
        "evaluated_at": timestamps(qa["evaluated"].to_numpy()),
        "score": _ints(qa["score"].to_numpy()),
        "team_id": labels(agents.team[qa["agent"].to_numpy()], TEAMS),
        "evaluator_side": labels((evaluator >= len(VENDOR_EVALUATORS)).astype(int), ("vendor", "client")),
        "calibration_session": qa["session"].astype("string"),
        "is_reference": qa["reference"].fillna(False).to_numpy(dtype=bool),
        "fatal_error": qa["fatal"].to_numpy(dtype=bool),
    })


def qa_items(items: pd.DataFrame, evaluation_ids: pd.Series) -> pd.DataFrame:
    item = items["item"].to_numpy()
    return pd.DataFrame({
        "evaluation_id": evaluation_ids.to_numpy()[items["evaluation"].to_numpy()],
        "item": labels(item, ITEMS["item"].to_numpy()),
        "category": labels(_CATEGORY_CODES[item], _CATEGORIES),
        "points": _ints(items["points"].to_numpy()), "max_points": _ints(items["max_points"].to_numpy()),
        "failed": items["failed"].to_numpy(),
    })


def workforce(w: pd.DataFrame) -> pd.DataFrame:
    team = w["team"].to_numpy()
    return pd.DataFrame({
        "interval_start": timestamps(w["start"].to_numpy()),
        "team_id": labels(team, TEAMS), "site": labels(TEAM_SITE[team], SITES),
        "channel": labels(w["channel"].to_numpy(), CHANNELS),
        **{col: w[col].to_numpy() for col in ("forecast_contacts", "actual_contacts", "required_hours",
                                              "scheduled_hours", "paid_hours", "handling_hours")},
    })
