"""The program file: which contracts, with which data, make up one client's program.

    program: Acme Travel customer service
    vendors:
      - contract: nordlys.yaml
        data: data/nordlys        # a folder, an export file or a database source file
        mapping: support-tickets  # optional, as for evaluate
        name: Nordlys Tallinn     # optional display name (default: the contract's vendor)
    language: fr                  # optional: program.html and program.pptx (default: the first contract's)

Paths are relative to the program file. Every problem is reported at once, with its line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..contract.fields import Fields
from ..errors import ContractError, Problem
from ..render.format import LANGUAGES
from ..yamlread import FileKind, read_yaml_file

VENDOR_FIELDS = ("contract", "data", "mapping", "name")
_KIND = FileKind(what="the program file", hint="check the path of the program file")


@dataclass(frozen=True)
class VendorSource:
    contract: Path
    data: Path
    mapping: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Program:
    name: str
    vendors: tuple[VendorSource, ...]
    path: str
    digest: str  # sha256 of the program file's bytes
    language: str | None = None  # None: the first vendor's contract's language


def _path(f: Fields, base: Path, raw: object, where: tuple, what: str) -> Path | None:
    text = f.text(raw, where)
    if text is None:
        return None
    path = base / text
    if not path.exists():
        f.add(where, f"the {what} {text!r} does not exist", "paths are relative to the program file; "
                                                            "correct the path or create the file")
        return None
    return path


def _vendor(f: Fields, base: Path, raw: object, i: int) -> VendorSource | None:
    where = ("vendors", i)
    v = f.mapping(raw, where, allowed=VENDOR_FIELDS, required=("contract", "data"))
    if v is None or "contract" not in v or "data" not in v:
        return None
    contract = _path(f, base, v["contract"], where + ("contract",), "contract file")
    data = _path(f, base, v["data"], where + ("data",), "data")
    mapping = f.text(v["mapping"], where + ("mapping",)) if "mapping" in v else None
    if mapping and (base / mapping).is_file():
        mapping = str(base / mapping)
    name = f.text(v["name"], where + ("name",)) if "name" in v else None
    return VendorSource(contract, data, mapping, name) if contract and data else None


def read_program(path: Path) -> Program:
    """The program of a YAML file; raises `ContractError` with every problem found."""
    path = Path(path)
    doc, problems = read_yaml_file(path, _KIND)
    f = Fields(str(path), doc, list(problems))
    if doc.data is None:
        raise ContractError(f.problems or [Problem("the program file is empty", str(path),
                                                   hint="write program: and vendors:")])
    top = f.mapping(doc.data, (), allowed=("program", "vendors", "language"), required=("program", "vendors"),
                    hint="a program file has program: (its name) and vendors: (a list)") or {}
    name = f.text(top["program"], ("program",)) if "program" in top else None
    language = f.text(top["language"], ("language",)) if "language" in top else None
    if language is not None and language not in LANGUAGES:
        f.add(("language",), f"no program wording in language {language!r}",
              f"write one of: {', '.join(LANGUAGES)} (or leave it out for the first contract's language)")
    items = f.items(top["vendors"], ("vendors",)) if "vendors" in top else None
    vendors = [_vendor(f, path.parent, raw, i) for i, raw in enumerate(items or [])]
    if items is not None and not items:
        f.add(("vendors",), "a program needs at least one vendor", "add `- contract: ...` and `data: ...`")
    names = [v.name for v in vendors if v and v.name]
    for i, raw in enumerate(items or []):
        n = raw.get("name") if isinstance(raw, dict) else None
        if n and names.count(n) > 1:
            f.add(("vendors", i, "name"), f'two vendors are named "{n}"', "give each vendor its own name")
    if f.problems or name is None:
        raise ContractError(f.problems)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Program(name, tuple(v for v in vendors if v), str(path), digest, language)
