"""Review rules that read the contract alone: balance of speed and quality, ownership, weights,
bands and the money at stake. Each rule returns findings; none changes the contract.

The thresholds are outsourcing practice, stated in each finding's `why` so a vendor manager can
weigh them: COPC and most BPO scorecards keep 5 to 7 KPIs per role, cap service credits near 10-15 %
of the fee (more is priced into the fee) and pair every speed target with a quality counterweight.
"""

from __future__ import annotations

from ..contract.model import Contract, KpiSpec
from .amendment_rule import easier_amendment
from .credit_rules import long_transition, uncapped_escalation
from .findings import ADVICE, WARNING, Finding, Locator
from .version_rules import amended_findings

SPEED_METRICS = frozenset({"average_handle_time", "average_speed_of_answer", "first_response_time",
                           "total_resolution_time", "turnaround_time"})
QUALITY_METRICS = frozenset({"first_contact_resolution", "csat", "dsat", "quality_score",
                             "repeat_contact_rate", "agents_meeting_quality", "qa_error_rate"})
MAX_ROLE_KPIS = 7
MAX_AT_RISK = 0.20
MAX_ALLOCATION_SHARE = 0.50


def _credited(contract: Contract) -> dict[str, float]:
    """KPI id -> its credit share, as a whole or summed over its channels."""
    credits = contract.service_credits
    if credits is None:
        return {}
    return {**credits.allocations, **{k: sum(c.values()) for k, c in credits.channel_allocations.items()}}


def _scored(contract: Contract, kpi: str) -> bool:
    """The KPI moves money or the overall score: it carries a weight or a credit allocation."""
    return kpi in contract.scoring.weights or kpi in _credited(contract)


def _covers(guard: KpiSpec, speed: KpiSpec) -> bool:
    """Every contact the speed KPI counts is also counted by the guard (same or wider filter)."""
    return all(key in speed.filter and set(speed.filter[key]) <= set(values)
               for key, values in guard.filter.items())


def unguarded_speed(contract: Contract, at: Locator) -> list[Finding]:
    found = []
    for kpi in contract.kpis.values():
        if kpi.metric not in SPEED_METRICS or not _scored(contract, kpi.id):
            continue
        guards = [g for g in contract.kpis.values() if g.metric in QUALITY_METRICS
                  and _scored(contract, g.id) and _covers(g, kpi)]
        if guards:
            continue
        scope = ", ".join(f"{k}: {'/'.join(v)}" for k, v in kpi.filter.items()) or "all channels"
        found.append(at.finding(
            "unguarded_speed", WARNING, ("kpis", kpi.id), kpi=kpi.id,
            message=f"{kpi.id} rewards speed ({kpi.metric}, {scope}) but no weighted or credited quality "
                    "KPI (FCR, CSAT/DSAT, QA score, repeat contacts) covers the same contacts",
            why="speed can be bought with quality: agents rush calls, transfer or close hard requests and "
                "pick the easy ones (balanced-scorecard practice pairs every speed KPI with a quality one)",
            suggestion=f"weight or credit a quality KPI over the same contacts, e.g. first_contact_resolution "
                       f"or csat with filter {dict(kpi.filter) or '{}'}"))
    return found


def ownership(contract: Contract, at: Locator) -> list[Finding]:
    """no_owner and too_many_kpis: every KPI on some card, no card with more than 7."""
    roles = contract.card_roles()
    carried = {k for role in roles.values() for k in role.kpis}
    found = [at.finding(
        "no_owner", WARNING, ("kpis", k), kpi=k,
        message=f"no role's scorecard shows {k}",
        why="a KPI nobody sees on their card is managed by nobody until it misses",
        suggestion=f"add {k} to the kpis of the role that acts on it (roles.<role>.kpis)")
        for k in contract.kpis if k not in carried]
    for role in roles.values():
        if len(role.kpis) > MAX_ROLE_KPIS:
            found.append(at.finding(
                "too_many_kpis", WARNING, ("roles", role.name, "kpis"),
                message=f"role {role.name} carries {len(role.kpis)} KPIs",
                why=f"people act on a handful of numbers: scorecard practice (COPC, balanced scorecard) keeps "
                    f"{MAX_ROLE_KPIS} or fewer per role, the rest are reported, not managed",
                suggestion=f"keep the {MAX_ROLE_KPIS} KPIs this role acts on and leave the others to the deck"))
    return found


def unweighted(contract: Contract, at: Locator) -> list[Finding]:
    weights = contract.scoring.weights
    carried = {k for role in contract.card_roles().values() for k in role.kpis}
    found = [at.finding(
        "unweighted", WARNING, ("service_credits", "allocations", k), kpi=k,
        message=f"{k} earns service credits but has no weight in the overall score",
        why="the vendor pays for a miss that the scorecard's overall score does not show, so the forum "
            "sees a good score and a credit at the same time",
        suggestion=f"add {k} to scoring.weights")
        for k in _credited(contract) if weights and k not in weights]
    found += [at.finding(
        "unweighted", WARNING, ("scoring", "weights", k), kpi=k,
        message=f"{k} is weighted in the overall score but is on no role's scorecard",
        why="a weight moves the score and the bonus; nobody sees the KPI that moved it",
        suggestion=f"add {k} to a role's kpis, or remove its weight")
        for k in weights if k not in carried]
    return found


def bands(contract: Contract, at: Locator) -> list[Finding]:
    """no_amber_band: a minimum equal to the target leaves no room between met and missed."""
    return [at.finding(
        "no_amber_band", WARNING, ("kpis", k.id, "minimum"), kpi=k.id,
        message=f"{k.id}: the minimum ({k.minimum.text}) equals the target ({k.target.text})",
        why="with no amber band every month is green or a credit: half the months a vendor performing "
            "exactly at target would pay, for noise alone",
        suggestion="set the minimum below the target (the review's --data option measures how far)")
        for k in contract.kpis.values()
        if k.target and k.minimum and k.target.op == k.minimum.op and k.target.value == k.minimum.value]


def money_at_stake(contract: Contract, at: Locator) -> list[Finding]:
    """at_risk_high, allocation_concentrated, no_earn_back, no_chronic_failure."""
    credits = contract.service_credits
    if credits is None:
        return []
    found = []
    if credits.at_risk > MAX_AT_RISK:
        found.append(at.finding(
            "at_risk_high", WARNING, ("service_credits", "at_risk"),
            message=f"{credits.at_risk:.0%} of the monthly fee is at risk",
            why=f"above {MAX_AT_RISK:.0%} vendors price the risk into the fee, so the client pays for it "
                "either way (common practice: 10-15 %)",
            suggestion="lower at_risk to 15% or less, and use chronic_failure for persistent misses"))
    for k, share in _credited(contract).items():
        if credits.pool and share / credits.pool > MAX_ALLOCATION_SHARE:
            found.append(at.finding(
                "allocation_concentrated", WARNING, ("service_credits", "allocations", k), kpi=k,
                message=f"{k} holds {share:.0%} of a {credits.pool:.0%} pool ({share / credits.pool:.0%} of it)",
                why="one KPI with most of the pool makes the vendor manage that number at the expense of the "
                    "others",
                suggestion="spread the pool so that no KPI has more than half of it"))
    remedies = (
        ("no_earn_back", credits.earn_back_months, "service credits have no earn-back",
         ("an earn-back (a credit returned after months at target) rewards recovery rather than only "
          "punishing a miss"), "earn_back: {after: 3 months}"),
        ("no_chronic_failure", credits.chronic_misses, "service credits have no chronic-failure clause",
         ("credits are capped; repeated misses need a stronger remedy (a termination right or a "
          "remediation plan)"), "chronic_failure: {misses: 3, within: 6 months}"))
    found += [at.finding(rule, ADVICE, ("service_credits",), message=message, why=why,
                         suggestion=f"add under service_credits:  {clause}")
              for rule, present, message, why, clause in remedies if not present]
    return found


#: the rules on one version's clauses; the transition cannot be amended and easier_amendment
#: compares versions itself, so those two run once
CLAUSE_RULES = (unguarded_speed, ownership, unweighted, bands, money_at_stake, uncapped_escalation)
ONCE_RULES = (easier_amendment, long_transition)


def contract_findings(contract: Contract, at: Locator) -> list[Finding]:
    """Every rule on the base, then the clause rules on each amended version (what is new there)."""
    base = [f for rule in CLAUSE_RULES for f in rule(contract, at)]
    return [*base, *amended_findings(contract, at, CLAUSE_RULES, base),
            *(f for rule in ONCE_RULES for f in rule(contract, at))]
