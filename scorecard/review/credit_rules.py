"""Review of the credit clauses that move money over time: a long transition, an escalation whose
repeat-miss credits only the monthly cap stops.

A ramp-up transition is usually three months, rarely more than six: beyond that the waiver covers
business-as-usual months. Escalation multiplies a repeat miss's credit before the at-risk cap; when
the escalated credits can add up to more than the at-risk amount, the cap, not the multiplier,
decides what is paid, and every other KPI's credit of that month is cut pro rata.
"""

from __future__ import annotations

from ..contract.model import Contract
from ..periods import months_between
from .findings import ADVICE, Finding, Locator

MAX_TRANSITION_MONTHS = 6


def long_transition(contract: Contract, at: Locator) -> list[Finding]:
    """transition_long: more than 6 months in transition from the contract's effective date."""
    credits = contract.service_credits
    transition = credits.transition if credits else None
    if transition is None or contract.effective is None:
        return []
    start, until = contract.effective, transition.until
    months = [m for m in months_between(f"{start:%Y-%m}", f"{until:%Y-%m}") if transition.covers(m)]
    if len(months) <= MAX_TRANSITION_MONTHS:
        return []
    how = {"waived": "credits waived", "reduced": f"credits reduced by {transition.reduction:.0%}"}.get(
        transition.credits, "softer targets")
    return [at.finding(
        "transition_long", ADVICE, ("service_credits", "transition", "until"),
        message=f"the transition lasts {len(months)} months ({months[0]} to {months[-1]}), with {how}",
        why=f"a ramp-up is usually 3 months and rarely more than {MAX_TRANSITION_MONTHS}: after that the "
            "transition covers business-as-usual months, and a vendor missing its minimums is paid in full",
        suggestion=f"end the transition after {MAX_TRANSITION_MONTHS} months (until: "
                   f"{months[MAX_TRANSITION_MONTHS]}-01), or write the later months as an amendment")]


def uncapped_escalation(contract: Contract, at: Locator) -> list[Finding]:
    """escalation_uncapped: escalated credits can add up to more than the at-risk amount, where
    nothing but the monthly cap limits them."""
    credits = contract.service_credits
    if credits is None or not credits.escalation:
        return []
    allocated = sum(credits.allocations.values()) + sum(s for c in credits.channel_allocations.values()
                                                       for s in c.values())
    top = max(credits.escalation)
    if allocated * top <= 1 or top <= 1:
        return []
    return [at.finding(
        "escalation_uncapped", ADVICE, ("service_credits", "escalation"),
        message=f"escalation x {top:g} can take the credits to {allocated * top:.0%} of the at-risk amount, "
                f"and no cap of its own limits them: only the monthly cap ({credits.at_risk:.0%} of the fee) does",
        why="above the cap the escalated part is never paid, and in a capped month every KPI's credit is cut "
            "pro rata, so one KPI's repeat misses lower the credits of the KPIs that missed once",
        suggestion=f"keep allocations x the top multiplier within the at-risk amount (allocations adding up to "
                   f"{1 / top:.0%} or less with x {top:g}), or lower the top multiplier")]
