"""The one line-aware, strict YAML reader behind every hand-written file: contracts, mappings, actions.

`yaml.safe_load` forgets where values came from and silently keeps the last of two duplicate keys;
a validator needs both the position (to say `file:line:col`) and duplicates as errors.
So the text is composed into nodes with a safe loader and walked here, recording each path's marks;
callers get plain Python data plus `Document.where(path)` and report in their own words.
"""

from __future__ import annotations

import hashlib
import pathlib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem
from .yamlerrors import explain

#: a location inside the document: mapping keys (str) and sequence indexes (int)
Path = tuple[str | int, ...]

#: how plain scalars are typed: "typed" as PyYAML's safe loader (YAML 1.1: `yes`/`no` are booleans);
#: "strict_bools" the same except that only true/false are booleans; "text" everything as written
Scalars = Literal["typed", "strict_bools", "text"]

# Aliases can make a small text expand into a huge tree ("billion laughs"); hand-written files are small.
MAX_NODES = 200_000
#: nesting beyond this is no hand-written file's shape; it is refused before PyYAML recurses into it
MAX_DEPTH = 50
#: no count, amount or score in a hand-written file needs 16 digits; larger ones are typos or attacks
MAX_NUMBER = 1e15
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_MERGE_TAG = "tag:yaml.org,2002:merge"
_BOOL_TAG = "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class FileKind:
    """What a caller reads, as its messages name it, and how its scalars are typed."""

    what: str = "the file"  # "cannot read the contract: ...", "save the contract as UTF-8"
    hint: str = "check the path and the file's permissions"  # when the file cannot be read
    syntax: str = "YAML syntax error"  # how a syntax error is introduced
    scalars: Scalars = "typed"


class _Loader(yaml.SafeLoader):
    """Safe loader used only to compose nodes and construct scalars (dates, ints, floats, bools)."""


class _StrictBoolLoader(_Loader):
    """Only true/false are booleans, so `Y`, `yes` or `no` in a value map of a Y/N column stay text."""


class _TextLoader(_Loader):
    """Every plain scalar is its text as written (ids, dates, statuses); `<<` still merges."""


def _keep_resolvers(loader: type[_Loader], keep: Callable[[str], bool]) -> None:
    """Give `loader` its own copy of the implicit resolvers whose tag passes `keep`."""
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if keep(tag)]
        for first, resolvers in _Loader.yaml_implicit_resolvers.items()}


_keep_resolvers(_StrictBoolLoader, lambda tag: tag != _BOOL_TAG)
_StrictBoolLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                        list("tTfF"))
_keep_resolvers(_TextLoader, lambda tag: tag == _MERGE_TAG)
_LOADERS: dict[str, type[_Loader]] = {"typed": _Loader, "strict_bools": _StrictBoolLoader, "text": _TextLoader}


def field_name(path: Path) -> str:
    """('kpis', 'aht', 'target') -> 'kpis.aht.target'; ('roles', 'agent', 'kpis', 2) -> 'roles.agent.kpis[2]'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class Document:
    """The data read from one YAML file and where each piece of it was written."""

    data: Any
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    digest: str = ""  # sha256 of the file's bytes (read_yaml_file), to tell which version a result used

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of `path` (of its key when `key`), else of its nearest recorded ancestor."""
        for n in range(len(path), -1, -1):
            sub = path[:n]
            found = (self.keys.get(sub) if key else None) or self.values.get(sub) or self.keys.get(sub)
            if found:
                return found
        return (1, 1)


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Walker:
    """Turns composed nodes into dicts/lists/scalars, recording marks and collecting problems."""

    def __init__(self, file: str, loader: _Loader, kind: FileKind):
        self.file = file
        self.loader = loader
        self.kind = kind
        self.doc = Document(None)
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()  # nodes being walked: an alias to one of them is a cycle

    def problem(self, node: Node, path: Path, message: str, hint: str = "") -> None:
        line, col = _mark(node)
        self.problems.append(Problem(message, self.file, line, col, field_name(path), hint))

    def walk(self, node: Node, path: Path) -> Any:
        self.doc.values.setdefault(path, _mark(node))
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge(node, "the document expands to too many values (aliases nested too deeply)")
        if len(path) > MAX_DEPTH:  # reached through aliases: the text itself was checked before composing
            raise _TooLarge(node, f"values are nested more than {MAX_DEPTH} levels deep")
        if id(node) in self.active:
            self.problem(node, path, "an alias refers to the value that contains it",
                         f"{self.kind.what} cannot be recursive; copy the values instead")
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.walk(item, path + (i,)) for i, item in enumerate(node.value)]
            return self.mapping(cast(MappingNode, node), path)  # the composer's third kind of node
        finally:
            self.active.discard(id(node))

    def scalar(self, node: ScalarNode, path: Path) -> Any:
        """The typed scalar; text YAML cannot type (2026-02-30) stays text for the field's own check.
        Implausibly large numbers and invisible characters are problems here, once for every field."""
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            self.problem(node, path, f"unsupported YAML value: {exc.problem}",
                         "write plain values: text, numbers, dates, lists and mappings")
            return None
        except (ValueError, TypeError, OverflowError):
            return node.value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
            digits = node.value if len(node.value) <= 20 else f"{node.value[:12]}... ({len(node.value)} characters)"
            self.problem(node, path, f"the number {digits} is too large to be meant",
                         "numbers here have at most 15 digits: check for extra digits")
            return None
        if isinstance(value, str) and not self.clean(node, path, value):
            return None
        return value

    def clean(self, node: Node, path: Path, text: str) -> bool:
        """Whether `text` has no control character or lone surrogate (a problem is recorded if not)."""
        bad = _CONTROL.search(text)
        if bad:
            self.problem(node, path, f"invisible character U+{ord(bad.group()):04X} in this text",
                         "delete it and retype the text (it can come from a copy-paste or an escape like \\x00)")
        return bad is None

    def mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        seen: dict[str, tuple[int, int]] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.update(self.merge(value_node, path))
                continue
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, path, "a key must be a plain name, not a list or a mapping")
                continue
            key = str(key_node.value)  # the key as written: `on`, `no`, `1` stay text, not YAML 1.1 bools
            if not self.clean(key_node, path, key):
                continue
            if key in seen:
                self.problem(key_node, path + (key,), f"duplicate key {key!r} (first given at line {seen[key][0]})",
                             "give each key once; YAML would otherwise silently keep only the last value")
                continue
            seen[key] = _mark(key_node)
            self.doc.keys[path + (key,)] = _mark(key_node)
            out[key] = self.walk(value_node, path + (key,))
        return {**{k: v for k, v in merged.items() if k not in out}, **out}

    def merge(self, node: Node, path: Path) -> dict[str, Any]:
        """`<<: *base` or `<<: [*a, *b]`: the merged mappings' entries (earlier ones win, as in YAML)."""
        sources = node.value if isinstance(node, SequenceNode) else [node]
        out: dict[str, Any] = {}
        for source in reversed(sources):
            value = self.walk(source, path)
            if isinstance(value, dict):
                out.update(value)
            else:
                self.problem(source, path, "`<<` must merge a mapping (or a list of mappings)")
        return out


class _TooLarge(Exception):
    def __init__(self, node: Node | None, message: str, mark: Any = None):
        super().__init__(message)
        self.message = message
        self.mark = mark if node is None else node.start_mark


def _check_depth(loader: _Loader) -> None:
    """Raise _TooLarge at the first collection nested beyond MAX_DEPTH, reading events only
    (composing nodes recurses once per level: 500 levels would overflow Python's stack)."""
    depth = 0
    while loader.check_event():
        event = loader.get_event()
        if isinstance(event, (yaml.CollectionStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _TooLarge(None, f"values are nested more than {MAX_DEPTH} levels deep", event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _reader_problem(exc: yaml.reader.ReaderError, text: str, file: str, kind: FileKind) -> Problem:
    """A character YAML does not allow, located from its offset in the text."""
    before = text[: exc.position]
    line, col = before.count("\n") + 1, exc.position - before.rfind("\n")
    char = chr(exc.character) if isinstance(exc.character, int) else exc.character  # PyYAML gives its code
    return Problem(f"{kind.syntax}: character {char!r} is not allowed", file, line, col,
                   hint="remove control characters (copy-paste from a spreadsheet can bring them)")


def read_yaml(text: str, file: str, kind: FileKind = FileKind()) -> tuple[Document, list[Problem]]:
    """Parse one YAML document; syntax errors, duplicate keys and cycles come back as problems.

    A syntax error leaves `data` None (nothing to check further); other problems come with the data,
    so a caller can report them together with its own checks of the rest.
    """
    loader_class = _LOADERS[kind.scalars]
    loaders: list[_Loader] = []
    try:
        loaders.append(loader_class(text))  # the reader refuses control characters here already
        _check_depth(loaders[-1])
        loaders.append(loader_class(text))
        root = loaders[-1].get_single_node()
        if root is None:
            return Document(None), []
        walker = _Walker(file, loaders[-1], kind)
        walker.doc.data = walker.walk(root, ())
        return walker.doc, walker.problems
    except yaml.reader.ReaderError as exc:
        return Document(None), [_reader_problem(exc, text, file, kind)]
    except yaml.MarkedYAMLError as exc:
        said = explain(exc, text)
        return Document(None), [Problem(f"{kind.syntax}: {said.message}", file, said.line, said.col, hint=said.hint)]
    except _TooLarge as exc:
        return Document(None), [Problem(exc.message, file, exc.mark.line + 1, exc.mark.column + 1,
                                        hint=f"{kind.what} should not need values nested that deep")]
    finally:
        for loader in loaders:
            loader.dispose()


def read_yaml_file(path: pathlib.Path, kind: FileKind = FileKind()) -> tuple[Document, list[Problem]]:
    """`read_yaml` of a file on disk: an unreadable or non-UTF-8 file is a located problem like any other."""
    file = str(path)
    try:
        raw = pathlib.Path(path).read_bytes()
    except OSError as exc:
        return Document(None), [Problem(f"cannot read {kind.what}: {exc.strerror or exc}", file, hint=kind.hint)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = raw.count(b"\n", 0, exc.start) + 1, exc.start - raw.rfind(b"\n", 0, exc.start)
        return Document(None), [Problem(f"the file is not UTF-8 text: byte {raw[exc.start]:#04x} cannot be read",
                                        file, line, col, hint=f"save {kind.what} as UTF-8")]
    doc, problems = read_yaml(text, file, kind)
    doc.digest = hashlib.sha256(raw).hexdigest()
    return doc, problems
