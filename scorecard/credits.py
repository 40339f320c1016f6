"""Service credits: what the vendor owes each month for KPIs that missed their minimum, with the
at-risk cap, earn-back and chronic-failure flags, and every amount explained in words.

The rows are credits.csv (docs/spec OUTPUTS.md) plus an `explanation` column: a vendor manager must
be able to read, in the governance forum, which clause produced which amount and how.
Credits are monthly: a quarter or a year asked for is evaluated month by month. Amounts are
`Decimal`s rounded to the currency's minor unit (money.py): `credit` before the cap, `paid` after
it (the cap spread pro rata), so the paid rows of a month add up exactly to its TOTAL. Months left
out (term.py: outside the contract term or the data's span) carry no credit, and count neither
for earn-back nor for chronic failure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from . import explain, money, numbers
from .contract.model import Contract, ServiceCredits
from .errors import ContractError, Problem
from .explain import sentence
from .periods import months_between, parse_period, shift_month
from .scoring import GREEN, INSUFFICIENT, NOT_MEASURABLE, RED
from .term import LeftOut

CREDIT_COLUMNS = ["period", "kpi", "value", "minimum", "missed", "allocation", "credit", "earned_back",
                  "chronic_failure", "paid", "explanation"]
MONEY_COLUMNS = ("credit", "earned_back", "paid")
TOTAL = "TOTAL"
_CLAUSE = "service_credits"
_DTYPES = {"period": "str", "kpi": "str", "value": "float64", "minimum": "str", "missed": "bool",
           "allocation": "float64", "credit": "object", "earned_back": "object",
           "chronic_failure": "bool", "paid": "object", "explanation": "str"}


@dataclass(frozen=True)
class _Terms:
    """The money side of the clause, resolved once, and the language its sentences are written in."""

    clause: ServiceCredits
    at_risk_amount: Decimal  # the cap, rounded to the minor unit
    currency: str
    monthly_fee: Decimal
    min_samples: dict[str, int]
    lang: str

    @property
    def zero(self) -> Decimal:
        """0 written with the currency's decimals (0.00 EUR, 0 JPY), as credits.csv shows it."""
        return money.rounded(money.ZERO, self.currency)

    def say(self, key: str, **values: Any) -> str:
        return sentence(key, self.lang, clause=_CLAUSE, **values)

    def money(self, amount: Decimal) -> str:
        return explain.money(amount, self.currency, self.lang)

    def percent(self, fraction: float) -> str:
        return explain.percent(fraction, self.lang)

    def at_risk_text(self) -> str:
        return self.say("credit.at_risk", share=self.percent(self.clause.at_risk), fee=self.money(self.monthly_fee))


def empty_credits() -> pd.DataFrame:
    """The credits frame of a contract without service credits: the columns, no rows."""
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES[c]) for c in CREDIT_COLUMNS})


def compute_credits(scored: pd.DataFrame, contract: Contract, periods: Sequence[str],
                    left_out: Mapping[str, LeftOut] | None = None) -> pd.DataFrame:
    """credits.csv rows for the asked periods, months in the order asked.

    `scored` holds the scored monthly vendor-grain rows of every month up to the last asked one;
    earlier months are read so earn-back and chronic failure see the history. A KPI misses when
    its status is red; insufficient_sample and not_measurable never earn a credit. A month of
    `left_out` (any month of the history, term.left_out_months) earns nothing and counts for
    nothing; an asked one gets only a TOTAL row of zero saying why.
    """
    clause = contract.service_credits
    if clause is None:
        return empty_credits()
    if contract.monthly_fee is None:
        raise ContractError(Problem("service credits need the contract's monthly fee", file=contract.path,
                                    field="contract.monthly_fee", hint="add monthly_fee: 480000"))
    currency = contract.currency
    terms = _Terms(clause, money.amount(currency, contract.monthly_fee, clause.at_risk), currency,
                   money.exact(contract.monthly_fee), {k: spec.min_sample for k, spec in contract.kpis.items()},
                   contract.language)
    asked = list(dict.fromkeys(m for p in periods for m in parse_period(p).months()))
    if not asked:
        return empty_credits()
    left_out = left_out or {}
    vendor = scored[(scored["grain"] == "vendor") & scored["period"].str.fullmatch(r"\d{4}-\d{2}")]
    results = {(str(p), str(k)): row for p, k, row in
               zip(vendor["period"], vendor["kpi"], vendor.to_dict("records"), strict=True)
               if str(p) not in left_out}
    first = min([*asked, *(p for p, _ in results)])
    ledger = _Ledger(terms, results, months_between(first, max(asked)))
    rows: list[dict[str, Any]] = []
    for month in asked:
        if month in left_out:
            rows.append(ledger.left_out_row(month, left_out[month]))
            continue
        kpi_rows = [ledger.kpi_row(month, kpi) for kpi in clause.allocations]
        rows.extend(kpi_rows)
        rows.append(ledger.total_row(month, kpi_rows))
    return pd.DataFrame(rows, columns=CREDIT_COLUMNS).astype(_DTYPES)


class _Ledger:
    """Credits and amounts actually paid per (month, kpi), computed once over the whole history."""

    def __init__(self, terms: _Terms, results: dict[tuple[str, str], dict[str, Any]], timeline: list[str]):
        self.terms = terms
        self.results = results
        self.raw: dict[str, Decimal] = {}  # month -> sum of the KPI credits before the cap
        self.paid: dict[tuple[str, str], Decimal] = {}  # (month, kpi) -> credit after the cap
        for month in timeline:
            credits = {k: self.credit(month, k) for k in terms.clause.allocations}
            self.raw[month] = sum(credits.values(), self.terms.zero)
            paid = (list(credits.values()) if self.raw[month] <= terms.at_risk_amount else
                    money.spread(terms.at_risk_amount, list(credits.values()), terms.currency))
            self.paid.update({(month, k): p for k, p in zip(credits, paid, strict=True)})

    def status(self, month: str, kpi: str) -> str:
        row = self.results.get((month, kpi))
        return "" if row is None else str(row["status"])

    def missed(self, month: str, kpi: str) -> bool:
        return self.status(month, kpi) == RED

    def credit(self, month: str, kpi: str) -> Decimal:
        if not self.missed(month, kpi):
            return self.terms.zero
        return money.amount(self.terms.currency, self.terms.at_risk_amount, self.terms.clause.allocations[kpi])

    def capped(self, month: str) -> bool:
        return self.raw.get(month, self.terms.zero) > self.terms.at_risk_amount

    def cap_factor(self, month: str) -> float:
        """Share of each KPI credit paid, as the sentences state it: 1, or at-risk / sum of credits."""
        return float(self.terms.at_risk_amount / self.raw[month]) if self.capped(month) else 1.0

    def earned_back(self, month: str, kpi: str) -> tuple[Decimal, str]:
        """The credit of month - N returned now because the KPI was green in each of the N months
        since; (0, "") otherwise. At most one month can be returned: a green month has no credit."""
        n = self.terms.clause.earn_back_months
        if not n:
            return self.terms.zero, ""
        source = shift_month(month, -n)
        paid = self.paid.get((source, kpi), self.terms.zero)
        following = months_between(shift_month(source, 1), month)
        if paid <= 0 or any(self.status(m, kpi) != GREEN for m in following):
            return self.terms.zero, ""
        raw = self.credit(source, kpi)
        amount = self.terms.money(raw) if paid == raw else \
            self.terms.say("credit.capped_amount", raw=self.terms.money(raw), paid=self.terms.money(paid))
        target = self.results[(month, kpi)]["target"]
        return paid, self.terms.say("credit.earn_back", kpi=kpi, target=target,
                                    months=explain.listing(following, self.terms.lang), source=source,
                                    amount=amount, paid=self.terms.money(paid), n=n)

    def chronic(self, month: str, kpi: str) -> tuple[bool, str]:
        """At least `misses` misses of the KPI within the `within` months ending with this one."""
        misses, within = self.terms.clause.chronic_misses, self.terms.clause.chronic_within_months
        if not misses or not within:
            return False, ""
        window = months_between(shift_month(month, -(within - 1)), month)
        missed = [m for m in window if self.missed(m, kpi)]
        if len(missed) < misses:
            return False, ""
        return True, self.terms.say("credit.chronic", count=len(missed), within=within, month=month,
                                    missed=", ".join(missed), misses=misses)

    def kpi_row(self, month: str, kpi: str) -> dict[str, Any]:
        row = self.results.get((month, kpi))
        allocation = self.terms.clause.allocations[kpi]
        credit, paid = self.credit(month, kpi), self.paid[(month, kpi)]
        back, back_text = self.earned_back(month, kpi)
        chronic, chronic_text = self.chronic(month, kpi)
        threshold = "" if row is None else str(row["minimum"] or row["target"])
        paid_text = self.terms.say("credit.capped_paid", paid=self.terms.money(paid)) if paid != credit else ""
        reason = self._reason(month, kpi, row, allocation, credit)
        text = " ".join(t for t in (reason, paid_text, back_text, chronic_text) if t)
        return {"period": month, "kpi": kpi, "value": math.nan if row is None else row["value"],
                "minimum": threshold, "missed": self.missed(month, kpi),
                "allocation": allocation, "credit": credit, "earned_back": back,
                "chronic_failure": chronic, "paid": paid, "explanation": text}

    def _reason(self, month: str, kpi: str, row: dict[str, Any] | None, allocation: float,
                credit: Decimal) -> str:
        """Why this KPI did or did not earn a credit this month, with the arithmetic."""
        say, lang = self.terms.say, self.terms.lang
        if row is None:
            return say("credit.no_result", kpi=kpi, month=month)
        status = row["status"]
        if status == NOT_MEASURABLE:
            return say("credit.not_measurable", kpi=kpi, month=month,
                       note=row["note"] or sentence("word.no_value", lang))
        if status == INSUFFICIENT:
            return say("credit.insufficient_sample", kpi=kpi, month=month, n=numbers.number(row["n"], 0, lang),
                       min_sample=self.terms.min_samples[kpi])
        level = sentence("word.minimum" if row["minimum"] else "word.target", lang)
        threshold = row["minimum"] or row["target"]
        value = explain.value(row["value"], row["unit"], lang)
        if status != RED:
            return say("credit.met", kpi=kpi, value=value, level=level, threshold=threshold)
        return say("credit.missed", kpi=kpi, value=value, level=level, threshold=threshold,
                   allocation=self.terms.percent(allocation), at_risk=self.terms.at_risk_text(),
                   at_risk_amount=self.terms.money(self.terms.at_risk_amount), credit=self.terms.money(credit))

    def total_row(self, month: str, kpi_rows: list[dict[str, Any]]) -> dict[str, Any]:
        raw = self.raw[month]
        cap = self.terms.at_risk_amount
        total = sum((r["paid"] for r in kpi_rows), self.terms.zero)  # min(raw, cap), exactly
        back = sum((r["earned_back"] for r in kpi_rows), self.terms.zero)
        chronic = [r["kpi"] for r in kpi_rows if r["chronic_failure"]]
        say, amount = self.terms.say, self.terms.money
        cap_text = say("total.cap", amount=amount(cap), at_risk=self.terms.at_risk_text())
        if raw == 0:
            text = say("total.none", month=month, cap=cap_text)
        elif not self.capped(month):
            parts = [amount(r["credit"]) for r in kpi_rows if r["credit"] > 0]
            sum_text = say("total.sum", parts=" + ".join(parts)) if len(parts) > 1 else ""
            text = say("total.within", month=month, sum=sum_text, total=amount(total), cap=cap_text)
        else:
            text = say("total.capped", month=month, raw=amount(raw), cap=cap_text, total=amount(total),
                       factor=self.terms.percent(self.cap_factor(month)))
            parts = " + ".join(f"{r['kpi']} {amount(r['paid'])}" for r in kpi_rows if r["credit"] > 0)
            text += " " + say("total.spread", parts=parts, total=amount(total), raw=amount(raw),
                              unit=explain.minor_unit(self.terms.currency, self.terms.lang))
        if back > 0:
            text += " " + say("total.earned_back", amount=amount(back))
        if chronic:
            text += " " + say("total.chronic", kpis=", ".join(chronic))
        return {"period": month, "kpi": TOTAL, "value": math.nan, "minimum": "",
                "missed": any(r["missed"] for r in kpi_rows),
                "allocation": sum(r["allocation"] for r in kpi_rows), "credit": total,
                "earned_back": back, "chronic_failure": bool(chronic), "paid": total, "explanation": text}

    def left_out_row(self, month: str, why: LeftOut) -> dict[str, Any]:
        """The one row of a month that is not charged: zero, and why."""
        text = self.terms.say("total.left_out", month=month, reason=why.text(self.terms.lang))
        return {"period": month, "kpi": TOTAL, "value": math.nan, "minimum": "", "missed": False,
                "allocation": math.nan, "credit": self.terms.zero, "earned_back": self.terms.zero,
                "chronic_failure": False, "paid": self.terms.zero, "explanation": text}
