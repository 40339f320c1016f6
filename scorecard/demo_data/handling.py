"""How contacts are handled: the live queue (waits and abandons), handle times, and the e-mail/social
case life cycle (assigned, first response, first solution, closed) on the desks' opening hours.

Waits grow with the slot's load and shrink with the month's staffing factor, so an understaffed
month shows up in service level, abandonment and first-response times at once, as it does for real.
"""

from __future__ import annotations

import numpy as np

from .clock import DAY_S, Clock
from .setting import AHT_MEDIAN, AHT_SIGMA, REASON_AHT, REASON_SHARE

# Per live channel (voice, chat): queueing share at load 1, mean queued wait (s), mean patience (s).
_QUEUE_SHARE = np.array([0.30, 0.25])
_QUEUE_WAIT = np.array([26.0, 14.0])
_PATIENCE = np.array([370.0, 240.0])
_EARLY_HANGUP = 0.012   # callers who hang up within 5 s whatever the queue (misdials, IVR)
STALE_SHARE = 0.04      # e-mail/social cases that drag on for weeks: the backlog's stale tail


def live_queue(rng: np.random.Generator, channel: np.ndarray, load: np.ndarray,
               staffing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Queue wait and patience (s) per live contact; the contact is abandoned when patience < wait."""
    n = len(channel)
    stress = load / staffing
    queued = rng.random(n) < np.clip(_QUEUE_SHARE[channel] * stress / staffing, 0.02, 0.97)
    queued_wait = rng.exponential(1.0, n) * _QUEUE_WAIT[channel] * stress / staffing ** 2
    wait = np.where(queued, queued_wait, rng.uniform(0.0, 4.0, n))
    patience = rng.exponential(1.0, n) * _PATIENCE[channel]
    early = rng.random(n) < _EARLY_HANGUP
    patience[early] = rng.uniform(0.0, 5.0, early.sum())
    return wait, patience


def handle_times(rng: np.random.Generator, channel: np.ndarray, agent_factor: np.ndarray,
                 reason: np.ndarray) -> np.ndarray:
    """Talk + hold + wrap (or work) seconds of handled contacts: lognormal per channel x agent x reason."""
    weight = REASON_AHT / (REASON_AHT @ REASON_SHARE)   # reasons shift AHT, not its mean
    noise = rng.normal(0.0, 1.0, len(channel)) * AHT_SIGMA[channel]
    seconds = AHT_MEDIAN[channel] * np.exp(noise) * agent_factor * weight[reason]
    return np.round(np.clip(seconds, 20.0, None))


def _lognormal(rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int) -> np.ndarray:
    return median * np.exp(rng.normal(0.0, sigma, n))


def case_times(rng: np.random.Generator, created: np.ndarray, clock: Clock, first_reply_median: np.ndarray,
               routing_mean: float) -> tuple[np.ndarray, ...]:
    """assigned_at, first_response_at, first_solution_at, resolved_at of written cases on a desk clock.

    Work only happens while the desk is open, so evening and weekend cases are assigned and
    answered the next opening morning. Most first replies solve the case; the rest need a follow-up;
    a few cases drag on for weeks, and those still open at extraction make the backlog.
    """
    n = len(created)
    assigned = clock.add(created, rng.exponential(routing_mean, n))
    first_response = clock.add(assigned, _lognormal(rng, first_reply_median, 0.9, n))
    solved_at_once = rng.random(n) < 0.7
    later = clock.add(first_response, _lognormal(rng, 4 * 3600.0, 1.0, n))
    first_solution = np.where(solved_at_once, first_response, later)
    resolved = clock.add(first_solution, _lognormal(rng, 2 * 3600.0, 1.2, n))
    stale = rng.random(n) < STALE_SHARE
    resolved[stale] += _lognormal(rng, 12 * DAY_S, 0.6, stale.sum())
    return assigned, first_response, first_solution, resolved
