"""YAML reading that remembers where each key was written, for `file:line:col` errors.

A small loader of our own (the mapping format is tiny; the contract loader has its own): mappings
come back as `MarkedDict` with the line and column of every key, duplicate keys are recorded instead
of silently overwritten, and only true/false are booleans (so `Y:`, `yes:` or `no:` in a value map
stay text, as a user mapping an export's Y/N column means them).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import ContractError, Problem

_BOOL_TAG = "tag:yaml.org,2002:bool"


class MarkedDict(dict):
    """A YAML mapping with the 1-based (line, col) of the mapping and of each of its keys."""

    def __init__(self, line: int, col: int) -> None:
        super().__init__()
        self.line, self.col = line, col
        self.key_marks: dict[Any, tuple[int, int]] = {}
        self.duplicates: list[tuple[Any, int, int]] = []

    def mark(self, key: Any) -> tuple[int, int]:
        """Where `key` was written (the mapping's own place when the key is absent)."""
        return self.key_marks.get(key, (self.line, self.col))


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and marked mappings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> MarkedDict:
    loader.flatten_mapping(node)
    out = MarkedDict(node.start_mark.line + 1, node.start_mark.column + 1)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            key = str(key)
        line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if key in out:
            out.duplicates.append((key, line, col))
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_marks[key] = (line, col)
    return out


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load_marked(path: Path) -> Any:
    """Parse a YAML file; ContractError (located) when it is not readable YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContractError(Problem(f"cannot read the file: {exc}", file=str(path))) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ContractError(Problem(
            f"not valid YAML: {exc.problem}", file=str(path),
            line=mark.line + 1 if mark else None, col=mark.column + 1 if mark else None,
            hint="check the indentation and quoting around this place")) from None
    except yaml.YAMLError as exc:
        raise ContractError(Problem(f"not valid YAML: {exc}", file=str(path))) from None
