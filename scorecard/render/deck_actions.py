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

import yaml

from ..contract.model import Contract
from ..errors import ContractError, Problem

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


def _scalar(node: yaml.Node) -> str | None:
    return str(node.value).strip() if isinstance(node, yaml.ScalarNode) else None


def _item(node: yaml.Node, path: str, contract: Contract, problems: list[Problem]) -> Action | None:
    """One action from its YAML node, or None with its problems recorded."""
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem("an action must be a mapping of id, title, owner, due, status (and kpi)",
                                file=path, line=line, col=node.start_mark.column + 1))
        return None
    fields: dict[str, tuple[str | None, int, int]] = {}
    for key, value in node.value:
        name = _scalar(key) or ""
        if name not in REQUIRED + OPTIONAL:
            problems.append(Problem(f"unknown field {name!r}", file=path, line=key.start_mark.line + 1,
                                    col=key.start_mark.column + 1, field=name,
                                    hint=f"fields: {', '.join(REQUIRED + OPTIONAL)}"))
            continue
        fields[name] = (_scalar(value), value.start_mark.line + 1, value.start_mark.column + 1)
    before = len(problems)
    for name in REQUIRED:
        if not (fields.get(name) or (None,))[0]:
            problems.append(Problem(f"missing {name}", file=path, line=line, field=name,
                                    hint="every action needs id, title, owner, due and status"))
    if len(problems) > before:
        return None
    due_text, due_line, due_col = fields["due"]
    try:
        due = date.fromisoformat(due_text)
    except ValueError:
        problems.append(Problem(f"due {due_text!r} is not a date", file=path, line=due_line, col=due_col,
                                field="due", hint="write the date as YYYY-MM-DD, e.g. 2026-03-31"))
        return None
    status_text, status_line, status_col = fields["status"]
    status = status_text.lower().replace(" ", "_").replace("-", "_")
    if status not in STATUSES:
        problems.append(Problem(f"unknown status {status_text!r}", file=path, line=status_line,
                                col=status_col, field="status", hint=f"one of: {', '.join(STATUSES)}"))
        return None
    kpi = (fields.get("kpi") or (None,))[0]
    if kpi and kpi not in contract.kpis:
        k_line, k_col = fields["kpi"][1:]
        problems.append(Problem(f"kpi {kpi!r} is not a KPI of contract {contract.id}", file=path,
                                line=k_line, col=k_col, field="kpi",
                                hint=f"one of: {', '.join(contract.kpis)}"))
        return None
    return Action(fields["id"][0], fields["title"][0], fields["owner"][0], due, status, kpi or None, line)


def load_actions(path: str | Path, contract: Contract) -> list[Action]:
    """Every action of the file, in file order; ContractError listing every problem, located."""
    path = Path(path)
    where = str(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContractError(Problem(f"cannot read the actions file: {exc.strerror}", file=where,
                                    hint="pass an existing YAML file with --actions")) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ContractError(Problem(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=where,
                                    line=mark.line + 1 if mark else None,
                                    col=mark.column + 1 if mark else None)) from exc
    if isinstance(root, yaml.MappingNode):
        root = next((v for k, v in root.value if _scalar(k) == "actions"), root)
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise ContractError(Problem("the actions file must be a list of actions", file=where,
                                    line=root.start_mark.line + 1, hint="start each action with '- id: ...'"))
    problems: list[Problem] = []
    actions = [a for a in (_item(node, where, contract, problems) for node in root.value) if a]
    seen: dict[str, int] = {}
    for action in actions:
        if action.id in seen:
            problems.append(Problem(f"id {action.id!r} already used on line {seen[action.id]}", file=where,
                                    line=action.line, field="id", hint="give each action its own id"))
        seen.setdefault(action.id, action.line)
    if problems:
        raise ContractError(problems)
    return actions
