"""The actions file: the forum's action log, carried from one forum to the next.

It is a file people edit by hand between forums, so every problem is reported at once with its
line (as a ContractError, like any hand-written input) rather than failing on the first one.
Format (a YAML list, or a mapping with an `actions:` list):

    - id: A-12
      title: Re-train night shift on refund policy
      owner: Vendor operations manager
      due: 2026-03-15
      status: open          # open, in_progress, blocked, done or closed
      kpi: fcr              # optional: the contract KPI the action is meant to move
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from ..errors import ContractError, Problem
from ..yamlread import Document, FileKind, read_yaml_file
from ..yamlread import Path as YamlPath
from .model import Contract

STATUSES = ("open", "in_progress", "blocked", "done", "closed")
FINISHED = ("done", "closed")
REQUIRED = ("id", "title", "owner", "due", "status")
OPTIONAL = ("kpi",)


@dataclass(frozen=True)
class Action:
    """One action of the log; `line` is where it starts in the file (for messages)."""

    id: str
    title: str
    owner: str
    due: date
    status: str
    kpi: str | None = None
    line: int = 0

    def overdue(self, period_end: date) -> bool:
        """Due before the end of the forum's period and not finished."""
        return self.due < period_end and self.status not in FINISHED


_ACTIONS_FILE = FileKind("the actions file", hint="pass an existing YAML file with --actions",
                         syntax="not valid YAML", scalars="text")  # ids, dates and statuses as written


class _Reader:
    """Checks the actions of a parsed file one by one, collecting every problem with its place."""

    def __init__(self, file: str, doc: Document, contract_id: str, kpi_ids: tuple[str, ...],
                 problems: list[Problem]) -> None:
        self.file = file
        self.doc = doc
        self.contract_id = contract_id
        self.kpi_ids = kpi_ids
        self.problems = list(problems)

    def add(self, at: YamlPath, message: str, name: str = "", hint: str = "", *, key: bool = False) -> None:
        """A problem of field `name`, placed at the value (or the key) `at`."""
        line, col = self.doc.where(at, key=key)
        self.problems.append(Problem(message, self.file, line, col, name, hint))

    def item(self, at: YamlPath, raw: Any) -> Action | None:
        """One action, or None with its problems recorded."""
        line = self.doc.where(at)[0]
        if not isinstance(raw, dict):
            self.add(at, "an action must be a mapping of id, title, owner, due, status (and kpi)")
            return None
        fields: dict[str, str] = {}  # the fields given as non-empty text
        for name, value in raw.items():
            if name not in REQUIRED + OPTIONAL:
                self.add(at + (name,), f"unknown field {name!r}", name,
                         f"fields: {', '.join(REQUIRED + OPTIONAL)}", key=True)
            elif isinstance(value, str) and value.strip():  # a list or mapping where text belongs is missing
                fields[name] = value.strip()
        missing = [name for name in REQUIRED if name not in fields]
        for name in missing:  # at the action's first line: the field is nowhere to point at
            self.problems.append(Problem(f"missing {name}", self.file, line, field=name,
                                         hint="every action needs id, title, owner, due and status"))
        if missing:
            return None
        try:
            due = date.fromisoformat(fields["due"])
        except ValueError:
            self.add(at + ("due",), f"due {fields['due']!r} is not a date", "due",
                     "write the date as YYYY-MM-DD, e.g. 2026-03-31")
            return None
        status = fields["status"].lower().replace(" ", "_").replace("-", "_")
        if status not in STATUSES:
            self.add(at + ("status",), f"unknown status {fields['status']!r}", "status",
                     f"one of: {', '.join(STATUSES)}")
            return None
        kpi = fields.get("kpi")
        if kpi and kpi not in self.kpi_ids:
            self.add(at + ("kpi",), f"kpi {kpi!r} is not a KPI of contract {self.contract_id}", "kpi",
                     f"one of: {', '.join(self.kpi_ids)}")
            return None
        return Action(fields["id"], fields["title"], fields["owner"], due, status, kpi, line)


def read_actions(path: str | Path, contract_id: str, kpi_ids: Iterable[str]) -> tuple[list[Action], list[Problem]]:
    """Every valid action of the file, in file order, and every problem found (located).

    Takes the contract's id and KPI ids rather than a `Contract`, so `validate` can check the file
    while it is still checking the contract that names it."""
    file = str(path)
    doc, problems = read_yaml_file(Path(path), _ACTIONS_FILE)
    if doc.data is None:
        return [], problems  # unreadable or a syntax error (problems), or an empty file: no actions yet
    at: YamlPath = ("actions",) if isinstance(doc.data, dict) and "actions" in doc.data else ()
    items = doc.data["actions"] if at else doc.data
    if not isinstance(items, list):
        return [], [*problems, Problem("the actions file must be a list of actions", file,
                                       line=doc.where(at)[0], hint="start each action with '- id: ...'")]
    reader = _Reader(file, doc, contract_id, tuple(kpi_ids), problems)
    actions = [a for a in (reader.item(at + (i,), raw) for i, raw in enumerate(items)) if a]
    seen: dict[str, int] = {}
    for action in actions:
        if action.id in seen:
            reader.problems.append(Problem(f"id {action.id!r} already used on line {seen[action.id]}", file,
                                           line=action.line, field="id", hint="give each action its own id"))
        seen.setdefault(action.id, action.line)
    return actions, reader.problems


def load_actions(path: str | Path, contract: Contract) -> list[Action]:
    """Every action of the file, in file order; ContractError listing every problem, located."""
    actions, problems = read_actions(path, contract.id, contract.kpis)
    if problems:
        raise ContractError(problems)
    return actions
