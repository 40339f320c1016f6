"""Column mappings: how a real export's columns become the canonical ones (format: docs/readme-data.md).

A mapping is YAML, either a user's file (`--mapping my-export.yaml`) or a preset shipped in
`presets/`. It is validated like a contract, every problem located `file:line:col: field: problem`,
before any data is read, so a typo never turns into a silently missing KPI.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ContractError, Problem
from ..fileversion import version_problem
from ..yamlread import Document, FileKind, field_name, read_yaml_file
from ..yamlread import Path as YamlPath
from .schema import BOOL, LABEL, NUMBER, SECONDS, TABLES, TIMESTAMP, TableSpec

PRESETS_DIR = Path(__file__).with_name("presets")
# answered_at / abandoned_at derived from a wait exist only on answered / abandoned rows (see convert.py).
GATED = ("answered_at", "abandoned_at")
CLOCK_FORMATS = ("h:mm:ss", "h.mm.ss")
UNITS = {"milliseconds": 0.001, "seconds": 1.0, "minutes": 60.0, "hours": 3600.0, "days": 86400.0}
_RULE_KEYS = ("from", "date", "time", "value", "derive", "row_number", "join", "sep", "format", "unit",
              "missing", "map", "invert")
_SOURCES = ("from", "date", "value", "derive", "row_number", "join")
_MEASURED = (TIMESTAMP, NUMBER, SECONDS, BOOL)  # kinds a KPI measures; labels, ids and periods are not
# Only true/false are booleans: a value map of an export's Y/N column writes `Y:` and `N:` as text.
_MAPPING_FILE = FileKind(syntax="not valid YAML", scalars="strict_bools")

if TYPE_CHECKING:
    from .dataset import ConstantInput


@dataclass(frozen=True)
class ColumnRule:
    """How one canonical column is obtained: exactly one of source / date+time / constant / derive /
    row number / join of several columns, then read with its format or unit, missing markers and map."""

    target: str
    source: str | None = None
    date: str | None = None
    time: str | None = None
    constant: str | None = None  # text, converted like a cell value
    derive: tuple[str, str] | None = None  # (timestamp column, duration column): target = the sum
    plus: str | None = None  # the export column of a derive's duration (None: a canonical duration)
    row_number: bool = False  # the id is the record's row number (source_row)
    join: tuple[str, ...] = ()  # the id is these export columns' values joined by `sep`
    sep: str = "-"
    fmt: str | None = None
    unit: str | None = None  # of a duration written as a number (default seconds)
    missing: tuple[str, ...] = ()  # lower-cased cell texts that mean "no value" in this column
    values: dict[str, str | None] = field(default_factory=dict)  # lower-cased source value -> value
    invert: bool = False
    line: int | None = None

    def sources(self) -> tuple[str, ...]:
        """The export's columns this rule reads."""
        return tuple(c for c in (self.source, self.date, self.time, self.plus, *self.join) if c is not None)

    @property
    def factor(self) -> float:
        """Seconds per unit of a duration written as a number."""
        return UNITS[self.unit or "seconds"]


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
        self.known_keys(doc, ("version", "summary", "tables"), ())
        wrong = version_problem(doc["version"]) if "version" in doc else None
        if wrong:
            self.add(("version",), *wrong)
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
        for rule in columns.values():
            if rule.derive and rule.derive[0] in columns and columns[rule.derive[0]].derive:
                self.add(where + ("columns", rule.target, "derive"), f"{rule.derive[0]} is derived itself",
                         "add the duration to a timestamp read from the export")
        return TableMapping(name, _text(body.get("file")), _text(body.get("sheet")), columns)

    def rule(self, table: str, target: str, raw: Any) -> ColumnRule:
        where: YamlPath = ("tables", table, "columns", target)
        line = self.doc.where(where, key=True)[0]
        if isinstance(raw, str):
            return ColumnRule(target, source=raw, line=line)
        if not isinstance(raw, dict):
            self.add(where, "must be the export's column name, or a mapping with "
                     "from / date+time / value / derive / row_number / join", "quote names with special characters")
            return ColumnRule(target)
        self.known_keys(raw, _RULE_KEYS, where)
        spec = TABLES[table]
        kind = spec.kind(target)
        given = [k for k in _SOURCES if k in raw]
        if len(given) != 1:
            self.add(where, f"give exactly one of from, date (with time), value, derive, row_number or join, "
                     f"got {', '.join(given) or 'none'}")
        for key in ("from", "date", "time", "derive"):
            if key in raw and not isinstance(raw[key], str):
                self.add(where + (key,), "must be text (a column name)")
        if ("date" in raw) != ("time" in raw):
            self.add(where, "date and time go together", at=where + ("date" if "date" in raw else "time",))
        if "date" in raw and kind != TIMESTAMP:
            self.add(where + ("date",), f"date + time only builds timestamps; {target} is not one")
        if "value" in raw and isinstance(raw["value"], (dict, list)):
            self.add(where + ("value",), "must be a single value")
        derive = self.derive(spec, target, raw["derive"], where) if isinstance(raw.get("derive"), str) else None
        fmt = raw.get("format")
        if fmt is not None:
            self.check_format(where, kind, fmt)
        if "invert" in raw and (kind != BOOL or not isinstance(raw["invert"], bool)):
            self.add(where + ("invert",), "only a yes/no column can be inverted: invert: true")
        return ColumnRule(
            target, source=_text(raw.get("from")), date=_text(raw.get("date")), time=_text(raw.get("time")),
            constant=_value_text(raw["value"]) if "value" in raw else None,
            derive=derive[:2] if derive else None, plus=derive[2] if derive else None,
            row_number=raw.get("row_number") is True, join=self.ids(target, kind, raw, where),
            sep=raw["sep"] if isinstance(raw.get("sep"), str) else "-", fmt=fmt if isinstance(fmt, str) else None,
            unit=self.unit(target, kind, raw, where, derive), missing=self.missing(raw, where),
            values=self.values(raw, where), invert=raw.get("invert") is True, line=line)

    def derive(self, spec: TableSpec, target: str, text: str, where: YamlPath
               ) -> tuple[str, str, str | None] | None:
        """`derive: created_at + Days open` -> (timestamp column, duration, the duration's export column,
        None when the duration is a canonical one such as wait_s)."""
        base, plus, duration = (part.strip() for part in text.partition("+"))
        at = where + ("derive",)
        example = "e.g. derive: created_at + wait_s, or derive: created_at + Days open with unit: days"
        if not (base and plus and duration):
            self.add(at, "write the sum as '<timestamp column> + <duration column>'", example)
        elif spec.kind(target) != TIMESTAMP:
            self.add(at, f"only timestamps can be derived; {target} is not one")
        elif spec.kind(base) != TIMESTAMP or base == target:
            self.add(at, f"{base!r} is not another timestamp column of {spec.name}", example)
        elif spec.kind(duration) not in (None, SECONDS):
            self.add(at, f"{duration} is not a duration", "add wait_s, handle_time_s or an export column of "
                     "durations (with its unit)")
        else:
            return base, duration, duration if spec.kind(duration) is None else None
        return None

    def ids(self, target: str, kind: str | None, raw: dict[str, Any], where: YamlPath) -> tuple[str, ...]:
        """Checks of `row_number: true` and `join: [...]` (with `sep`); the joined columns."""
        for key in ("row_number", "join"):
            if key in raw and kind != LABEL:
                self.add(where + (key,), f"{key} builds ids and labels; {target} is not one")
        if "row_number" in raw and raw["row_number"] is not True:
            self.add(where + ("row_number",), "write row_number: true (the id is the row number in the file)")
        if "sep" in raw and "join" not in raw:
            self.add(where + ("sep",), "sep is the text between joined values: it goes with join")
        elif "sep" in raw and not isinstance(raw["sep"], str):
            self.add(where + ("sep",), "must be text, the characters between joined values", 'e.g. sep: "-"')
        columns = raw.get("join")
        if columns is None:
            return ()
        if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
            self.add(where + ("join",), "must list the export's columns to join", 'e.g. join: [Date, Agent, "Call Id"]')
            return ()
        return tuple(columns)

    def unit(self, target: str, kind: str | None, raw: dict[str, Any], where: YamlPath,
             derive: tuple[str, str, str | None] | None) -> str | None:
        """The unit of a duration written as a number: on a seconds column, or on a derive's export column."""
        unit = raw.get("unit")
        if unit is None:
            return None
        at = where + ("unit",)
        if unit not in UNITS:
            close = difflib.get_close_matches(str(unit), list(UNITS), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"units: {', '.join(UNITS)}"
            self.add(at, f"unknown unit {unit!r}", hint)
            return None
        if derive is not None and derive[2] is None and unit != "seconds":
            self.add(at, f"{derive[1]} is already in seconds: give the export's unit where {derive[1]} is mapped")
        elif derive is None and "derive" not in raw and kind != SECONDS:
            self.add(at, f"a unit applies to a duration (handle_time_s, wait_s, a derive's duration); "
                     f"{target} is not one")
        elif "format" in raw:
            self.add(at, "a clock format (h:mm:ss) already gives hours, minutes and seconds: keep one of the two")
        return unit

    def missing(self, raw: dict[str, Any], where: YamlPath) -> tuple[str, ...]:
        """`missing: ["0:00:00", "-"]`: cell texts that mean no value, compared trimmed, any case."""
        markers = raw.get("missing")
        if markers is None:
            return ()
        markers = markers if isinstance(markers, list) else [markers]
        if not any(k in raw for k in ("from", "date", "join", "derive")):
            self.add(where + ("missing",), "missing goes with a column read from the export (from, date, join, derive)")
        out = []
        for i, marker in enumerate(markers):
            if marker is None or isinstance(marker, (dict, list)):
                self.add(where + ("missing", i), 'must be a cell value, e.g. missing: ["0:00:00", "-"]')
            else:
                out.append(str(_value_text(marker)).strip().lower())
        return tuple(out)

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


def constant_inputs(mapping: Mapping) -> tuple[ConstantInput, ...]:
    """The measured columns the mapping fixes by construction: each one set with `value:`, each pair
    read the same way from the same export column (their difference is 0 in every row), and each
    timestamp derived by adding a constant duration to another. Labels and ids set to a constant
    (`channel: {value: voice}`) are not measured and are left out."""
    from .dataset import ConstantInput  # dataset.py imports this module; the class lives there

    file = Path(mapping.path).name or mapping.name
    found: list[ConstantInput] = []
    for table, body in mapping.tables.items():
        measured = [r for r in body.columns.values() if TABLES[table].kind(r.target) in _MEASURED]
        for rule in measured:
            if rule.constant is not None:
                found.append(ConstantInput(table, frozenset({rule.target}), (
                    f"{rule.target} is set to the constant {rule.constant} by the mapping ({file}, line "
                    f"{rule.line}), not measured")))
        read = [(r, replace(r, target="", line=None)) for r in measured if r.sources() and not r.derive]
        for i, (first, how) in enumerate(read):
            for second, other in read[i + 1:]:
                if how == other:
                    found.append(ConstantInput(table, frozenset({first.target, second.target}), (
                        f"{first.target} and {second.target} are both read from "
                        f"{' + '.join(map(repr, first.sources()))} ({file}, {_lines(first, second)}): "
                        "their difference is 0 by construction")))
        for rule in body.columns.values():
            if not rule.derive or rule.plus is not None:
                continue
            start, duration = rule.derive
            added = body.columns.get(duration)
            if added is not None and added.constant is not None:
                found.append(ConstantInput(table, frozenset({start, rule.target}), (
                    f"{rule.target} is {start} plus {added.target}, set to the constant {added.constant} "
                    f"({file}, {_lines(added, rule)}): their difference is fixed by construction")))
    return tuple(found)


def _lines(a: ColumnRule, b: ColumnRule) -> str:
    """'lines 21-22' for neighbours, else 'lines 5 and 30' (in file order)."""
    first, second = sorted((a.line or 0, b.line or 0))
    return f"lines {first}-{second}" if second == first + 1 else f"lines {first} and {second}"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _value_text(value: Any) -> str | None:
    """YAML scalars as the text a cell would hold (true -> 'true', 3 -> '3', null -> None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
