"""The interactions table, built column by column over all months at once (no per-row Python).

Order of the story: contacts arrive (arrivals) -> are routed to a team -> live contacts queue and
some abandon -> handled ones get an agent -> some are transferred or come back (journeys) ->
handle times and case life cycles (handling) -> resolution flags -> surveys. The result keeps
integer codes (channel, team, agent, reason) and epoch seconds; `tables.py` turns it into labels
and local timestamps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .arrivals import arrivals
from .clock import DAY_S, Clock
from .handling import case_times, handle_times, live_queue
from .journeys import identities, link_repeats, roots
from .people import Agents
from .setting import (BUSINESS_HOURS, CHANNELS, LIVE, REASON_BOOKING, REASON_CSAT, REASON_REPEAT,
                      REASON_SHARE, ROUTING, SELF_SERVICE, SOCIAL_HOURS, TRANSFER_RATE, plan)
from .surveys import surveys

VOICE, EMAIL, SOCIAL = (CHANNELS.index(c) for c in ("voice", "email", "social"))
REPEAT_BASE = 0.33        # probability that a handled contact is followed by a repeat, before factors
ANONYMOUS = {VOICE: 0.03, SELF_SERVICE: 0.25}   # contacts without a known customer


def _route(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    """Team code of each routed contact (-1 for self-service), by the channel's routing shares."""
    routed = channel != SELF_SERVICE
    cum = np.cumsum(ROUTING, axis=1)
    team = np.full(len(channel), -1, dtype=np.int64)
    u = rng.random(routed.sum())
    team[routed] = (u[:, None] > cum[channel[routed]]).sum(axis=1)
    return np.minimum(team, ROUTING.shape[1] - 1)


def make_interactions(rng: np.random.Generator, months: Sequence[str], agents: Agents,
                      contacts_per_month: int, cutoff: float) -> pd.DataFrame:
    """Every contact of `months`, sorted by created time; timestamps after `cutoff` (the extraction
    instant) are empty, as in a real export: those cases are still open."""
    plans = [plan(m) for m in months]
    parts = [arrivals(rng, m, int(round(contacts_per_month * p.volume))) for m, p in zip(months, plans)]
    month = np.concatenate([np.full(len(c), i, dtype=np.int16) for i, (c, _, _) in enumerate(parts)])
    created, channel, load = (np.concatenate(col) for col in zip(*parts))
    order = np.argsort(created, kind="stable")
    created, channel, load, month = created[order], channel[order], load[order], month[order]
    # Each per-row temporary is dropped once read for the last time: the peak of the largest sizes
    # is what is alive together here.
    del parts, order
    n = len(created)
    staffing = np.array([p.staffing for p in plans])[month]

    team = _route(rng, channel)
    live = np.isin(channel, LIVE)
    wait, patience = np.full(n, np.nan), np.full(n, np.nan)
    wait[live], patience[live] = live_queue(rng, channel[live], load[live], staffing[live])
    del load
    abandoned = live & (patience < wait)
    answered = np.where(live & ~abandoned, created + wait, np.nan)
    abandoned_at = np.where(abandoned, created + patience, np.nan)
    del patience

    handled = (channel != SELF_SERVICE) & ~abandoned
    agent = np.full(n, -1, dtype=np.int64)
    agent[handled] = agents.pick(rng, team[handled])
    reason = rng.choice(len(REASON_SHARE), size=n, p=REASON_SHARE)
    h_channel = np.where(handled, channel, 0)
    h_agent = np.maximum(agent, 0)
    transferred = handled & (rng.random(n) < TRANSFER_RATE[h_channel] * agents.transfer_factor[h_agent])
    del h_channel

    anonymous = np.zeros(n, dtype=bool)
    for code, share in ANONYMOUS.items():
        anonymous |= (channel == code) & (rng.random(n) < share)
    chance = (handled & ~anonymous) * REPEAT_BASE * agents.repeat_factor[h_agent] \
        * REASON_REPEAT[reason] / (REASON_REPEAT @ REASON_SHARE) * np.where(transferred, 1.7, 1.0) / staffing
    parent_of = link_repeats(rng, created, chance)
    root = roots(parent_of)
    del chance
    has_repeat = np.zeros(n, dtype=bool)
    has_repeat[parent_of[parent_of >= 0]] = True
    customer, booking = identities(rng, n, reason, REASON_BOOKING, anonymous)
    customer, booking, reason = customer[root], booking[root], reason[root]
    del parent_of, root

    handle = np.full(n, np.nan)
    handle[handled] = handle_times(rng, channel[handled], agents.aht_factor[agent[handled]], reason[handled])
    times = {k: np.full(n, np.nan) for k in ("assigned", "first_response", "first_solution", "resolved_at")}
    first_day = pd.Timestamp(months[0]) - pd.Timedelta(days=2)
    last_day = pd.Timestamp(months[-1]) + pd.Timedelta(days=70)
    for code, hours, holiday_hours, reply_median, routing_mean in (
            (EMAIL, BUSINESS_HOURS, None, 1.1 * 3600, 900.0), (SOCIAL, SOCIAL_HOURS, (8.0, 22.0), 2100.0, 300.0)):
        rows = channel == code
        clock = Clock(hours, str(first_day.date()), str(last_day.date()), holiday_hours)
        for key, values in zip(times, case_times(rng, created[rows], clock,
                                                 reply_median / staffing[rows] ** 2, routing_mean)):
            times[key][rows] = values
    del staffing, rows
    times["resolved_at"][live] = (answered + handle)[live]
    self_service = channel == SELF_SERVICE
    # Every self-service session ends (resolved_at = its end, so none waits in a backlog); 60 % of
    # them end with the customer's issue solved.
    completed = self_service & (rng.random(n) < 0.6)
    times["resolved_at"][self_service] = created[self_service] + rng.uniform(60.0, 900.0, self_service.sum())
    for values in (answered, abandoned_at, *times.values()):
        values[values > cutoff] = np.nan

    handled &= ~np.isnan(np.where(live, answered, times["first_response"]))
    handle[~handled] = np.nan
    transferred &= handled
    closed = ~np.isnan(times["resolved_at"])
    resolved = np.where(self_service, completed & closed,
                        handled & closed & (rng.random(n) < np.where(has_repeat, 0.7, 0.975)))
    slow = np.where(live, wait > 60.0, times["first_response"] - created > DAY_S)
    del wait
    shift = agents.csat_shift[h_agent] + REASON_CSAT[reason] - 0.5 * slow - 0.4 * transferred \
        - 0.9 * has_repeat
    csat, nps, ces = surveys(rng, handled, month, shift, [p.csat for p in plans])

    # copy=False: the frame takes these arrays as they are (one block each) instead of copying all
    # 24 columns into consolidated blocks while they are still alive (144 MB more at 1 M rows).
    return pd.DataFrame({
        "number": np.arange(1, n + 1), "channel": channel, "created": created, "answered": answered,
        "assigned": times["assigned"], "first_response": times["first_response"],
        "first_solution": times["first_solution"], "resolved_at": times["resolved_at"],
        "handle_time": handle, "abandoned": abandoned, "abandoned_at": abandoned_at,
        "transferred": transferred, "resolved": resolved, "customer": customer, "booking": booking,
        "reason": reason, "agent": agent, "team": team, "csat": csat, "nps": nps, "ces": ces,
        "month": month, "handled": handled, "work_at": np.where(live, answered, times["first_response"]),
    }, copy=False)
