"""Workforce intervals, monthly costs and business volumes, derived from the generated contacts.

Workforce rows are every 30-minute interval x team x planned channel (voice, chat, email):
actual_contacts counts the interactions created in the interval and handling_hours sums the handle
time of the work done in it, so both agree with the interactions table. Hours follow the workload,
not the head count: `agents` only spreads contacts over people. The forecast misses by the month's
bias (March's surge was not forecast), scheduled hours follow the month's staffing factor and paid
hours add its overtime, so staffing_to_forecast, utilization and cost per contact tell the same story.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .clock import SLOT_S, local_midnight, month_end
from .setting import TEAMS, WORKFORCE_CHANNELS, plan

OCCUPANCY = 0.82          # planned share of paid time on customer work
# Cost lines: EUR per handled contact (the fee is priced per handled contact) and per overtime hour.
FEE, TRAINING, TELEPHONY, OVERTIME_RATE = 3.40, 0.12, 0.28, 32.5
TRAINING_WAVE = 2.5       # an understaffed month trains new hires: training costs x2.5


def make_workforce(rng: np.random.Generator, months: Sequence[str], contacts: pd.DataFrame) -> pd.DataFrame:
    """Workforce rows with internal codes: slot start (epoch s), team, channel, month and the hours."""
    t0, t_end = local_midnight(months[0]), month_end(months[-1])
    n_slots = int(round((t_end - t0) / SLOT_S))
    cells = len(TEAMS) * len(WORKFORCE_CHANNELS)
    c = contacts[["team", "channel", "created", "handled", "work_at", "handle_time"]][
        (contacts["team"].to_numpy() >= 0) & contacts["channel"].isin(WORKFORCE_CHANNELS).to_numpy()]
    cell = c["team"].to_numpy() * len(WORKFORCE_CHANNELS) + c["channel"].to_numpy()
    slot = ((c["created"].to_numpy() - t0) // SLOT_S).astype(np.int64)
    actual = np.bincount(slot * cells + cell, minlength=n_slots * cells)
    worked = c["handled"].to_numpy() & (c["work_at"].to_numpy() < t_end)
    work_slot = ((c["work_at"].to_numpy()[worked] - t0) // SLOT_S).astype(np.int64)
    handling = np.bincount(work_slot * cells + cell[worked], weights=c["handle_time"].to_numpy()[worked] / 3600,
                           minlength=n_slots * cells)

    start = t0 + SLOT_S * np.repeat(np.arange(n_slots), cells)
    month = np.searchsorted([local_midnight(m) for m in months], start, side="right") - 1
    plans = [plan(m) for m in months]
    bias = np.array([p.forecast_bias for p in plans])[month]
    staffing = np.array([p.staffing for p in plans])[month]
    overtime = np.array([p.overtime for p in plans])[month]
    n = len(start)
    required = handling * np.exp(bias + rng.normal(0, 0.05, n)) / OCCUPANCY
    scheduled = required * staffing * np.exp(rng.normal(0, 0.02, n))
    return pd.DataFrame({
        "start": start, "team": np.tile(np.repeat(np.arange(len(TEAMS)), len(WORKFORCE_CHANNELS)), n_slots),
        "channel": np.tile(np.asarray(WORKFORCE_CHANNELS), n_slots * len(TEAMS)), "month": month,
        "forecast_contacts": np.round(actual * np.exp(bias + rng.normal(0, 0.045, n)), 2),
        "actual_contacts": actual, "required_hours": np.round(required, 3),
        "scheduled_hours": np.round(scheduled, 3), "paid_hours": np.round(scheduled * (1 + overtime), 3),
        "handling_hours": np.round(handling, 4),
    })


def make_costs(months: Sequence[str], contacts: pd.DataFrame, workforce: pd.DataFrame) -> pd.DataFrame:
    """One row per month and cost line (fee, overtime, training, telephony), in EUR."""
    # counted on the month codes alone (selecting the handled rows of the frame copied all 24 columns)
    handled = np.bincount(contacts["month"].to_numpy()[contacts["handled"].to_numpy()], minlength=len(months))
    extra = (workforce["paid_hours"] - workforce["scheduled_hours"]).groupby(workforce["month"]).sum()
    rows = []
    for i, m in enumerate(months):
        wave = TRAINING_WAVE if plan(m).staffing < 0.9 else 1.0
        for category, amount in (("fee", FEE * handled[i]), ("overtime", OVERTIME_RATE * extra.get(i, 0.0)),
                                 ("training", TRAINING * wave * handled[i]),
                                 ("telephony", TELEPHONY * handled[i])):
            rows.append((m, category, round(float(amount), 2)))
    costs = pd.DataFrame(rows, columns=["period", "category", "amount"])
    costs["currency"] = "EUR"
    return costs


def make_volumes(rng: np.random.Generator, months: Sequence[str], contacts: pd.DataFrame) -> pd.DataFrame:
    """Bookings (so that contacts per booking is ~0.30) and active customers per month."""
    per_month = contacts.groupby("month").size().reindex(range(len(months)), fill_value=0).to_numpy()
    bookings = np.round(per_month / rng.uniform(0.29, 0.315, len(months))).astype(np.int64)
    return pd.DataFrame({"period": list(months), "bookings": bookings,
                         "active_customers": np.round(bookings * rng.uniform(0.78, 0.82, len(months)))
                         .astype(np.int64)})
