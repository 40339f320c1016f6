"""One error hierarchy for the whole pipeline.

The library raises these with every problem it found (not just the first), each with its location;
only the CLI turns them into text and an exit code, so library users get structured errors.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, where it is and how to fix it."""

    message: str
    file: str = ""
    line: int | None = None
    col: int | None = None
    field: str = ""
    hint: str = ""

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


class ScorecardError(Exception):
    """Base error: carries one or more located problems."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ContractError(ScorecardError):
    """A contract (or mapping) file is invalid."""


class DataError(ScorecardError):
    """Measured data cannot be read (missing file, column, unreadable format)."""


class RenderError(ScorecardError):
    """A scorecard, deck or result file cannot be produced."""
