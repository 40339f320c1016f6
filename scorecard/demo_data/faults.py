"""Realistic data-quality faults, injected on request so the data-quality report has something to show.

Each fault touches one row, chosen with the seeded generator (so it is reproducible), and mimics
what real exports do; `FAULTS` names and describes them (docs/demo-data.md lists them too).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FAULTS: dict[str, str] = {
    "duplicate_interaction_id": "interactions: a voice call exported twice (an exact copy right after it)",
    "answered_before_created": "interactions: a call answered 37 s before it was created (the telephony "
                               "and CRM clocks disagree)",
    "resolved_before_created": "interactions: an e-mail resolved 2 days before it was created (the close "
                               "date of a previous case copied onto a re-opened one)",
    "negative_handle_time": "interactions: a chat with handle_time_s = -412 (a timer underflow)",
    "qa_score_out_of_range": "qa_evaluations: a vendor evaluation scored 130 (typed on the wrong scale)",
    "unknown_channel": "interactions: a contact from a legacy fax gateway, channel 'fax' (not declared "
                       "in the contract)",
}


def _one(rng: np.random.Generator, mask: pd.Series, taken: set[int]) -> int:
    """A random row position where mask holds, not already used by another fault."""
    candidates = np.setdiff1d(np.flatnonzero(mask.to_numpy()), np.fromiter(taken, dtype=np.int64))
    pos = int(rng.choice(candidates))
    taken.add(pos)
    return pos


def inject_faults(rng: np.random.Generator, tables: dict[str, pd.DataFrame]) -> None:
    """Apply the six faults above to `tables` in place (one row each)."""
    df = tables["interactions"]
    channel = df["channel"]
    taken: set[int] = set()
    voice_answered = (channel == "voice") & df["answered_at"].notna()

    pos = _one(rng, voice_answered, taken)
    df.iloc[pos, df.columns.get_loc("answered_at")] = df["created_at"].iloc[pos] - pd.Timedelta(seconds=37)
    pos = _one(rng, (channel == "email") & df["resolved_at"].notna(), taken)
    df.iloc[pos, df.columns.get_loc("resolved_at")] = df["created_at"].iloc[pos] - pd.Timedelta(days=2)
    pos = _one(rng, (channel == "chat") & df["handle_time_s"].notna(), taken)
    df.iloc[pos, df.columns.get_loc("handle_time_s")] = -412
    pos = _one(rng, channel == "email", taken)
    df["channel"] = df["channel"].cat.add_categories(["fax"])
    df.iloc[pos, df.columns.get_loc("channel")] = "fax"
    pos = _one(rng, voice_answered, taken)
    tables["interactions"] = pd.concat([df.iloc[:pos + 1], df.iloc[[pos]], df.iloc[pos + 1:]], ignore_index=True)

    qa = tables["qa_evaluations"]
    regular = (qa["evaluator_side"] == "vendor") & qa["calibration_session"].isna()
    qa.iloc[_one(rng, regular, set()), qa.columns.get_loc("score")] = 130
