"""QA evaluations, client audits, calibration sessions and their item-level scores.

Vendor evaluators score ~6 contacts per agent per month around the agent's skill; Acme's two QA
evaluators re-score ~10% of them (the audit, a couple of points stricter). Each month holds 2-3
calibration sessions where all seven evaluators score one contact and QA-C1 (Acme's QA expert)
gives the reference. QA-V2 is lenient and QA-V4 harsh: within tolerance in ordinary months, they
drift out of it in the storyline's drift months, which is what sinks calibration there.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .clock import Clock, DAY_S, local_midnight, month_end
from .people import Agents
from .setting import BUSINESS_HOURS, CLIENT_EVALUATORS, HARSH, LENIENT, VENDOR_EVALUATORS, plan

EVALUATORS = VENDOR_EVALUATORS + CLIENT_EVALUATORS
REFERENCE = EVALUATORS.index(CLIENT_EVALUATORS[0])
AUDIT_SHARE = 0.10
# The checklist: item, category, max points (sums to 100), how often points are lost there.
ITEMS = pd.DataFrame([
    ("greeting_and_closing", "soft skills", 10, 1.0), ("empathy", "soft skills", 10, 1.3),
    ("clarity", "soft skills", 10, 1.0), ("product_knowledge", "product", 12, 1.5),
    ("correct_information", "product", 12, 1.4), ("customer_identification", "process", 8, 0.8),
    ("booking_system_update", "process", 10, 1.4), ("follow_up", "process", 8, 1.2),
    ("gdpr_verification", "compliance", 10, 0.5), ("payment_security", "compliance", 10, 0.4),
], columns=["item", "category", "max_points", "difficulty"])
_FATAL_ITEM = ITEMS.index[ITEMS["item"] == "gdpr_verification"][0]


def _sample_per_agent(rng: np.random.Generator, month: np.ndarray, agent: np.ndarray,
                      counts: np.ndarray) -> np.ndarray:
    """Row indices: up to counts[month, agent] random rows of each (month, agent) group."""
    order = np.lexsort((rng.random(len(month)), agent, month))
    key = month[order].astype(np.int64) * (counts.shape[1] + 1) + agent[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    return order[rank < counts[month[order], agent[order]]]


def _calibration_deviations(rng: np.random.Generator, sessions: int, drift: bool) -> np.ndarray:
    """(sessions x evaluators) signed deviations from the reference, in points (reference column 0)."""
    dev = rng.integers(-3, 4, (sessions, len(EVALUATORS)))
    dev[:, EVALUATORS.index(CLIENT_EVALUATORS[1])] = rng.integers(-2, 3, sessions)
    lenient, harsh = EVALUATORS.index(LENIENT), EVALUATORS.index(HARSH)
    dev[:, lenient] = rng.integers(7, 11, sessions) if drift else rng.integers(3, 6, sessions)
    dev[:, harsh] = rng.integers(-9, -6, sessions) if drift else rng.integers(-5, -2, sessions)
    if not drift and rng.random() < 0.5:
        dev[rng.integers(sessions), lenient] = 7   # at most one slip in a good month
    dev[:, REFERENCE] = 0
    return dev


def make_qa(rng: np.random.Generator, months: Sequence[str], contacts: pd.DataFrame,
            agents: Agents) -> pd.DataFrame:
    """qa_evaluations with internal codes: evaluator, agent, interaction number, epoch evaluated_at."""
    clock = Clock(BUSINESS_HOURS, months[0] + "-01", str((pd.Period(months[-1], "M") + 2).start_time.date()))
    starts = np.array([local_midnight(m) for m in months])
    ends = np.array([month_end(m) for m in months])
    c = contacts
    # only the columns read here are copied (not all 24 of most rows: 110 MB at 1 M rows)
    pool = c[["number", "agent", "month", "created"]][
        c["handled"].to_numpy() & (c["channel"].to_numpy() < 4)
        & (c["created"].to_numpy() < starts[c["month"].to_numpy()] + 21 * DAY_S)]
    month, agent = pool["month"].to_numpy(), pool["agent"].to_numpy()
    counts = rng.integers(5, 8, (len(months), len(agents.ids)))
    picked = pool.iloc[_sample_per_agent(rng, month, agent, counts)]
    m, a = picked["month"].to_numpy(), picked["agent"].to_numpy()
    n = len(picked)
    shift = np.array([plan(x).qa_shift for x in months])
    fatal = rng.random(n) < 0.012 * np.exp(-0.6 * agents.skill[a])
    score = agents.qa_mean[a] + shift[m] + rng.normal(0.0, 5.0, n) - 12.0 * fatal
    when = np.minimum(clock.add(picked["created"].to_numpy(), rng.uniform(3600, 24 * 3600, n)), ends[m] - 3600)
    vendor = pd.DataFrame({"number": picked["number"].to_numpy(), "agent": a, "month": m,
                           "evaluator": rng.integers(0, len(VENDOR_EVALUATORS), n),
                           "evaluated": when, "score": np.round(np.clip(score, 0, 100)), "fatal": fatal})
    audit = vendor[rng.random(n) < AUDIT_SHARE].copy()
    audit["evaluator"] = rng.integers(len(VENDOR_EVALUATORS), len(EVALUATORS), len(audit))
    audit["evaluated"] = np.minimum(clock.add(audit["evaluated"].to_numpy(),
                                              rng.uniform(3600, 3 * 12 * 3600, len(audit))),
                                    ends[audit["month"].to_numpy()] - 1800)
    audit["score"] = np.round(np.clip(audit["score"] - 2.0 + rng.normal(0.0, 3.5, len(audit)), 0, 100))
    return pd.concat([vendor, audit, _calibrations(rng, months, pool, agents, clock, ends)],
                     ignore_index=True).sort_values("evaluated", kind="stable", ignore_index=True)


def _calibrations(rng: np.random.Generator, months: Sequence[str], pool: pd.DataFrame, agents: Agents,
                  clock: Clock, ends: np.ndarray) -> pd.DataFrame:
    """All calibration-session rows: one contact per session scored by every evaluator."""
    frames = []
    for i, month in enumerate(months):
        candidates = pool[pool["month"].to_numpy() == i]
        sessions = int(rng.integers(2, 4))
        chosen = candidates.iloc[rng.choice(len(candidates), sessions, replace=False)]
        a = chosen["agent"].to_numpy()
        # Calibration picks a good, a middling and a poor contact, so the sessions span the
        # quality range: that spread is what lets Krippendorff's alpha tell agreement from chance.
        # Capped at 89: the most lenient evaluator adds up to 10 points and a score stays <= 100.
        reference = np.round(np.clip(np.linspace(58, 88, sessions) + rng.normal(0, 3, sessions), 50, 89))
        dev = _calibration_deviations(rng, sessions, plan(month).calibration_drift)
        meeting = np.minimum(clock.add(chosen["created"].to_numpy(), rng.uniform(12, 36, sessions) * 3600),
                             ends[i] - 3 * 3600)
        k = len(EVALUATORS)
        frames.append(pd.DataFrame({
            "number": np.repeat(chosen["number"].to_numpy(), k), "agent": np.repeat(a, k),
            "month": i, "evaluator": np.tile(np.arange(k), sessions),
            "evaluated": np.repeat(meeting, k) + rng.uniform(0, 1800, sessions * k),
            "score": (reference[:, None] + dev).ravel().astype(float), "fatal": False,
            "session": np.repeat([f"CAL-{month}-{s + 1}" for s in range(sessions)], k),
            "reference": np.tile(np.arange(k) == REFERENCE, sessions),
        }))
    return pd.concat(frames, ignore_index=True)


def make_items(rng: np.random.Generator, qa: pd.DataFrame) -> pd.DataFrame:
    """qa_items: the points an evaluation lost, spread over a few checklist items so that sum(points)
    equals the score; a fatal error always fails GDPR verification; an item fails when it lost at
    least 40% of its points (any point for compliance items)."""
    n, k = len(qa), len(ITEMS)
    maxp = ITEMS["max_points"].to_numpy()
    fatal = qa["fatal"].to_numpy(dtype=bool)
    lost_total = (100 - qa["score"].to_numpy()).astype(np.int64)
    p = rng.dirichlet(0.6 * ITEMS["difficulty"].to_numpy(), n)
    p[fatal, _FATAL_ITEM] = 0.0
    p /= p.sum(axis=1, keepdims=True)
    forced = np.where(fatal, np.minimum(maxp[_FATAL_ITEM], lost_total), 0)
    lost = rng.multinomial(lost_total - forced, p)
    lost[:, _FATAL_ITEM] += forced
    while (over := np.clip(lost - maxp, 0, None).sum(axis=1)).any():
        lost = np.minimum(lost, maxp)
        room = np.argmax(maxp - lost, axis=1)
        lost[np.arange(n), room] += over
    compliance = (ITEMS["category"] == "compliance").to_numpy()
    failed = np.where(compliance, lost > 0, lost >= 0.4 * maxp)
    return pd.DataFrame({
        "evaluation": np.repeat(np.arange(n), k), "item": np.tile(np.arange(k), n),
        "points": (maxp - lost).ravel().astype(float), "max_points": np.tile(maxp, n).astype(float),
        "failed": failed.ravel(),
    })
