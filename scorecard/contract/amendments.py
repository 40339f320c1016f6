"""Contract versions: amendments that change clauses from a date, and a transition's softer targets.

Targets are ratcheted after the first months, a KPI is added at renewal, the fee changes in July: a
vendor manager must not keep two files and splice the months by hand. Each version is the base
document with its changes written over it, then checked by the very readers of the base, so a
mistake in an amendment is reported like any other, at the amendment's own line.

Writing a change over the document: a mapping is merged key by key, any other value (a target, a
list of bands) replaces the one before, and `removed` deletes the key; a KPI removed also leaves
the allocations, weights and roles that named it.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path as PathLike
from typing import Any

from ..errors import Problem
from ..yamlread import Document, FileKind, Path, field_name, read_yaml_file
from .fields import Fields, one_of, suggest
from .fees import split_fee
from .model import Contract, Version

SECTION = "amendments"
REMOVED = "removed"
#: the sections an amendment may change; the parties, currency, time zone, calendars, roles and
#: governance are the same in every version
AMENDABLE = ("contract", "kpis", "service_credits", "incentives", "scoring")
AMENDABLE_HEADER = ("monthly_fee",)
#: what a transition may soften, per KPI
SOFTER_FIELDS = ("target", "minimum", "per_channel_targets", "per_channel_minimums")
TRANSITION = ("service_credits", "transition")
#: where a removed KPI is named, so removing it also takes it out of there
_KPI_KEYED = (("service_credits", "allocations"), ("scoring", "weights"))
_ONE = {"allocations": "an allocation", "weights": "a weight"}

Check = Callable[[Fields], "Contract | None"]


@dataclass(frozen=True)
class Amendment:
    """One `amendments:` entry whose shape is right: where it was written, and its changes."""

    index: int
    effective: date
    note: str
    changes: dict[str, Any]

    @property
    def starts(self) -> str:
        """The first month it applies in: a month is under an amendment effective on or before its
        first day, so a mid-month date applies from the next month."""
        day = self.effective
        if day.day == 1:
            return f"{day.year:04d}-{day.month:02d}"
        return f"{day.year + day.month // 12:04d}-{day.month % 12 + 1:02d}"


def _outside(marks: dict[Path, tuple[int, int]]) -> dict[Path, tuple[int, int]]:
    """The positions of everything but the amendments themselves."""
    return {p: m for p, m in marks.items() if p[:1] != (SECTION,)}


@dataclass
class _Draft:
    """A document being amended: its data, where each value was written, and, for values written in
    an amendment, the field name a user sees (amendments[1].kpis.aht.target, not kpis.aht.target)."""

    data: dict[str, Any]
    values: dict[Path, tuple[int, int]]
    keys: dict[Path, tuple[int, int]]
    written: dict[str, str]

    @classmethod
    def of(cls, doc: Document) -> _Draft:
        data = {k: copy.deepcopy(v) for k, v in doc.data.items() if k != SECTION}
        return cls(data, _outside(doc.values), _outside(doc.keys), {})

    def copy(self) -> _Draft:
        return _Draft(copy.deepcopy(self.data), dict(self.values), dict(self.keys), dict(self.written))

    def document(self, digest: str) -> Document:
        return Document(self.data, self.values, self.keys, digest)

    def _drop(self, path: Path) -> None:
        for marks in (self.values, self.keys):
            for p in [p for p in marks if p[:len(path)] == path]:
                del marks[p]

    def _graft(self, path: Path, source: Path, doc: Document) -> None:
        """Positions of `source` (in the file) recorded for `path` (in the version)."""
        for here, there in ((self.values, doc.values), (self.keys, doc.keys)):
            for p, mark in there.items():
                if p[:len(source)] == source:
                    here[path + p[len(source):]] = mark
                    self.written[field_name(path + p[len(source):])] = field_name(p)

    def write(self, changes: dict[str, Any], source: Path, doc: Document, path: Path = ()) -> None:
        """Write `changes` (found at `source` in the file) over the value at `path`."""
        target = self._at(path)
        for key, value in changes.items():
            here, there = path + (key,), source + (key,)
            if value == REMOVED:
                target.pop(key, None)
                self._drop(here)
                if path == ("kpis",):
                    self._forget_kpi(key)
            elif isinstance(value, dict) and isinstance(target.get(key), dict):
                self.write(value, there, doc, here)
            else:
                target[key] = copy.deepcopy(value)
                self._drop(here)
                self._graft(here, there, doc)

    def _at(self, path: Path) -> dict[str, Any]:
        node: Any = self.data
        for key in path:
            node = node[key]
        return node

    def _forget_kpi(self, kpi: str) -> None:
        """A removed KPI leaves the allocations, weights, roles and role targets that named it."""
        for section, key in _KPI_KEYED:
            keyed = self.data.get(section, {}).get(key) if isinstance(self.data.get(section), dict) else None
            if isinstance(keyed, dict) and kpi in keyed:
                del keyed[kpi]
                self._drop((section, key, kpi))
        roles = self.data.get("roles")
        for name, role in (roles.items() if isinstance(roles, dict) else ()):
            if not isinstance(role, dict):
                continue
            if isinstance(role.get("targets"), dict):
                role["targets"].pop(kpi, None)
            listed = role.get("kpis")
            if isinstance(listed, list) and kpi in listed:
                # later items move up one place: their positions follow them
                path, at = ("roles", name, "kpis"), listed.index(kpi)
                listed.pop(at)
                self._drop(path + (at,))
                for marks in (self.values, self.keys):
                    for i in range(at + 1, len(listed) + 1):
                        if path + (i,) in marks:
                            marks[path + (i - 1,)] = marks.pop(path + (i,))


def _amendment(f: Fields, raw: Any, index: int, base: Contract, kpis: set[str]) -> Amendment | None:
    """One entry, its shape checked; `kpis` (the ids in force so far) is updated with its changes."""
    path: Path = (SECTION, index)
    before = len(f.problems)
    entry = f.mapping(raw, path, allowed=("effective", "note", *AMENDABLE), required=("effective", "note"),
                      hint="an amendment is {effective: 2026-07-01, note: ..., kpis: {...}}")
    if entry is None:
        return None
    effective = f.date(entry["effective"], path + ("effective",)) if "effective" in entry else None
    note = (f.text(entry["note"], path + ("note",), hint="say which amendment this is, e.g. 'Amendment 2, "
                                                         "signed 2026-06-12: AHT target ratcheted'")
            if "note" in entry else None)
    changes = {k: v for k, v in entry.items() if k in AMENDABLE}
    if not changes:
        f.add(path, "this amendment changes nothing", f"add the clauses it changes: {one_of(AMENDABLE)}", key=True)
    for key, value in changes.items():
        if value == REMOVED and key in ("contract", "kpis"):
            f.add(path + (key,), f"an amendment cannot remove the whole {key} section",
                  "remove single clauses instead, e.g. kpis: {aht: removed}")
        elif value != REMOVED:
            # `{monthly_fee: 520,000}` said once as a split fee; the block's other fields still checked
            stray = split_fee(f, value, path + (key,)) if key == "contract" else ()
            f.mapping({k: v for k, v in value.items() if k not in stray} if stray else value, path + (key,),
                      allowed=AMENDABLE_HEADER if key == "contract" else None,
                      hint=f"write the {key} clauses this amendment changes, as in the contract")
    credits = changes.get("service_credits")
    if isinstance(credits, dict) and "transition" in credits:
        f.add(path + ("service_credits", "transition"), "the transition cannot be amended",
              "change service_credits.transition in the contract itself", key=True)
    _named_removed(f, changes, path, _kpi_changes(f, changes.get("kpis"), path + ("kpis",), kpis))
    if effective is not None:
        if base.effective and effective <= base.effective:
            f.add(path + ("effective",), f"the amendment takes effect on {effective}, not after the contract "
                                         f"({base.effective})", "write the change into the contract itself")
        elif base.expires and effective > base.expires:
            f.add(path + ("effective",), f"the amendment takes effect on {effective}, after the contract "
                                         f"expires ({base.expires})",
                  "correct the date, or extend contract.expires if the contract was renewed")
    if effective is None or note is None:
        return None
    # with a problem recorded, what reads well is still checked as a version: all mistakes in one run
    return Amendment(index, effective, note, changes if len(f.problems) == before else _readable(changes, kpis))


def _readable(changes: dict[str, Any], kpis: set[str]) -> dict[str, Any]:
    """The changes that can be written over a document: mappings, clauses of the KPIs in force
    (`kpis`, after this amendment) or of new ones with a metric, `removed` KPIs."""
    out = {k: v for k, v in changes.items() if isinstance(v, dict)}
    if "contract" in out:
        out["contract"] = {k: v for k, v in out["contract"].items() if k in AMENDABLE_HEADER}
    if "kpis" in out:
        out["kpis"] = {k: v for k, v in out["kpis"].items()
                       if (isinstance(v, dict) and (k in kpis or _defines(v))) or v == REMOVED}
    if isinstance(out.get("service_credits"), dict):
        out["service_credits"] = {k: v for k, v in out["service_credits"].items() if k != "transition"}
    return out


def _kpi_changes(f: Fields, raw: Any, path: Path, kpis: set[str]) -> set[str]:
    """`kpis:` of an amendment: a clause per KPI, or `removed` for a KPI in force; returns the KPIs
    it removes. A clause for an id not in force without a `metric` is a typo far more often than a
    new KPI: said as such, since reading it as a new KPI would leave the meant one unchanged."""
    if not isinstance(raw, dict):
        return set()
    removed = set()
    for kpi, clause in raw.items():
        if clause == REMOVED:
            if kpi not in kpis:
                f.add(path + (kpi,), f"KPI {kpi!r} cannot be removed: it is not in the contract at this date"
                  f"{suggest(str(kpi), kpis)}",
                      f"KPIs in force: {one_of(sorted(kpis))}", key=True)
            kpis.discard(kpi)
            removed.add(kpi)
        elif isinstance(clause, dict) and kpi not in kpis and not _defines(clause):
            f.add(path + (kpi,), f"no KPI {kpi!r} in this contract at this date{suggest(str(kpi), kpis)}",
                  "correct the id to change a KPI in force; to add a new KPI, give its metric "
                  f"({kpi}: {{metric: ..., target: ...}})", key=True)
        elif isinstance(clause, dict):
            kpis.add(kpi)
        else:
            f.add(path + (kpi,), f"expected the KPI's changed clauses or `{REMOVED}`{suggest(str(clause), [REMOVED])}",
                  f"e.g. {kpi}: {{target: '<= 6m'}} or {kpi}: {REMOVED}")
    return removed


def _defines(clause: dict[str, Any]) -> bool:
    """The clause defines a KPI: it has a `metric`, or a key mistyped for one (said by the version check)."""
    return any(k == "metric" or suggest(str(k), ["metric"]) for k in clause)


def _named_removed(f: Fields, changes: dict[str, Any], path: Path, removed: set[str]) -> None:
    """An allocation or a weight the amendment gives to a KPI it removes itself: one of the two is a
    slip, and writing the removal over the document would silently drop the allocation."""
    for section, key in _KPI_KEYED:
        clause = changes.get(section)
        keyed = clause.get(key) if isinstance(clause, dict) else None
        for kpi in sorted(removed & set(keyed) if isinstance(keyed, dict) else ()):
            f.add(path + (section, key, kpi), f"KPI {kpi!r} is removed by this amendment "
                                              f"(kpis: {{{kpi}: {REMOVED}}}), so it cannot get {_ONE[key]}",
                  f"drop {kpi} from {section}.{key}, or keep the KPI", key=True)


def read_amendments(f: Fields, base: Contract) -> list[Amendment]:
    """The `amendments:` entries in date order; problems recorded in `f`."""
    raw = f.doc.data.get(SECTION) if isinstance(f.doc.data, dict) else None
    if raw is None:
        return []
    entries = f.items(raw, (SECTION,)) or []
    dated = sorted(((e.get("effective") if isinstance(e, dict) else None, i, e) for i, e in enumerate(entries)),
                   key=lambda t: (str(t[0]), t[1]))
    kpis, out = set(base.kpis), list[Amendment]()
    for _, index, entry in dated:
        amendment = _amendment(f, entry, index, base, kpis)
        if amendment is None:
            continue
        if out and out[-1].starts == amendment.starts:
            f.add((SECTION, index, "effective"), f"two amendments apply from {amendment.starts} "
                                                 f"(effective {out[-1].effective} and {amendment.effective})",
                  "merge them into one amendment, or correct a date")
            continue
        out.append(amendment)
    return out


def _softer(f: Fields, raw: Any, base: Contract) -> dict[str, Any]:
    """`service_credits.transition.kpis`: per KPI of the contract, the softer target and minimum of
    the period (the ones that read well: the others' problems are recorded)."""
    path = (*TRANSITION, "kpis")
    given = f.mapping(raw, path, hint="kpis: {aht: {target: '<= 8m'}}") or {}
    out = {}
    for kpi, clause in given.items():
        if kpi not in base.kpis:
            f.add(path + (kpi,), f"no KPI {kpi!r} in this contract{suggest(str(kpi), base.kpis)}",
                  "a transition softens the targets of the contract's own KPIs", key=True)
        elif f.mapping(clause, path + (kpi,), allowed=SOFTER_FIELDS) is not None:
            out[kpi] = {k: v for k, v in clause.items() if k in SOFTER_FIELDS}
    return out


def read_versions(f: Fields, base: Contract, check: Check) -> tuple[Version, ...]:
    """Every version of a valid base contract: with 0, 1, ... of its amendments, each also with the
    transition's softer targets when it has some. `check` is the loader's reader of a whole
    document, run on each version; its problems are recorded in `f` (once, at the lines written)."""
    amendments = read_amendments(f, base)
    credits = f.doc.data.get("service_credits")
    transition = credits.get("transition") if isinstance(credits, dict) else None
    softer = _softer(f, transition["kpis"], base) if isinstance(transition, dict) and "kpis" in transition else {}
    if not (amendments or softer):
        return ()
    draft, versions = _Draft.of(f.doc), []
    for count in range(len(amendments) + 1):
        last = amendments[count - 1] if count else None
        if last is not None:
            draft.write(last.changes, (SECTION, last.index), f.doc)
        plain = Version(label=f"amended {last.effective}" if last else "base", amendments=count,
                        transition=False, starts=last.starts if last else None,
                        effective=last.effective if last else base.effective, note=last.note if last else "",
                        contract=base)
        versions.append(_version(f, draft, check, plain))
        if softer:
            soft = draft.copy()
            soft.write({"kpis": softer}, TRANSITION, f.doc)
            terms = base.service_credits.transition if base.service_credits else None
            until = terms.until if terms else ""
            versions.append(_version(f, soft, check, dataclasses.replace(
                plain, label=f"{plain.label}, transition", transition=True,
                note=f"softer targets of the transition (until {until})")))
    return () if f.problems else tuple(versions)


def _version(f: Fields, draft: _Draft, check: Check, version: Version) -> Version:
    """`version` with its contract read from `draft`; each problem said once, where it was written,
    with the version it was found in."""
    g = Fields(f.file, draft.document(f.doc.digest))
    contract = check(g)
    seen = {(p.line, p.col, p.field) for p in f.problems}
    since = f"as amended from {version.effective}" if version.amendments else ""
    when = (f"during the transition{', ' + since if since else ''}" if version.transition
            else f"in the contract {since}")
    for p in g.problems:
        written = draft.written.get(p.field, p.field)
        if (p.line, p.col, written) not in seen:
            f.problems.append(dataclasses.replace(p, message=f"{when}: {p.message}", field=written))
    if contract is None:
        return version
    return dataclasses.replace(version, contract=dataclasses.replace(
        contract, path=version.contract.path, version_hash=version.contract.version_hash))



def mid_month_warnings(path: PathLike) -> list[Problem]:
    """`validate` warnings: an amendment dated after the first of a month applies from the next one."""
    doc, _ = read_yaml_file(PathLike(path), FileKind("the contract"))
    entries = doc.data.get(SECTION) if isinstance(doc.data, dict) else None
    out = []
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        day = entry.get("effective") if isinstance(entry, dict) else None
        if isinstance(day, date) and day.day != 1:
            starts = Amendment(i, day, "", {}).starts
            line, col = doc.where((SECTION, i, "effective"))
            out.append(Problem(f"the amendment effective {day} applies from {starts}: a month is under the "
                               f"amendments effective on or before its first day", str(path), line, col,
                               field_name((SECTION, i, "effective")),
                               f"write effective: {starts}-01 to say so, or the first of the month you mean"))
    return out
