"""The terms of formulas.py and conventions.py as SQL text: a `Cond` is a condition that is never
NULL (each comparison with a missing value is false, as numpy's comparisons with NaN are), so `&`,
`|` and `~` follow two-valued logic as on the pandas engine; a `Value` is a number that may be NULL.
A missing number is NULL in the engines' inputs: Arrow reads pandas' NaN as null (sql/prepare.py), so
no NaN reaches a comparison (SQL would order it above every number)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cond:
    """A condition of the rows, never NULL."""

    text: str

    def __and__(self, other: "Cond") -> "Cond":
        return Cond(f"({self.text} AND {other.text})")

    def __or__(self, other: "Cond") -> "Cond":
        return Cond(f"({self.text} OR {other.text})")

    def __invert__(self) -> "Cond":
        return Cond(f"(NOT {self.text})")


@dataclass(frozen=True)
class Value:
    """A number of the rows (NULL: missing); a comparison with a missing value is false."""

    text: str

    def _compare(self, op: str, other: float) -> Cond:
        return Cond(f"COALESCE({self.text} {op} {float(other)!r}, FALSE)")

    def __le__(self, other: float) -> Cond:
        return self._compare("<=", other)

    def __lt__(self, other: float) -> Cond:
        return self._compare("<", other)

    def __ge__(self, other: float) -> Cond:
        return self._compare(">=", other)

    def __gt__(self, other: float) -> Cond:
        return self._compare(">", other)
