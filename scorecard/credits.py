"""Service credits: what the vendor owes each month for KPIs that missed their minimum, with the
at-risk cap, earn-back, chronic-failure flags, escalation of repeat misses and transition waivers,
and every amount explained in words.

The rows are credits.csv (docs/spec OUTPUTS.md) plus `explanation`, `channel`, `escalation` and
`would_have_been`: a vendor manager must be able to read, in the governance forum, which clause
produced which amount and how. Credits are monthly: a quarter or a year asked for is evaluated month
by month. Amounts are `Decimal`s rounded to the currency's minor unit (money.py): `credit` before the
cap, `paid` after it (the cap spread pro rata), so the paid rows of a month add up exactly to its
TOTAL. Months left out (term.py: outside the contract term or the data's span) carry no credit, and
count neither for earn-back, chronic failure nor escalation.

One credit line is a KPI as a whole (its vendor-level row) or one channel of it
(`allocations: {sl: {voice: 20%}}`: the KPI's row at grain channel, judged on that channel's own
minimum). Escalation multiplies a line's credit by the clause's factor for the 1st, 2nd, 3rd (and
later) consecutive red month of that line, before the cap; any month that is not red (amber, green,
not measurable, insufficient sample, left out, no result) or is in transition ends the run. In a
transition month (its first day before `until`) the credit is reduced or waived before the cap,
`would_have_been` keeps the credit without the transition, and the miss counts neither for
escalation nor for chronic failure.

A KPI measured quarterly (kpis.ID.measured) is judged only in a quarter's last month, so its
earn-back counts judged quarters: `earn_back.after: N months` becomes ceil(N / 3) quarters, and a
quarter's credit is returned when the KPI is green in each of the quarters since.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import pandas as pd

from . import explain, money, numbers
from .contract.model import Contract, ServiceCredits, Transition
from .errors import ContractError, Problem
from .explain import sentence
from .periods import QUARTERLY, months_between, parse_period, quarter_end, quarter_of, shift_month
from .render.format import fmt_date, kpi_label, word
from .scoring import GREEN, INSUFFICIENT, NOT_MEASURABLE, RED
from .term import LeftOut

CREDIT_COLUMNS = ["period", "kpi", "value", "minimum", "missed", "allocation", "credit", "earned_back",
                  "chronic_failure", "paid", "explanation", "channel", "escalation", "would_have_been"]
#: written in credits.csv after the columns of OUTPUTS.md
EXTRA_COLUMNS = ["channel", "escalation", "would_have_been"]
MONEY_COLUMNS = ("credit", "earned_back", "paid", "would_have_been")
TOTAL = "TOTAL"
_DTYPES = {"period": "str", "kpi": "str", "value": "float64", "minimum": "str", "missed": "bool",
           "allocation": "float64", "credit": "object", "earned_back": "object",
           "chronic_failure": "bool", "paid": "object", "explanation": "str", "channel": "str",
           "escalation": "float64", "would_have_been": "object"}


@dataclass(frozen=True)
class Line:
    """One credit allocation: a KPI as a whole (`channel` "") or one channel of it."""

    kpi: str
    channel: str
    share: float


@dataclass
class Settled:
    """What earlier contract versions priced (versions.py): the months they priced and the (credit,
    paid) of each line they had there. A line an earlier version did not have cost nothing in its
    months, so it can neither be earned back nor count as a miss for escalation or chronic failure."""

    months: set[str] = field(default_factory=set)
    lines: dict[tuple[str, str, str], tuple[Decimal, Decimal]] = field(default_factory=dict)

    def allocated(self, month: str, line: Line) -> bool:
        """False for a month an earlier version priced without this line."""
        return month not in self.months or (month, line.kpi, line.channel) in self.lines


def line_label(contract: Contract, kpi: str, channel: str, lang: str) -> str:
    """A credit line as the forum names it: "Service level", "Service level (voice)" (a channel line
    drops the KPI's own channel filter from its label: "(voice)", not "(voice, chat) (voice)")."""
    if not channel:
        return kpi_label(contract, kpi, lang)
    spec = contract.kpis.get(kpi)
    if spec is not None and "channel" in spec.filter:
        unfiltered = replace(spec, filter={k: v for k, v in spec.filter.items() if k != "channel"})
        contract = replace(contract, kpis={**contract.kpis, kpi: unfiltered})
    return f"{kpi_label(contract, kpi, lang)} ({word('channels', channel, lang)})"


def credit_lines(clause: ServiceCredits) -> list[Line]:
    """The clause's allocations in contract order, the per-channel ones after the whole-KPI ones."""
    return ([Line(k, "", share) for k, share in clause.allocations.items()]
            + [Line(k, c, share) for k, channels in clause.channel_allocations.items()
               for c, share in channels.items()])


@dataclass(frozen=True)
class _Terms:
    """The money side of the clause, resolved once, and the language its sentences are written in."""

    contract: Contract
    clause: ServiceCredits
    at_risk_amount: Decimal  # the cap, rounded to the minor unit
    currency: str
    monthly_fee: Decimal
    lang: str

    @property
    def zero(self) -> Decimal:
        """0 written with the currency's decimals (0.00 EUR, 0 JPY), as credits.csv shows it."""
        return money.rounded(money.ZERO, self.currency)

    def say(self, key: str, **values: Any) -> str:
        return sentence(key, self.lang, **values)

    def money(self, amount: Decimal) -> str:
        return explain.money(amount, self.currency, self.lang)

    def percent(self, fraction: float) -> str:
        return explain.percent(fraction, self.lang)

    def label(self, line: Line) -> str:
        return line_label(self.contract, line.kpi, line.channel, self.lang)

    def at_risk_text(self) -> str:
        return self.say("credit.at_risk", share=self.percent(self.clause.at_risk), fee=self.money(self.monthly_fee))

    def transition_in(self, month: str) -> Transition | None:
        """The transition clause when the month is in it, else None."""
        transition = self.clause.transition
        return transition if transition is not None and transition.covers(month) else None


def empty_credits() -> pd.DataFrame:
    """The credits frame of a contract without service credits: the columns, no rows."""
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES[c]) for c in CREDIT_COLUMNS})


def compute_credits(scored: pd.DataFrame, contract: Contract, periods: Sequence[str],
                    left_out: Mapping[str, LeftOut] | None = None,
                    settled: Settled | None = None) -> pd.DataFrame:
    """credits.csv rows for the asked periods, months in the order asked.

    `scored` holds the scored monthly rows (grains vendor and channel; others are ignored) of every
    month up to the last asked one; earlier months are read so earn-back, chronic failure and
    escalation see the history. A line misses when its status is red; insufficient_sample and
    not_measurable never earn a credit. A month of `left_out` (any month of the history,
    term.left_out_months) earns nothing and counts for nothing; an asked one gets only a TOTAL row
    of zero saying why. `settled`: what earlier contract versions priced (versions.py), so an
    earn-back returns what was actually paid, and never a credit the earlier version did not charge.
    """
    clause = contract.service_credits
    if clause is None:
        return empty_credits()
    cap, fee = contract.at_risk_amount, contract.monthly_fee
    if cap is None or fee is None:
        raise ContractError(Problem("service credits need the contract's monthly fee", file=contract.path,
                                    field="contract.monthly_fee", hint="add monthly_fee: 480000"))
    terms = _Terms(contract, clause, cap, contract.currency, money.exact(fee), contract.language)
    asked = list(dict.fromkeys(m for p in periods for m in parse_period(p).months()))
    if not asked:
        return empty_credits()
    left_out = left_out or {}
    monthly = scored[scored["grain"].isin(["vendor", "channel"]) & scored["period"].str.fullmatch(r"\d{4}-\d{2}")]
    results = {(str(r["period"]), str(r["kpi"]), "" if r["grain"] == "vendor" else str(r["entity"])): r
               for r in monthly.to_dict("records") if str(r["period"]) not in left_out}
    first = min([*asked, *(p for p, _, _ in results)])
    ledger = _Ledger(terms, credit_lines(clause), results, months_between(first, max(asked)), settled or Settled())
    rows: list[dict[str, Any]] = []
    for month in asked:
        if month in left_out:
            rows.append(ledger.left_out_row(month, left_out[month]))
            continue
        line_rows = [ledger.line_row(month, line) for line in ledger.lines]
        rows.extend(line_rows)
        rows.append(ledger.total_row(month, line_rows))
    return pd.DataFrame(rows, columns=CREDIT_COLUMNS).astype(_DTYPES)


class _Ledger:
    """Credits and amounts actually paid per (month, line), computed once over the whole history."""

    def __init__(self, terms: _Terms, lines: list[Line], results: dict[tuple[str, str, str], dict[str, Any]],
                 timeline: list[str], settled: Settled):
        self.terms = terms
        self.settled = settled
        self.lines = lines
        self.results = results
        self.full: dict[tuple[str, Line], Decimal] = {}  # credit without the transition, before the cap
        self.charged: dict[tuple[str, Line], Decimal] = {}  # credit after the transition, before the cap
        self.raw: dict[str, Decimal] = {}  # month -> sum of the charged credits
        self.paid: dict[tuple[str, Line], Decimal] = {}  # credit after the cap
        for month in timeline:
            for line in lines:
                self.full[(month, line)], self.charged[(month, line)] = self._credit(month, line)
            credits = [self.charged[(month, line)] for line in lines]
            self.raw[month] = sum(credits, terms.zero)
            paid = (credits if self.raw[month] <= terms.at_risk_amount else
                    money.spread(terms.at_risk_amount, credits, terms.currency))
            self.paid.update({(month, line): p for line, p in zip(lines, paid, strict=True)})
            if month in settled.months:
                for line in lines:
                    self.charged[(month, line)], self.paid[(month, line)] = settled.lines.get(
                        (month, line.kpi, line.channel), (terms.zero, terms.zero))

    def row(self, month: str, line: Line) -> dict[str, Any] | None:
        return self.results.get((month, line.kpi, line.channel))

    def status(self, month: str, line: Line) -> str:
        row = self.row(month, line)
        return "" if row is None else str(row["status"])

    def missed(self, month: str, line: Line) -> bool:
        """Red in a month the line was allocated in (an earlier version without it charged nothing)."""
        return self.status(month, line) == RED and self.settled.allocated(month, line)

    def run(self, month: str, line: Line) -> int:
        """Consecutive red months of the line ending with this one, outside the transition."""
        n = 0
        while self.missed(month, line) and self.terms.transition_in(month) is None:
            n, month = n + 1, shift_month(month, -1)
        return n

    def multiplier(self, month: str, line: Line) -> float:
        """The escalation factor of this month's credit: 1 without escalation, in transition or on
        a first miss of the clause's list [1, 1.5, 2]."""
        factors = self.terms.clause.escalation
        run = self.run(month, line)
        return factors[min(run, len(factors)) - 1] if factors and run else 1.0

    def _credit(self, month: str, line: Line) -> tuple[Decimal, Decimal]:
        """(the credit the miss earns with escalation, the credit charged after the transition)."""
        zero = self.terms.zero
        if not self.missed(month, line):
            return zero, zero
        full = money.amount(self.terms.currency, self.terms.at_risk_amount, line.share, self.multiplier(month, line))
        transition = self.terms.transition_in(month)
        if transition is None:
            return full, full
        return full, money.amount(self.terms.currency, full, 1 - money.exact(transition.reduction))

    def capped(self, month: str) -> bool:
        return self.raw.get(month, self.terms.zero) > self.terms.at_risk_amount

    def cap_factor(self, month: str) -> float:
        """Share of each KPI credit paid, as the sentences state it: 1, or at-risk / sum of credits."""
        return float(self.terms.at_risk_amount / self.raw[month]) if self.capped(month) else 1.0

    def quarterly(self, line: Line) -> bool:
        spec = self.terms.contract.kpis.get(line.kpi)
        return spec is not None and spec.measured == QUARTERLY

    def earned_back(self, month: str, line: Line) -> tuple[Decimal, str]:
        """The credit of month - N returned now because the line was green in each of the N months
        since; (0, "") otherwise. At most one month can be returned: a green month has no credit.
        A quarterly KPI counts judged quarters (the quarter-end months) instead of months."""
        n = self.terms.clause.earn_back_months
        if not n:
            return self.terms.zero, ""
        quarterly = self.quarterly(line)
        source = shift_month(month, -(3 * math.ceil(n / 3) if quarterly else n))
        paid = self.paid.get((source, line), self.terms.zero)
        following = [m for m in months_between(shift_month(source, 1), month)
                     if not quarterly or quarter_end(m)]
        if paid <= 0 or any(self.status(m, line) != GREEN for m in following):
            return self.terms.zero, ""
        raw = self.charged[(source, line)]
        amount = self.terms.money(raw) if paid == raw else \
            self.terms.say("credit.capped_amount", raw=self.terms.money(raw), paid=self.terms.money(paid))
        row = self.results[(month, line.kpi, line.channel)]  # green, so it has a result
        target = explain.threshold(str(row["target"]), str(row["unit"]), self.terms.lang)
        if quarterly:
            quarters = [quarter_of(m) for m in following]
            return paid, self.terms.say("credit.earn_back_quarterly", kpi=self.terms.label(line), target=target,
                                        quarters=explain.listing(quarters, self.terms.lang), source=source,
                                        amount=amount, paid=self.terms.money(paid), n=n)
        return paid, self.terms.say("credit.earn_back", kpi=self.terms.label(line), target=target,
                                    months=explain.listing(following, self.terms.lang), source=source,
                                    amount=amount, paid=self.terms.money(paid), n=n)

    def chronic(self, month: str, line: Line) -> tuple[bool, str]:
        """At least `misses` misses of the line within the `within` months ending with this one; a
        miss in the transition period is forgiven (the ramp-up is what the transition is for)."""
        misses, within = self.terms.clause.chronic_misses, self.terms.clause.chronic_within_months
        if not misses or not within:
            return False, ""
        window = months_between(shift_month(month, -(within - 1)), month)
        missed = [m for m in window if self.missed(m, line) and self.terms.transition_in(m) is None]
        if len(missed) < misses:
            return False, ""
        return True, self.terms.say("credit.chronic", count=len(missed), within=within, month=month,
                                    missed=", ".join(missed), misses=misses)

    def line_row(self, month: str, line: Line) -> dict[str, Any]:
        row = self.row(month, line)
        full, credit, paid = self.full[(month, line)], self.charged[(month, line)], self.paid[(month, line)]
        back, back_text = self.earned_back(month, line)
        chronic, chronic_text = self.chronic(month, line)
        threshold = "" if row is None else str(row["minimum"] or row["target"])
        paid_text = self.terms.say("credit.capped_paid", paid=self.terms.money(paid)) if paid != credit else ""
        reason = self._reason(month, line, row, full)
        text = " ".join(t for t in (reason, self._transition_text(month, full, credit), paid_text, back_text,
                                    chronic_text) if t)
        return {"period": month, "kpi": line.kpi, "value": math.nan if row is None else row["value"],
                "minimum": threshold, "missed": self.missed(month, line), "allocation": line.share,
                "credit": credit, "earned_back": back, "chronic_failure": chronic, "paid": paid,
                "explanation": text, "channel": line.channel, "escalation": self.multiplier(month, line),
                "would_have_been": full}

    def _reason(self, month: str, line: Line, row: dict[str, Any] | None, credit: Decimal) -> str:
        """Why this line did or did not earn a credit this month, with the arithmetic."""
        say, lang, kpi = self.terms.say, self.terms.lang, self.terms.label(line)
        if row is None:
            return say("credit.no_result", kpi=kpi, month=month)
        status = row["status"]
        if status == NOT_MEASURABLE:
            return say("credit.not_measurable", kpi=kpi, month=month,
                       note=row["note"] or sentence("word.no_value", lang))
        if status == INSUFFICIENT:
            return say("credit.insufficient_sample", kpi=kpi, month=month, n=numbers.number(row["n"], 0, lang),
                       min_sample=self.terms.contract.kpis[line.kpi].min_sample)
        level = sentence("word.minimum" if row["minimum"] else "word.target", lang)
        threshold = explain.threshold(str(row["minimum"] or row["target"]), str(row["unit"]), lang)
        value = explain.value(row["value"], row["unit"], lang)
        if status != RED:
            return say("credit.met", kpi=kpi, value=value, level=level, threshold=threshold)
        factor = self.multiplier(month, line)
        run = self.run(month, line)
        multiplier = say("escalation.factor", multiplier=explain.plain(factor, lang)) if factor != 1 else ""
        escalation = (say("escalation.run", multiplier=explain.plain(factor, lang), ordinal=explain.ordinal(run, lang),
                          level=level) if self.terms.clause.escalation and run > 1 else "")
        return say("credit.missed", kpi=kpi, value=value, level=level, threshold=threshold,
                   allocation=self.terms.percent(line.share), at_risk=self.terms.at_risk_text(),
                   at_risk_amount=self.terms.money(self.terms.at_risk_amount), multiplier=multiplier,
                   credit=self.terms.money(credit), escalation=escalation)

    def _transition_text(self, month: str, full: Decimal, charged: Decimal) -> str:
        """What the transition took off this line's credit, when it had one to take."""
        transition = self.terms.transition_in(month)
        if transition is None or full == 0:
            return ""
        until = fmt_date(transition.until, self.terms.lang)
        values = {"until": until, "full": self.terms.money(full), "charged": self.terms.money(charged)}
        if transition.reduction >= 1:
            return self.terms.say("credit.waived", **values)
        return self.terms.say("credit.reduced", reduction=self.terms.percent(transition.reduction),
                              kept=self.terms.percent(1 - transition.reduction), **values)

    def total_row(self, month: str, line_rows: list[dict[str, Any]]) -> dict[str, Any]:
        raw = self.raw[month]
        cap = self.terms.at_risk_amount
        total = sum((r["paid"] for r in line_rows), self.terms.zero)  # min(raw, cap), exactly
        back = sum((r["earned_back"] for r in line_rows), self.terms.zero)
        full = min(sum((r["would_have_been"] for r in line_rows), self.terms.zero), cap)
        labels = [self.terms.label(line) for line in self.lines]
        chronic = [name for name, r in zip(labels, line_rows, strict=True) if r["chronic_failure"]]
        say, amount = self.terms.say, self.terms.money
        cap_text = say("total.cap", amount=amount(cap), at_risk=self.terms.at_risk_text())
        if raw == 0 and not any(r["missed"] for r in line_rows):
            text = say("total.none", month=month, cap=cap_text)
        elif not self.capped(month):
            parts = [amount(r["credit"]) for r in line_rows if r["credit"] > 0]
            sum_text = say("total.sum", parts=" + ".join(parts)) if len(parts) > 1 else ""
            text = say("total.within", month=month, sum=sum_text, total=amount(total), cap=cap_text)
        else:
            text = say("total.capped", month=month, raw=amount(raw), cap=cap_text, total=amount(total),
                       factor=self.terms.percent(self.cap_factor(month)))
            paid = " + ".join(f"{name} {amount(r['paid'])}" for name, r in zip(labels, line_rows, strict=True)
                              if r["credit"] > 0)
            text += " " + say("total.spread", parts=paid, total=amount(total), raw=amount(raw),
                              unit=explain.minor_unit(self.terms.currency, self.terms.lang))
        transition = self.terms.transition_in(month)
        if transition is not None and full != total:
            text += " " + self._total_transition(transition, full)
        if back > 0:
            text += " " + say("total.earned_back", amount=amount(back))
        if chronic:
            text += " " + say("total.chronic", kpis=", ".join(chronic))
        return {"period": month, "kpi": TOTAL, "value": math.nan, "minimum": "",
                "missed": any(r["missed"] for r in line_rows),
                "allocation": math.fsum(r["allocation"] for r in line_rows), "credit": total,
                "earned_back": back, "chronic_failure": bool(chronic), "paid": total, "explanation": text,
                "channel": "", "escalation": math.nan, "would_have_been": full}

    def _total_transition(self, transition: Transition, full: Decimal) -> str:
        how = (self.terms.say("total.waived") if transition.reduction >= 1 else
               self.terms.say("total.reduced", reduction=self.terms.percent(transition.reduction)))
        return self.terms.say("total.transition", until=fmt_date(transition.until, self.terms.lang), how=how,
                              full=self.terms.money(full))

    def left_out_row(self, month: str, why: LeftOut) -> dict[str, Any]:
        """The one row of a month that is not charged: zero, and why."""
        text = self.terms.say("total.left_out", month=month, reason=why.text(self.terms.lang))
        zero = self.terms.zero
        return {"period": month, "kpi": TOTAL, "value": math.nan, "minimum": "", "missed": False,
                "allocation": math.nan, "credit": zero, "earned_back": zero, "chronic_failure": False,
                "paid": zero, "explanation": text, "channel": "", "escalation": math.nan, "would_have_been": zero}
