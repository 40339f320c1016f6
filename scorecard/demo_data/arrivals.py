"""When contacts arrive: weekday and intraday curves per channel, sampled per 30-minute slot.

Calls and chats peak mid-morning and early afternoon and only arrive while the lines are open
(Sunday closed, holidays on a short rota with little traffic); e-mails, social posts and self-service
sessions arrive around the clock, with an evening bump, because customers write after work.
"""

from __future__ import annotations

import numpy as np

from .clock import SLOT_S, slots
from .setting import BUSINESS_HOURS, CHANNEL_SHARE, CHANNELS, LIVE, LIVE_HOLIDAY_HOURS

# Gaussian bumps (centre hour, width h, height) on top of a base level, per channel.
_CURVES: dict[str, tuple[float, tuple[tuple[float, float, float], ...]]] = {
    "voice": (0.25, ((10.5, 1.3, 1.0), (14.5, 1.5, 0.75), (18.0, 1.0, 0.2))),
    "chat": (0.3, ((11.0, 1.5, 0.9), (15.0, 1.8, 0.8), (19.0, 1.2, 0.35))),
    "email": (0.06, ((10.0, 2.0, 1.0), (14.5, 2.0, 0.8), (21.0, 1.8, 0.5))),
    "social": (0.08, ((12.0, 2.5, 0.6), (20.5, 1.8, 0.9))),
    "self_service": (0.1, ((11.0, 2.5, 0.7), (21.0, 2.0, 0.9))),
}
# Weekday factors Monday..Sunday and the factor on a public holiday.
_DAYS: dict[str, tuple[tuple[float, ...], float]] = {
    "voice": ((1.25, 1.1, 1.0, 1.0, 0.95, 0.9, 0.0), 0.35),
    "chat": ((1.2, 1.1, 1.0, 1.0, 0.95, 0.9, 0.0), 0.35),
    "email": ((1.2, 1.05, 1.0, 1.0, 0.95, 0.55, 0.5), 0.4),
    "social": ((1.1, 1.0, 1.0, 1.0, 1.0, 0.8, 0.8), 0.6),
    "self_service": ((1.1, 1.0, 1.0, 1.0, 1.0, 0.9, 0.85), 0.7),
}


def _intraday(channel: str, hour: np.ndarray) -> np.ndarray:
    """Relative arrival intensity at a local hour of day."""
    base, bumps = _CURVES[channel]
    out = np.full(np.shape(hour), base, dtype=float)
    for centre, width, height in bumps:
        out += height * np.exp(-0.5 * ((hour - centre) / width) ** 2)
    return out


def _live_open(hour: np.ndarray, weekday: np.ndarray, holiday: np.ndarray) -> np.ndarray:
    """Whether the phone/chat lines are open in a slot (slots align with the half-hour opening times)."""
    o = np.full(hour.shape, np.inf)
    c = np.full(hour.shape, -np.inf)
    for day, (a, b) in BUSINESS_HOURS.items():
        o[weekday == day], c[weekday == day] = a, b
    o[holiday], c[holiday] = LIVE_HOLIDAY_HOURS
    return (hour >= o) & (hour < c)


def slot_weights(month: str) -> tuple[np.ndarray, np.ndarray]:
    """Slot starts and a (channel x slot) matrix of arrival probabilities for the month."""
    s = slots(month)
    hour, weekday, holiday = s["hour"].to_numpy(), s["weekday"].to_numpy(), s["holiday"].to_numpy()
    weights = np.empty((len(CHANNELS), len(s)))
    for c, name in enumerate(CHANNELS):
        week, on_holiday = _DAYS[name]
        w = _intraday(name, hour) * np.where(holiday, on_holiday, np.asarray(week)[weekday])
        if c in LIVE:
            w = w * _live_open(hour, weekday, holiday)
        weights[c] = w / w.sum()
    return s["start"].to_numpy(), weights


def arrivals(rng: np.random.Generator, month: str, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n contacts of a month: created_at (epoch s), channel code and the intraday load of their slot.

    The load (slot intensity / the channel's mean intensity over its open slots) lets the queue
    model make peaks wait longer than quiet hours.
    """
    starts, weights = slot_weights(month)
    per_channel = rng.multinomial(n, CHANNEL_SHARE)
    created, channel, load = [], [], []
    for c, k in enumerate(per_channel):
        counts = rng.multinomial(k, weights[c])
        slot = np.repeat(np.arange(len(starts)), counts)
        created.append(starts[slot] + rng.uniform(0.0, SLOT_S, k))
        channel.append(np.full(k, c, dtype=np.int8))
        open_mean = weights[c][weights[c] > 0].mean()
        load.append(weights[c][slot] / open_mean)
    return np.concatenate(created), np.concatenate(channel), np.concatenate(load)
