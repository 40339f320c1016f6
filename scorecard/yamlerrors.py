"""YAML syntax errors in plain words, for the people who write contracts, mappings and actions files.

PyYAML describes what its parser expected ("while scanning a block scalar expected chomping or
indentation indicators"); a vendor manager needs what is wrong on which line and how to fix it.
The common slips are recognised from the text around the error: an unquoted `>=` comparison, a
tab, a line out of line with the one above, a key without its colon, an unclosed quote or list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

#: `key: >= 78%` - an unquoted comparison (`>` starts a folded block scalar in YAML)
_COMPARISON = re.compile(r"^\s*(?:-\s+)?([^\s:#'\"][^:#]*?):\s*([<>]=?\s*[-+]?\.?\d[^#]*?)\s*(#.*)?$")
_KEY_ONLY = re.compile(r"^\s*(?:-\s+)?([^\s:#'\"{}\[\],][^:#{}\[\]]*?)\s*(#.*)?$")


@dataclass(frozen=True)
class Explained:
    """What to tell the user: 1-based position, message and hint."""

    line: int
    col: int
    message: str
    hint: str


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#") and stripped not in ("---", "...")


def _show(lines: list[str], *numbers: int) -> str:
    """The lines (0-based numbers) as an excerpt, numbered as an editor shows them."""
    return "".join(f"\n        {n + 1:>4} | {lines[n]}" for n in numbers if 0 <= n < len(lines))


def _comparison(lines: list[str], candidates: list[int]) -> Explained | None:
    for n in candidates:
        m = _COMPARISON.match(lines[n]) if 0 <= n < len(lines) else None
        if m:
            key, value = m.group(1), m.group(2)
            return Explained(n + 1, lines[n].index(value) + 1, f'the comparison {value} is not in quotes',
                             f'put the comparison in quotes: {key}: "{value}"')
    return None


def _tab(lines: list[str], candidates: list[int]) -> Explained | None:
    for n in candidates:
        if 0 <= n < len(lines) and "\t" in lines[n]:
            return Explained(n + 1, lines[n].index("\t") + 1, "a tab character is used to indent or separate"
                             + _show(lines, n).replace("\t", "<TAB>"),
                             "YAML allows only spaces there: replace the tab with spaces")
    return None


def _previous(lines: list[str], n: int) -> int:
    """The nearest line above `n` with content (not blank, not a comment), or -1."""
    p = n - 1
    while p >= 0 and not _content(lines[p]):
        p -= 1
    return p


def _layout(lines: list[str], n: int, problem: str) -> Explained | None:
    """A key without its colon on the line above, or a line out of line with the one above."""
    if not 0 <= n < len(lines):
        return None
    p = _previous(lines, n)
    if p < 0:
        return None
    here, there = _indent(lines[n]), _indent(lines[p])
    if here == there and lines[p].lstrip().startswith("- ") != lines[n].lstrip().startswith("- "):
        return Explained(n + 1, here + 1, "a list item and a key are side by side" + _show(lines, p, n),
                         "in one block, write either every entry as `- item` or every entry as `key: value`")
    above = _KEY_ONLY.match(lines[p])
    if above and "mapping values are not allowed" in problem:
        words = above.group(1).split(None, 1)
        fix = f"{words[0]}: {words[1]}" if len(words) == 2 else f"{words[0]}:"
        return Explained(p + 1, _indent(lines[p]) + 1, "this line has no colon after its key" + _show(lines, p, n),
                         f"write `{fix}`")
    if "mapping values are not allowed" in problem or "expected <block end>" in problem:
        return Explained(n + 1, here + 1, f"line {n + 1} does not line up with line {p + 1}" + _show(lines, p, n),
                         f"line {n + 1} starts at column {here + 1}, line {p + 1} at column {there + 1}: the keys "
                         "of one block start in the same column, one level is 2 more spaces")
    return None


def _unclosed(exc: yaml.MarkedYAMLError, lines: list[str]) -> Explained | None:
    """A quote or a [list] / {mapping} opened and never closed: point at where it was opened."""
    context, mark = exc.context or "", exc.context_mark
    if mark is None:
        return None
    if "quoted scalar" in context:
        what, fix = "a quote opened here is never closed", "close the quote on the same line"
    elif "flow sequence" in context or "flow mapping" in context:
        bracket = "]" if "sequence" in context else "}"
        what, fix = f"a {'list' if bracket == ']' else 'mapping'} opened here is not closed", \
            f"close it with {bracket} (and separate items with commas)"
    else:
        return None
    return Explained(mark.line + 1, mark.column + 1, what + _show(lines, mark.line), fix)


def explain(exc: yaml.MarkedYAMLError, text: str) -> Explained:
    """The plain-words version of a parser or scanner error (the parser's own words as a last resort)."""
    lines = text.splitlines()
    mark = exc.problem_mark or exc.context_mark
    n = mark.line if mark else 0
    problem = exc.problem or ""
    candidates = [n, *([exc.context_mark.line] if exc.context_mark else []), n - 1]
    found = (_comparison(lines, candidates) or _unclosed(exc, lines)
             or (_tab(lines, candidates) if "\t" in problem or "\t" in "".join(lines[max(n - 1, 0):n + 1]) else None)
             or _layout(lines, n, problem))
    if found:
        return found
    words = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
    return Explained(n + 1, (mark.column if mark else 0) + 1, words + _show(lines, n),
                     "check indentation, colons and quotes around this place")
