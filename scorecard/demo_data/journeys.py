"""Customer journeys: who contacts, about which booking and reason, and who has to come back.

FCR is derived from repeat contacts (the data has no resolved_first_contact column), so repeats are
built explicitly: a handled contact "calls back" with a probability that rises for weak agents,
transfers and thorny reasons; its repeat is a later contact of the time-sorted stream (any channel,
often another month) that takes over the parent's customer, reason and booking. Chains of repeats
form paths whose first contact (the root) carries the journey's identity.
"""

from __future__ import annotations

import numpy as np

from .clock import DAY_S

_MIN_GAP = 1800.0          # a repeat comes at least 30 minutes later
_MAX_GAP = 6.5 * DAY_S     # and within the contract's 7-day FCR window
_MEAN_GAP = 1.6 * DAY_S


def link_repeats(rng: np.random.Generator, created: np.ndarray, chance: np.ndarray) -> np.ndarray:
    """For time-sorted contacts, the index of each contact's parent (the contact it repeats), or -1.

    `chance` is each contact's probability of being repeated (0 for contacts that cannot be).
    A repeat is the first contact after a random gap; when two parents pick the same contact the
    earlier parent keeps it, so every contact has at most one parent and one repeat.
    """
    n = len(created)
    parent = np.flatnonzero(rng.random(n) < chance)
    gap = np.clip(rng.exponential(_MEAN_GAP, len(parent)), _MIN_GAP, _MAX_GAP)
    child = np.searchsorted(created, created[parent] + gap)
    ok = child < n
    parent, child = parent[ok], child[ok]
    ok = created[child] - created[parent] <= _MAX_GAP
    parent, child = parent[ok], child[ok]
    child, first = np.unique(child, return_index=True)
    parent_of = np.full(n, -1, dtype=np.int64)
    parent_of[child] = parent[first]
    return parent_of


def roots(parent_of: np.ndarray) -> np.ndarray:
    """The first contact of each contact's journey (pointer jumping: log2(chain length) passes)."""
    root = np.where(parent_of >= 0, parent_of, np.arange(len(parent_of)))
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt


def identities(rng: np.random.Generator, n: int, reason: np.ndarray, booking_share: np.ndarray,
               anonymous: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Customer and booking numbers for journey roots (-1 = none): customers come back now and then
    about other things, so they are drawn from a pool a bit smaller than the number of contacts."""
    pool = max(1000, int(n * 0.8))
    customer = rng.integers(1, pool + 1, n)
    customer[anonymous] = -1
    booking = rng.integers(1, 5 * pool, n)
    booking[rng.random(n) >= booking_share[reason]] = -1
    return customer, booking
