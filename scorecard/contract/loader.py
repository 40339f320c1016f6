"""Reading a contract file: YAML -> every located problem, or a typed `Contract`.

`validate_files` is what `scorecard validate` prints; `load_contract` is what every other command
uses, raising `ContractError` with all problems at once so a user fixes a contract in one pass.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from ..errors import ContractError, Problem
from ..fileversion import version_problem
from ..yamlread import FileKind, read_yaml_file
from . import patterns
from .amendments import read_versions
from .fees import read_fee, split_fee
from .fields import Fields
from .model import DEFAULT_LIVE_CHANNELS, LANGUAGES, STANDARD_CHANNELS, Contract, Governance, Scoring
from .read_calendars import read_calendars
from .read_credit_terms import check_transition_dates
from .read_kpis import informational_ids, read_kpis
from .read_terms import DEFAULT_RAG, read_credits, read_governance, read_incentives, read_roles, read_scoring

SECTIONS = ("contract", "calendars", "kpis", "service_credits", "incentives", "scoring", "roles", "governance",
            "amendments")
HEADER_FIELDS = ("id", "client", "vendor", "currency", "timezone", "effective", "expires", "monthly_fee",
                 "language", "live_channels", "channels")
HEADER_REQUIRED = ("id", "client", "vendor", "currency", "timezone")
_CONTRACT_FILE = FileKind("the contract")


def _header(f: Fields, raw: Any) -> dict[str, Any] | None:
    """The `contract:` block, typed; None when any of it is wrong."""
    path = ("contract",)
    before = len(f.problems)
    stray = split_fee(f, raw, path)  # `{monthly_fee: 480,000}`: said once, the other fields still read
    h = f.mapping({k: v for k, v in raw.items() if k not in stray} if stray else raw, path,
                  allowed=HEADER_FIELDS, required=HEADER_REQUIRED)
    if h is None:
        return None
    out: dict[str, Any] = {
        key: f.text(h[key], path + (key,)) for key in ("id", "client", "vendor") if key in h}
    if "currency" in h:
        out["currency"] = f.text(h["currency"], path + ("currency",), pattern=patterns.CURRENCY,
                                 expected="a 3-letter currency code", hint="an ISO 4217 code such as EUR, USD or GBP")
    if "timezone" in h:
        out["timezone"] = f.timezone(h["timezone"], path + ("timezone",))
    for key in ("effective", "expires"):
        out[key] = f.date(h[key], path + (key,)) if key in h else None
    if out["effective"] and out["expires"] and out["effective"] > out["expires"]:
        f.add(path + ("expires",), f"the contract expires ({out['expires']}) before it is effective "
                                   f"({out['effective']})", "swap the dates or correct one of them")
    out["monthly_fee"] = read_fee(f, h["monthly_fee"], path + ("monthly_fee",)) if "monthly_fee" in h else None
    out["language"] = (f.text(h["language"], path + ("language",), choices=LANGUAGES)
                       if "language" in h else "en")
    extra = (f.texts(h["channels"], path + ("channels",), pattern=patterns.CHANNEL,
                     expected="a channel name", hint="lower-case letters, digits and _, as in the data")
             if "channels" in h else ())
    out["channels"] = tuple(dict.fromkeys((*STANDARD_CHANNELS, *(extra or ()))))
    out["live_channels"] = DEFAULT_LIVE_CHANNELS
    if "live_channels" in h:
        out["live_channels"] = f.texts(h["live_channels"], path + ("live_channels",), choices=out["channels"],
                                       hint="declare a new channel under contract.channels first")
    return out if len(f.problems) == before else None


def _top(f: Fields, data: Any) -> dict[str, Any] | None:
    """The document's top mapping; a header field written at the top level gets a precise hint."""
    if data is None:
        f.add((), "the contract is empty",
              "start from an example in contracts/ (the reference: contracts/acme-travel-nordlys.yaml)")
        return None
    top = f.mapping(data, (), allowed=("version", *SECTIONS, *HEADER_FIELDS), required=("contract", "kpis"))
    wrong = version_problem(top["version"]) if top and "version" in top else None
    if wrong:
        f.add(("version",), *wrong)
    for key in (top or {}):
        if key in HEADER_FIELDS:
            f.add((key,), f"{key!r} belongs in the contract: block", f"move `{key}:` under `contract:`", key=True)
    return top


def _fee_needed(f: Fields, top: dict[str, Any], header: dict[str, Any] | None) -> None:
    """Credits and bonuses are shares of the monthly fee: without it they would be dropped at run time."""
    if header is None or header.get("monthly_fee") is not None:
        return
    for section in ("service_credits", "incentives"):
        if section in top:
            f.add((section,), f"{section} are a share of the monthly fee, but contract.monthly_fee is not given",
                  "add `monthly_fee: 480000` (the fee in the contract's currency) under contract:", key=True)


def check_document(f: Fields) -> Contract | None:
    """Every check on a parsed document; the contract when there was no problem."""
    top = _top(f, f.doc.data)
    if top is None:
        return None
    header = _header(f, top["contract"]) if "contract" in top else None
    timezone = header["timezone"] if header else None
    channels = header["channels"] if header else STANDARD_CHANNELS
    names, calendars = read_calendars(f, top["calendars"], timezone) if "calendars" in top else ((), {})
    language = (header or {}).get("language") or "en"
    kpis = read_kpis(f, top.get("kpis"), names, channels, language) if "kpis" in top else {}
    kpi_ids = tuple(top["kpis"]) if isinstance(top.get("kpis"), dict) else ()
    info = informational_ids(top.get("kpis"))
    credits = read_credits(f, top["service_credits"], kpi_ids, info, kpis) if "service_credits" in top else None
    incentives = read_incentives(f, top["incentives"]) if "incentives" in top else None
    scoring = (read_scoring(f, top["scoring"], kpi_ids, info) if "scoring" in top
               else Scoring(rag=dict(DEFAULT_RAG)))
    roles = read_roles(f, top["roles"], kpis, kpi_ids) if "roles" in top else {}
    _fee_needed(f, top, header)
    governance = (read_governance(f, top["governance"], (header or {}).get("id") or "", kpi_ids)
                  if "governance" in top else Governance())
    if f.problems or header is None or scoring is None or governance is None:
        return None  # a reader returns None only with a problem added: said above
    return Contract(kpis=kpis, calendars=calendars, service_credits=credits, incentives=incentives,
                    scoring=scoring, roles=roles, governance=governance, **header)


def _read(path: Path) -> tuple[Contract | None, list[Problem]]:
    """Read, parse and check one file; unreadable files are problems too."""
    doc, problems = read_yaml_file(path, _CONTRACT_FILE)
    if problems and doc.data is None:
        return None, problems  # unreadable, or a syntax error: nothing to check further
    file = str(path)
    f = Fields(file, doc, list(problems))  # duplicate keys: report them and still check the rest
    contract = check_document(f)
    if contract is None:
        # a value the reader refused (a 400-digit fee) arrives as nothing: say it once, as the reader did
        read = {(p.line, p.col) for p in problems}
        found = [*problems, *(p for p in f.problems[len(problems):] if (p.line, p.col) not in read)]
        return None, sorted(found, key=lambda p: (p.line or 0, p.col or 0))
    contract = dataclasses.replace(contract, path=file, version_hash=doc.digest)
    check_transition_dates(f, contract)
    versions = read_versions(f, contract, check_document)  # each amended version, checked like the base
    if f.problems:
        return None, sorted(f.problems, key=lambda p: (p.line or 0, p.col or 0))
    return dataclasses.replace(contract, versions=versions), []


def load_contract(path: Path) -> Contract:
    """The typed contract of a YAML file; raises `ContractError` carrying every problem found."""
    contract, problems = _read(Path(path))
    if problems or contract is None:
        raise ContractError(problems or [Problem("the contract could not be read", str(path))])
    return contract


def validate_files(paths: list[Path]) -> list[Problem]:
    """Every problem of every file, in file order; never raises for bad content or missing files."""
    return [problem for path in paths for problem in _read(Path(path))[1]]
