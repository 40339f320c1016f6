"""Post-contact surveys: CSAT 1-5 on ~25% of handled contacts, NPS 0-10 and CES 1-7 on subsets of them.

Satisfaction is a logistic function of the agent's skill, the wait, the reason, transfers and
whether the customer had to come back. The month's base level is solved (bisection) so that the
expected share of 4-5 answers equals the storyline's CSAT for that month whatever the mix: the
story is stable across seeds and scales, and only sampling noise remains.
"""

from __future__ import annotations

import numpy as np

CSAT_RATE, NPS_OF_CSAT, CES_OF_CSAT = 0.25, 0.6, 0.4
# Answer distributions given a satisfied / dissatisfied respondent.
_CSAT_SAT = (np.array([4, 5]), np.array([0.38, 0.62]))
_CSAT_UNSAT = (np.array([1, 2, 3]), np.array([0.20, 0.25, 0.55]))
_NPS_SAT = (np.arange(11), np.r_[np.full(7, 0.08 / 7), [0.14, 0.18], [0.32, 0.28]])
_NPS_UNSAT = (np.arange(11), np.r_[np.full(7, 0.75 / 7), [0.12, 0.08], [0.03, 0.02]])
_CES_SAT = (np.arange(1, 8), np.array([0.30, 0.35, 0.20, 0.10, 0.03, 0.01, 0.01]))
_CES_UNSAT = (np.arange(1, 8), np.array([0.05, 0.10, 0.15, 0.25, 0.20, 0.15, 0.10]))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _base_for(target: float, shift: np.ndarray) -> float:
    """The logit base b with mean(sigmoid(b + shift)) == target."""
    lo, hi = -10.0, 10.0
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _sigmoid(mid + shift).mean() < target else (lo, mid)
    return (lo + hi) / 2


def _answers(rng: np.random.Generator, satisfied: np.ndarray, sat: tuple, unsat: tuple) -> np.ndarray:
    out = rng.choice(sat[0], size=len(satisfied), p=sat[1]).astype(float)
    out[~satisfied] = rng.choice(unsat[0], size=(~satisfied).sum(), p=unsat[1])
    return out


def surveys(rng: np.random.Generator, handled: np.ndarray, month: np.ndarray, shift: np.ndarray,
            targets: list[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """csat, nps, ces per contact (NaN where not surveyed); `shift` is each contact's satisfaction logit
    shift, `targets` the expected 4-5 share per month index."""
    n = len(handled)
    asked = handled & (rng.random(n) < CSAT_RATE)
    base = np.zeros(n)
    for m, target in enumerate(targets):
        rows = asked & (month == m)
        if rows.any():
            base[rows] = _base_for(target, shift[rows])
    satisfied = rng.random(n) < _sigmoid(base + shift)
    csat, nps, ces = (np.full(n, np.nan) for _ in range(3))
    idx = np.flatnonzero(asked)
    csat[idx] = _answers(rng, satisfied[idx], _CSAT_SAT, _CSAT_UNSAT)
    for out, share, sat, unsat in ((nps, NPS_OF_CSAT, _NPS_SAT, _NPS_UNSAT),
                                   (ces, CES_OF_CSAT, _CES_SAT, _CES_UNSAT)):
        sub = idx[rng.random(len(idx)) < share]
        out[sub] = _answers(rng, satisfied[sub], sat, unsat)
    return csat, nps, ces
