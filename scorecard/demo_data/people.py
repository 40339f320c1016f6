"""The agents: ids, teams and one skill level each, from which every per-agent KPI drifts apart.

A single latent skill (plus a small team effect) moves handle time, QA score, satisfaction, repeat
contacts and transfers together, as coaching data shows: the same agents top or trail every ranking.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .setting import TEAMS


@dataclass(frozen=True)
class Agents:
    """Column arrays over agents (index = agent code); agents of a team are contiguous."""

    ids: np.ndarray          # "AG0001", ...
    team: np.ndarray         # team code, index into TEAMS
    skill: np.ndarray        # standard normal-ish latent skill
    team_start: np.ndarray   # first agent code of each team
    team_size: np.ndarray

    @property
    def aht_factor(self) -> np.ndarray:
        return np.exp(-0.12 * self.skill)

    @property
    def qa_mean(self) -> np.ndarray:
        return 90.0 + 2.6 * self.skill

    @property
    def csat_shift(self) -> np.ndarray:
        return 0.35 * self.skill

    @property
    def repeat_factor(self) -> np.ndarray:
        return np.exp(-0.3 * self.skill)

    @property
    def transfer_factor(self) -> np.ndarray:
        return np.exp(-0.35 * self.skill)

    def pick(self, rng: np.random.Generator, team: np.ndarray) -> np.ndarray:
        """A random agent of each given team (vectorised)."""
        return self.team_start[team] + (rng.random(len(team)) * self.team_size[team]).astype(np.int64)


def make_agents(rng: np.random.Generator, n: int) -> Agents:
    """n agents spread evenly over the six teams (at least one per team)."""
    if n < len(TEAMS):
        raise ValueError(f"agents must be at least {len(TEAMS)} (one per team), got {n}")
    team = np.arange(n) * len(TEAMS) // n
    team_effect = rng.normal(0.0, 0.3, len(TEAMS))
    skill = rng.normal(0.0, 1.0, n) + team_effect[team]
    width = max(4, len(str(n)))
    ids = np.array([f"AG{i + 1:0{width}d}" for i in range(n)])
    size = np.bincount(team, minlength=len(TEAMS))
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    return Agents(ids=ids, team=team, skill=skill, team_start=start, team_size=size)
