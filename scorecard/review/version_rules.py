"""The clause rules on every amended version, not only the base: an amendment that starts crediting
a KPI with no weight, removes the only quality counterweight of a speed KPI or raises the share at
risk creates the very situation a rule exists for, from its date on.

A finding is reported once, for the first version it appears in, at the amendment's line: the key
the amendment wrote when it wrote the clause, else the amendment's entry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from ..contract.model import Contract, Version
from ..yamlread import Path
from .amendment_rule import entry_index
from .findings import Finding, Locator

Rule = Callable[[Contract, Locator], list[Finding]]


class AmendmentLocator(Locator):
    """Locates a version's clause at the amendment that made the version, reusing the file read."""

    def __init__(self, at: Locator, version: Version, index: int) -> None:
        super().__init__(version.contract, at.doc)
        self.index = index

    def line(self, path: Path) -> int:
        """The deepest key of `path` the amendment wrote, else the amendment's entry."""
        here = ("amendments", self.index)
        for n in range(len(path), 0, -1):
            mark = self.doc.keys.get(here + tuple(path[:n]))
            if mark:
                return mark[0]
        return self.doc.where(here, key=True)[0]


def _key(finding: Finding) -> tuple[str, str, int]:
    """Same rule, KPI and clause (its line in the base): the same finding, even when a figure in it
    moved (a role with 25 KPIs instead of 26 is still the base's too_many_kpis)."""
    return finding.rule, finding.kpi, finding.line


def amended_findings(contract: Contract, at: Locator, rules: Iterable[Rule],
                     base: list[Finding]) -> list[Finding]:
    """Findings of each amended version that the version before it (the base first, with `base`
    findings) did not have, located at the amendment and said with the month they apply from."""
    rules = tuple(rules)
    seen, found = {_key(f) for f in base}, []
    for version in (v for v in contract.versions if v.amendments and not v.transition):
        index = entry_index(at, version)
        if index is None:
            continue
        plain, here = Locator(version.contract, at.doc), AmendmentLocator(at, version, index)
        current = []
        for rule in rules:
            # a rule reads only the contract: run at both positions, its findings pair up in order
            pairs = list(zip(rule(version.contract, plain), rule(version.contract, here)))
            current += [in_base for in_base, _ in pairs]
            found += [dataclasses.replace(located, message=f"from {version.starts} (amendment of "
                                                           f"{version.effective}): {located.message}")
                      for in_base, located in pairs if _key(in_base) not in seen]
        seen = {_key(f) for f in current}
    return found
