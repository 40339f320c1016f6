"""The fixed world of the demo: the Acme Travel / Nordlys contract, its sites, channels, reasons and storyline.

Everything a vendor manager would recognise lives here as data, so the generator modules only hold
mechanics. The calendar values copy docs/spec/contract-sketch.yaml (Europe/Paris, business hours
mon-fri 08:00-20:00, sat 09:00-13:00, French holidays 2026); the storyline is keyed by month so that
other months (e.g. 2026-09..12 in a 12-month benchmark run) fall back to an ordinary, green month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TIMEZONE = "Europe/Paris"
VENDOR = "Nordlys Contact Services"
DEMO_MONTHS: tuple[str, ...] = tuple(f"2026-{m:02d}" for m in range(1, 9))
HOLIDAYS: tuple[str, ...] = ("2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14",
                             "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25")

# Opening hours per weekday (0 = Monday): (open hour, close hour), local time. None = closed.
Hours = dict[int, tuple[float, float]]
BUSINESS_HOURS: Hours = {0: (8, 20), 1: (8, 20), 2: (8, 20), 3: (8, 20), 4: (8, 20), 5: (9, 13)}
# The phone and chat lines also open on public holidays, on a reduced 09:00-13:00 rota.
LIVE_HOLIDAY_HOURS = (9.0, 13.0)
# The social-media desk works every day 08:00-22:00 (posts are public; the brand answers them fast).
SOCIAL_HOURS: Hours = {d: (8, 22) for d in range(7)}

CHANNELS: tuple[str, ...] = ("voice", "chat", "email", "social", "self_service")
CHANNEL_SHARE = np.array([0.45, 0.20, 0.18, 0.05, 0.12])
LIVE = (0, 1)                      # channel codes answered in real time (voice, chat)
SELF_SERVICE = 4
WORKFORCE_CHANNELS = (0, 1, 2)     # voice, chat, email are planned in 30-minute intervals

SITES: tuple[str, ...] = ("Lisbon", "Tunis")
TEAMS: tuple[str, ...] = ("LIS-1", "LIS-2", "LIS-3", "TUN-1", "TUN-2", "TUN-3")
TEAM_SITE = np.array([0, 0, 0, 1, 1, 1])
# Share of each channel's contacts routed to each team: Tunis carries most calls, Lisbon the
# multilingual written channels.
ROUTING = np.array([
    [0.12, 0.12, 0.10, 0.22, 0.22, 0.22],   # voice
    [0.25, 0.25, 0.20, 0.10, 0.10, 0.10],   # chat
    [0.20, 0.20, 0.20, 0.13, 0.13, 0.14],   # email
    [0.30, 0.30, 0.20, 0.07, 0.07, 0.06],   # social
])

REASONS: tuple[str, ...] = ("booking change", "cancellation", "refund", "baggage", "payment",
                            "complaint", "loyalty", "information")
REASON_SHARE = np.array([0.22, 0.14, 0.14, 0.10, 0.10, 0.07, 0.08, 0.15])
REASON_AHT = np.array([1.05, 1.0, 1.15, 0.95, 1.0, 1.35, 0.85, 0.7])        # handle-time multiplier
REASON_REPEAT = np.array([1.0, 0.9, 1.5, 1.2, 1.1, 1.6, 0.6, 0.45])       # call-back propensity
REASON_CSAT = np.array([0.0, -0.1, -0.35, -0.2, -0.1, -0.7, 0.25, 0.35])  # satisfaction logit shift
REASON_BOOKING = np.array([0.95, 0.95, 0.9, 0.9, 0.85, 0.7, 0.3, 0.25])   # share naming a booking

# Handle time (seconds): lognormal median and sigma per handled channel (voice ~6.5 min, chat ~11).
AHT_MEDIAN = np.array([365.0, 600.0, 420.0, 240.0])
AHT_SIGMA = np.array([0.45, 0.40, 0.50, 0.50])
TRANSFER_RATE = np.array([0.085, 0.07, 0.04, 0.03])

VENDOR_EVALUATORS: tuple[str, ...] = ("QA-V1", "QA-V2", "QA-V3", "QA-V4", "QA-V5")
CLIENT_EVALUATORS: tuple[str, ...] = ("QA-C1", "QA-C2")   # QA-C1 is Acme's QA expert: the reference
LENIENT, HARSH = "QA-V2", "QA-V4"


@dataclass(frozen=True)
class MonthPlan:
    """What happens in one month; the generator turns these levers into measured data.

    volume: relative contact volume; staffing: scheduled / required hours (queue waits follow it);
    overtime: paid hours above schedule; forecast_bias: log error of the forecast (negative = the
    surge was not forecast); csat: expected share of 4-5 answers; qa_shift: points on every QA
    score; calibration_drift: the lenient and harsh evaluators drift out of tolerance.
    """

    volume: float = 1.0
    staffing: float = 1.01
    overtime: float = 0.02
    forecast_bias: float = 0.0
    csat: float = 0.875
    qa_shift: float = 0.0
    calibration_drift: bool = False


STORYLINE: dict[str, MonthPlan] = {
    "2026-01": MonthPlan(volume=1.02, csat=0.87),
    "2026-02": MonthPlan(volume=0.94, csat=0.875, calibration_drift=True),
    # March: attrition and a late training wave leave the floor understaffed during a volume surge.
    "2026-03": MonthPlan(volume=1.07, staffing=0.82, overtime=0.12, forecast_bias=-0.08,
                         csat=0.735, qa_shift=-2.5),
    "2026-04": MonthPlan(volume=1.0, staffing=1.05, overtime=0.01, csat=0.815, qa_shift=-0.5),
    "2026-05": MonthPlan(volume=0.97, staffing=1.04, csat=0.88, calibration_drift=True),
    "2026-06": MonthPlan(volume=1.0, staffing=1.04, csat=0.885),
    # July: the summer peak stretches the voice queue (amber), nothing worse.
    "2026-07": MonthPlan(volume=1.04, staffing=0.95, overtime=0.05, csat=0.88, calibration_drift=True),
    "2026-08": MonthPlan(volume=0.98, staffing=1.02, csat=0.88),
}


def plan(month: str) -> MonthPlan:
    """The storyline of a month; months outside it are ordinary (green) months."""
    return STORYLINE.get(month, MonthPlan())
