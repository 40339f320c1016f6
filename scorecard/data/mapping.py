"""Column mappings: how a real export's columns become the canonical ones (format: docs/readme-data.md).

A mapping is YAML, either a user's file (`--mapping my-export.yaml`) or a preset shipped in
`presets/`. It is validated like a contract, every problem located `file:line:col: field: problem`,
before any data is read, so a typo never turns into a silently missing KPI.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ContractError, Problem
from ..yamlread import Document, FileKind, field_name, read_yaml_file
from ..yamlread import Path as YamlPath
from .schema import BOOL, SECONDS, TABLES, TIMESTAMP

PRESETS_DIR = Path(__file__).with_name("presets")
DERIVE_WAIT = "created_at + wait_s"
DERIVABLE = ("answered_at", "abandoned_at")
CLOCK_FORMATS = ("h:mm:ss", "h.mm.ss")
_RULE_KEYS = ("from", "date", "time", "value", "format", "map", "invert", "derive")
_SOURCES = ("from", "date", "value", "derive")
# Only true/false are booleans: a value map of an export's Y/N column writes `Y:` and `N:` as text.
_MAPPING_FILE = FileKind(syntax="not valid YAML", scalars="strict_bools")


@dataclass(frozen=True)
class ColumnRule:
    """How one canonical column is obtained: exactly one of source / date+time / constant / derive."""

    target: str
    source: str | None = None
    date: str | None = None
    time: str | None = None
    constant: str | None = None  # text, converted like a cell value
    derive: bool = False  # created_at + wait_s (answered_at on answered rows, abandoned_at on abandoned)
    fmt: str | None = None
    values: dict[str, str | None] = field(default_factory=dict)  # lower-cased source value -> value
    invert: bool = False
    line: int | None = None

    def sources(self) -> tuple[str, ...]:
        """The export's columns this rule reads."""
        return tuple(c for c in (self.source, self.date, self.time) if c is not None)


@dataclass(frozen=True)
class TableMapping:
    table: str
    file: str | None = None  # file name or glob in the data folder (default: the table's name)
    sheet: str | None = None
    columns: dict[str, ColumnRule] = field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    name: str
    summary: str
    tables: dict[str, TableMapping]
    path: str = ""


def preset_names() -> dict[str, str]:
    """Shipped presets: name -> one-line summary."""
    return {p.stem: str(load_mapping(p).summary) for p in sorted(PRESETS_DIR.glob("*.yaml"))}


def resolve_mapping(spec: str | Path | None) -> Mapping | None:
    """`--mapping` value -> Mapping: an existing file, else a preset name."""
    if spec is None:
        return None
    path = Path(spec)
    if path.is_file():
        return load_mapping(path)
    preset = PRESETS_DIR / f"{spec}.yaml"
    if isinstance(spec, str) and "/" not in spec and preset.is_file():
        return load_mapping(preset)
    raise ContractError(Problem(
        f"mapping {str(spec)!r} is neither a file nor a preset", file=str(spec), field="mapping",
        hint=f"presets: {', '.join(sorted(p.stem for p in PRESETS_DIR.glob('*.yaml')))} (see `scorecard presets`)"))


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file; ContractError listing every problem."""
    doc, problems = read_yaml_file(path, _MAPPING_FILE)
    if problems and doc.data is None:
        raise ContractError(problems)  # unreadable, or a syntax error: nothing to check further
    checker = _Checker(str(path), doc, problems)  # duplicate keys: report them and still check the rest
    mapping = checker.mapping(path)
    if checker.problems:
        raise ContractError(sorted(checker.problems, key=lambda p: (p.line or 0, p.col or 0)))
    return mapping


class _Checker:
    """Walks the parsed YAML, building the model and collecting every problem with its place."""

    def __init__(self, file: str, doc: Document, problems: list[Problem]) -> None:
        self.file = file
        self.doc = doc
        self.problems = list(problems)

    def add(self, path: YamlPath, message: str, hint: str = "", *, at: YamlPath | None = None) -> None:
        """A problem of field `path`, placed at the key `at` (default: `path`) or its nearest parent."""
        line, col = self.doc.where(path if at is None else at, key=True)
        self.problems.append(Problem(message, self.file, line, col, field_name(path), hint))

    def known_keys(self, node: dict[str, Any], allowed: tuple[str, ...], path: YamlPath) -> None:
        for key in node:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
                self.add(path + (key,), "unknown key", hint)

    def mapping(self, path: Path) -> Mapping:
        doc = self.doc.data
        if not isinstance(doc, dict):
            self.problems.append(Problem("a mapping file must be a YAML mapping with `tables:`",
                                         file=self.file, line=1, col=1, hint="see docs/readme-data.md"))
            return Mapping(path.stem, "", {}, str(path))
        self.known_keys(doc, ("summary", "tables"), ())
        summary = doc.get("summary", "")
        if not isinstance(summary, str):
            self.add(("summary",), "must be one line of text")
        tables: dict[str, TableMapping] = {}
        raw_tables = doc.get("tables")
        if not isinstance(raw_tables, dict) or not raw_tables:
            self.add(("tables",), "missing or empty: map at least one table", f"tables: {', '.join(TABLES)}")
        else:
            self.known_keys(raw_tables, tuple(TABLES), ("tables",))
            for name, body in raw_tables.items():
                if name in TABLES:
                    tables[name] = self.table(name, body)
        return Mapping(path.stem, str(summary), tables, str(path))

    def table(self, name: str, body: Any) -> TableMapping:
        where: YamlPath = ("tables", name)
        if not isinstance(body, dict):
            self.add(where, "must be a mapping with `columns:` (and optional file, sheet)")
            return TableMapping(name)
        self.known_keys(body, ("file", "sheet", "columns"), where)
        for key in ("file", "sheet"):
            if key in body and not isinstance(body[key], str):
                self.add(where + (key,), "must be text (a file name or pattern, a sheet name)")
        columns: dict[str, ColumnRule] = {}
        raw_cols = body.get("columns", {})
        if not isinstance(raw_cols, dict):
            self.add(where + ("columns",), "must map canonical column names to export columns")
        else:
            spec = TABLES[name]
            for target, rule in raw_cols.items():
                if spec.kind(target) is None:
                    close = difflib.get_close_matches(target, list(spec.columns), n=1)
                    self.add(where + ("columns", target), f"not a column of {name}",
                             f"did you mean {close[0]!r}?" if close else f"columns: {', '.join(spec.columns)}")
                    continue
                columns[target] = self.rule(name, target, rule)
        return TableMapping(name, _text(body.get("file")), _text(body.get("sheet")), columns)

    def rule(self, table: str, target: str, raw: Any) -> ColumnRule:
        where: YamlPath = ("tables", table, "columns", target)
        line = self.doc.where(where, key=True)[0]
        if isinstance(raw, str):
            return ColumnRule(target, source=raw, line=line)
        if not isinstance(raw, dict):
            self.add(where, "must be the export's column name, or a mapping with "
                     "from / date+time / value / derive", "quote names with special characters")
            return ColumnRule(target)
        self.known_keys(raw, _RULE_KEYS, where)
        kind = TABLES[table].kind(target)
        given = [k for k in _SOURCES if k in raw]
        if len(given) != 1:
            self.add(where, f"give exactly one of from, date (with time), value or derive, "
                     f"got {', '.join(given) or 'none'}")
        for key in ("from", "date", "time", "derive"):
            if key in raw and not isinstance(raw[key], str):
                self.add(where + (key,), "must be text (a column name)")
        if ("date" in raw) != ("time" in raw):
            self.add(where, "date and time go together", at=where + ("date" if "date" in raw else "time",))
        if "date" in raw and kind != TIMESTAMP:
            self.add(where + ("date",), f"date + time only builds timestamps; {target} is not one")
        if "derive" in raw and (raw["derive"] != DERIVE_WAIT or target not in DERIVABLE):
            self.add(where + ("derive",), f"only answered_at and abandoned_at can be derived, as {DERIVE_WAIT!r}")
        if "value" in raw and isinstance(raw["value"], (dict, list)):
            self.add(where + ("value",), "must be a single value")
        fmt = raw.get("format")
        if fmt is not None:
            self.check_format(where, kind, fmt)
        if "invert" in raw and (kind != BOOL or not isinstance(raw["invert"], bool)):
            self.add(where + ("invert",), "only a yes/no column can be inverted: invert: true")
        values = self.values(raw, where)
        return ColumnRule(
            target, source=_text(raw.get("from")), date=_text(raw.get("date")), time=_text(raw.get("time")),
            constant=_value_text(raw["value"]) if "value" in raw else None, derive="derive" in raw,
            fmt=fmt if isinstance(fmt, str) else None, values=values, invert=raw.get("invert") is True,
            line=line)

    def check_format(self, where: YamlPath, kind: str | None, fmt: Any) -> None:
        if kind == TIMESTAMP and isinstance(fmt, str) and "%" in fmt:
            return
        if kind == SECONDS and fmt in CLOCK_FORMATS:
            return
        self.add(where + ("format",),
                 "a timestamp format is a strftime pattern (e.g. '%d-%m-%y %H:%M'); a duration in seconds "
                 f"may be read as {' or '.join(CLOCK_FORMATS)}; other columns take no format")

    def values(self, raw: dict[str, Any], where: YamlPath) -> dict[str, str | None]:
        table = raw.get("map")
        if table is None:
            return {}
        if not isinstance(table, dict) or "from" not in raw:
            self.add(where + ("map",), "`map` goes with `from` and maps export values to ours",
                     "e.g. map: {Closed: true, Open: false}")
            return {}
        out: dict[str, str | None] = {}
        for key, value in table.items():
            if isinstance(value, (dict, list)):
                self.add(where + ("map", key), "must map to a single value (or null for empty)")
            out[key.strip().lower()] = _value_text(value)
        return out


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _value_text(value: Any) -> str | None:
    """YAML scalars as the text a cell would hold (true -> 'true', 3 -> '3', null -> None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
