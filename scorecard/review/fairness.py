"""How likely a vendor performing exactly at target is to miss a minimum by chance in one month.

A monthly figure is measured on a sample (the month's contacts or surveys), so even a vendor whose
true level is the target lands below the minimum some months. That probability is the clause's
false-miss risk; above 5 % the clause punishes noise, not performance.

- Rates: the month's count of successes is Binomial(n, target), so the risk is an exact binomial
  tail, summed in log space (no normal approximation, no scipy).
- Means: a seeded bootstrap of the typical month. `evaluate` reports contacts by agent at the finest,
  so agents are resampled with their contacts (a cluster bootstrap, which keeps the agent-to-agent
  spread a contact-level resampling would miss); shifting every contact by the same amount shifts
  every agent's mean by it, so the statistic is set exactly to the target.
- Medians and percentiles: a seeded bootstrap of the typical month's per-contact observations
  (observations.py): n contacts resampled, each shifted by the same amount so that the month's
  quantile (linear interpolation, as the engine takes it) equals the target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..units import Target

RISK_LIMIT = 0.05
SEED = 14
DRAWS = 4000
CHUNK = 4_000_000  # resampled values held at once by the quantile bootstrap
MAX_N = 2_000_000  # no month of a contract sees more contacts; beyond it no sample size is offered


def binomial_pmf(n: int, p: float) -> np.ndarray:
    """P(X = k) for k = 0..n, X ~ Binomial(n, p), from log-space ratios of successive terms."""
    if p <= 0 or p >= 1:
        out = np.zeros(n + 1)
        out[0 if p <= 0 else n] = 1.0
        return out
    k = np.arange(n, dtype="float64")
    steps = np.log((n - k) / (k + 1)) + math.log(p) - math.log1p(-p)
    log_pmf = np.concatenate([[n * math.log1p(-p)], n * math.log1p(-p) + np.cumsum(steps)])
    top = log_pmf.max()
    pmf = np.exp(log_pmf - top)
    return pmf / pmf.sum()


def rate_miss_probability(n: int, p: float, minimum: Target) -> float:
    """P(k/n fails the minimum) when each of n contacts succeeds with probability p."""
    shares = np.arange(n + 1) / n
    return float(binomial_pmf(n, p)[~minimum.met_all(shares)].sum())


def rate_minimum(n: int, p: float, minimum: Target) -> float:
    """The loosest-needed minimum, as a fraction, that keeps the risk at or under 5 % at n contacts."""
    pmf = binomial_pmf(n, p)
    if minimum.higher_is_better:  # miss when k < m*n: the largest k whose lower tail stays <= 5 %
        below = np.concatenate([[0.0], np.cumsum(pmf)[:-1]])  # P(X < k)
        k = int(np.flatnonzero(below <= RISK_LIMIT)[-1])
        return math.floor(k / n * 1000) / 1000
    above = 1 - np.cumsum(pmf)  # P(X > k)
    k = int(np.flatnonzero(above <= RISK_LIMIT)[0])
    return math.ceil(k / n * 1000) / 1000


def rate_sample_size(n: int, p: float, minimum: Target) -> int | None:
    """The smallest monthly sample (searched by doubling, then bisection) at which the risk is under
    5 %; None when no sample size helps (the target does not clear the minimum)."""
    if not minimum.met(p) or math.isclose(minimum.value, p):
        return None
    high = max(n, 1)
    while rate_miss_probability(high, p, minimum) > RISK_LIMIT:
        if high > MAX_N:
            return None
        high *= 2
    low = max(high // 2, 1)
    while low < high:
        mid = (low + high) // 2
        if rate_miss_probability(mid, p, minimum) > RISK_LIMIT:
            low = mid + 1
        else:
            high = mid
    return high


@dataclass(frozen=True)
class MeanRisk:
    """The bootstrap outcome for a mean: the risk and the minimum that brings it to 5 %."""

    probability: float
    safe_minimum: float  # the 5 % (higher-is-better) or 95 % quantile of the at-target statistic
    spread: float  # standard deviation of the at-target statistic


def mean_miss(values: np.ndarray, counts: np.ndarray, target: float, minimum: Target,
              seed: int = SEED, draws: int = DRAWS) -> MeanRisk:
    """Cluster bootstrap of a weighted mean: `values` are agents' means over `counts` contacts."""
    values, counts = np.asarray(values, dtype="float64"), np.asarray(counts, dtype="float64")
    shifted = values + (target - float(np.sum(values * counts) / np.sum(counts)))
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(values), size=(draws, len(values)))
    stats = np.sum(shifted[pick] * counts[pick], axis=1) / np.sum(counts[pick], axis=1)
    quantile = RISK_LIMIT if minimum.higher_is_better else 1 - RISK_LIMIT
    return MeanRisk(float(np.mean(~minimum.met_all(stats))), float(np.quantile(stats, quantile)),
                    float(np.std(stats)))


def quantile_miss(observations: np.ndarray, q: float, target: float, minimum: Target, n: int | None = None,
                  seed: int = SEED, draws: int = DRAWS) -> MeanRisk:
    """Bootstrap of the quantile `q` of `n` contacts (default: as many as observed), each observation
    shifted so that the quantile of the observations equals the target."""
    values = np.asarray(observations, dtype="float64")
    values = values[~np.isnan(values)]
    n = len(values) if n is None else n
    shifted = values + (target - float(np.quantile(values, q)))
    rng = np.random.default_rng(seed)
    rows = max(1, CHUNK // max(n, 1))
    stats = np.concatenate([np.quantile(shifted[rng.integers(0, len(values), size=(min(rows, draws - start), n))],
                                        q, axis=1) for start in range(0, draws, rows)])
    quantile = RISK_LIMIT if minimum.higher_is_better else 1 - RISK_LIMIT
    return MeanRisk(float(np.mean(~minimum.met_all(stats))), float(np.quantile(stats, quantile)),
                    float(np.std(stats)))


def mean_sample_size(n: int, risk: MeanRisk, target: float, minimum: Target) -> int | None:
    """The monthly sample at which the at-target statistic's spread puts the minimum 1.645 standard
    deviations away (the spread of a mean, or of a quantile, falls as 1/sqrt(n)); None when target
    and minimum meet."""
    gap = abs(target - minimum.value)
    if math.isclose(gap, 0) or not minimum.met(target):
        return None
    return math.ceil(n * (1.6449 * risk.spread / gap) ** 2)
