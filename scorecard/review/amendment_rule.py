"""Review of amendments: a later version that makes a target or a minimum easier.

Ratcheting targets up after the first months is the usual shape of an amendment; the reverse (a
target or minimum lowered while the vendor is missing it) is sometimes right, but it is a concession
that should be decided in the forum, not slipped in with a fee change.
"""

from __future__ import annotations

from itertools import pairwise

from ..contract.model import Contract, KpiSpec, Version
from ..units import Target
from .findings import ADVICE, Finding, Locator


def _easier(before: Target, after: Target) -> bool:
    """`after` is met by every value that meets `before`, and by some more (same direction)."""
    if before.higher_is_better != after.higher_is_better or "==" in (before.op, after.op):
        return False
    return after.value < before.value if after.higher_is_better else after.value > before.value


def _thresholds(spec: KpiSpec) -> dict[tuple[str, ...], Target | None]:
    """Every threshold of a KPI clause by its path below kpis.ID."""
    out: dict[tuple[str, ...], Target | None] = {("target",): spec.target, ("minimum",): spec.minimum}
    out.update({("per_channel_targets", c): t for c, t in spec.per_channel_targets.items()})
    out.update({("per_channel_minimums", c): t for c, t in spec.per_channel_minimums.items()})
    return out


def entry_index(at: Locator, version: Version) -> int | None:
    """The index in `amendments:` of the entry that made `version`."""
    entries = at.doc.data.get("amendments") if isinstance(at.doc.data, dict) else None
    for i, entry in enumerate(entries or []):
        if isinstance(entry, dict) and str(entry.get("effective")) == str(version.effective):
            return i
    return None


def easier_amendment(contract: Contract, at: Locator) -> list[Finding]:
    """easier_amendment: each amendment compared with the version it follows."""
    chain = [v for v in contract.versions if not v.transition]
    found = []
    for before, after in pairwise(chain):
        index = entry_index(at, after)
        for kpi, spec in after.contract.kpis.items():
            old = before.contract.kpis.get(kpi)
            if old is None or index is None:
                continue
            was = _thresholds(old)
            for where, target in _thresholds(spec).items():
                before_target = was.get(where)
                if target is None or before_target is None or not _easier(before_target, target):
                    continue
                clause = ".".join(where)
                found.append(at.finding(
                    "easier_amendment", ADVICE, ("amendments", index, "kpis", kpi, *where), kpi=kpi,
                    message=f"the amendment of {after.effective} makes {kpi}'s {clause} easier: "
                            f"{before_target.text} becomes {target.text}",
                    why="an easier target or minimum gives up service the contract bought; lowering it "
                        "while the vendor misses it rewards the miss",
                    suggestion="keep the concession only if the forum agreed it, and say why in the "
                               "amendment's note (or make it temporary with service_credits.transition)"))
    return found
