"""A review finding and where it points: the clause's `file:line`, read back from the YAML positions.

`load_contract` keeps no positions (later stages need none), so the reviewer reads the file once more
with the same line-aware reader and asks `Document.where` for each clause it comments on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..contract.model import Contract
from ..yamlread import Document, FileKind, Path as YamlPath, read_yaml_file

ERROR, WARNING, ADVICE = "error", "warning", "advice"
SEVERITIES = (ERROR, WARNING, ADVICE)  # most serious first: the order findings are listed in


@dataclass(frozen=True)
class Finding:
    """One comment on a contract clause (docs/spec/OUTPUTS.md: review.json)."""

    rule: str
    severity: str
    file: str
    line: int
    kpi: str
    message: str
    why: str
    suggestion: str
    probability: float | None = None  # false_miss_risk only
    n: int | None = None  # false_miss_risk only: the monthly sample size it was computed at

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if self.rule != "false_miss_risk":
            del out["probability"], out["n"]
        return out

    def __str__(self) -> str:
        kpi = f" [{self.kpi}]" if self.kpi else ""
        return (f"{self.file}:{self.line}: {self.severity}: {self.rule}{kpi}: {self.message}\n"
                f"    why: {self.why}\n    suggestion: {self.suggestion}")


class Locator:
    """Turns a contract path such as ('kpis', 'aht', 'minimum') into a Finding's file and line."""

    def __init__(self, contract: Contract, doc: Document | None = None) -> None:
        """`doc`: the contract file already read (another version of the same file), else read here."""
        self.contract = contract
        self.file = contract.path
        self.doc: Document = doc or read_yaml_file(Path(contract.path), FileKind("the contract"))[0]

    def line(self, path: YamlPath) -> int:
        return self.doc.where(path, key=True)[0]

    def finding(self, rule: str, severity: str, path: YamlPath, message: str, why: str, suggestion: str,
                *, kpi: str = "", probability: float | None = None, n: int | None = None) -> Finding:
        return Finding(rule, severity, self.file, self.line(path), kpi, message, why, suggestion,
                       probability, n)


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then advice; in file order within a severity."""
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.line, f.rule))
