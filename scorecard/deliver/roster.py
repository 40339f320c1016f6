"""The roster: who reads which card. A CSV or .xlsx sheet with the columns `id,name,email,role,manager`
(read by the data readers: any encoding and delimiter an export uses, Excel's own row numbers).

`id` is the id the data uses for the person's card (agent_id for an agent, team_id for a team lead
or a trainer, evaluator_id for QA, the vendor for the operations manager), `role` one of the
contract's roles, and `manager` the id of the entry of the person copied on their cards (an agent's
team lead). A team lead and a trainer of the same team share the team's id, so an entry is known by
its role and id together, and a manager id that several entries share means the team lead's.

Checked like every input: every problem at file:row:column with how to fix it, all in one run.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
from email_validator import EmailNotValidError, validate_email

from ..contract.fields import suggest
from ..data.readers import QUARANTINED, SOURCE_ROW, read_table
from ..errors import DataError, Problem

COLUMNS = ("id", "name", "email", "role", "manager")
REQUIRED = ("id", "email", "role")
MANAGER_ROLE = "team_lead"  # the entry a shared manager id means (see the module doc)


@dataclass(frozen=True)
class Person:
    """One roster entry; `row` is its row in the file as a spreadsheet shows it (header = 1)."""

    id: str
    name: str
    email: str
    role: str
    manager: str
    row: int


@dataclass(frozen=True)
class Roster:
    path: str
    people: tuple[Person, ...]

    @cached_property
    def _by_id(self) -> dict[str, list[Person]]:
        """Entries per id, looked up once per card (a roster of thousands of agents)."""
        index: dict[str, list[Person]] = {}
        for p in self.people:
            index.setdefault(p.id, []).append(p)
        return index

    def entries(self, entity: str) -> list[Person]:
        """Every entry with this id (a team's team lead and trainer share the team's)."""
        return self._by_id.get(entity, [])

    def entry(self, role: str, entity: str) -> Person | None:
        return next((p for p in self.entries(entity) if p.role == role), None)

    def manager_of(self, person: Person) -> Person | None:
        """The entry `person.manager` names: the only entry with that id, else its team lead's."""
        found = [p for p in self.entries(person.manager) if p is not person] if person.manager else []
        return next((p for p in found if p.role == MANAGER_ROLE), found[0] if len(found) == 1 else None)


def read_roster(path: Path, roles: Collection[str]) -> Roster:
    """Read and check a roster (.csv in any encoding or delimiter the data readers take, or .xlsx);
    raise DataError with every problem found. `roles`: the contract's."""
    path = Path(path)
    if not path.is_file():
        raise DataError(Problem("the roster file does not exist", file=str(path), field="--roster",
                                hint="pass the path of a .csv or .xlsx with the columns id,name,email,role,manager"))
    table = read_table(path)
    columns = [c for c in table.frame.columns if c != SOURCE_ROW]
    header = [str(c).strip().lower() for c in columns]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DataError(Problem(f"the roster has no column {', '.join(missing)}", file=str(path), line=1,
                                hint=f"the first row names the columns: {','.join(COLUMNS)}"))
    problems = [Problem(r["problem"], file=str(path), line=int(r["row"]))
                for r in table.report.to_dict("records") if r["action"] == QUARANTINED]
    people = []
    for record in table.frame.to_dict("records"):
        values = {name: _cell(record[column]) for name, column in zip(header, columns)}
        person, found = _person(values, int(record[SOURCE_ROW]), header, roles, str(path))
        problems += found
        people.append(person)
    problems += _links(people, header, str(path))
    if problems:
        raise DataError(problems)
    return Roster(str(path), tuple(people))


def _cell(value: object) -> str:
    """A cell as text: empty when missing, a whole number without '.0' (an id typed in Excel)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _at(path: str, row: int, header: list[str], column: str, message: str, hint: str) -> Problem:
    return Problem(message, file=path, line=row, col=header.index(column) + 1, field=column, hint=hint)


def _person(values: dict[str, str], row: int, header: list[str], roles: Collection[str],
            path: str) -> tuple[Person, list[Problem]]:
    """One row as a Person, and its problems (the row still counts for duplicates and managers)."""
    problems = []
    if not values["id"]:
        problems.append(_at(path, row, header, "id", "the id is empty",
                            "write the id the data uses for this person's card: agent_id, team_id, "
                            "evaluator_id or the vendor"))
    if values["role"] not in roles:
        problems.append(_at(path, row, header, "role", f"unknown role {values['role']!r}"
                            + suggest(values["role"], roles),
                            f"write one of the contract's roles: {', '.join(roles)}"))
    email = values["email"]
    try:
        checked = validate_email(email, check_deliverability=False, allow_smtputf8=False)
        email = checked.ascii_email or checked.normalized
    except EmailNotValidError as exc:
        problems.append(_at(path, row, header, "email", f"{email!r} is not an e-mail address: {exc}",
                            "write one address like ann.lee@company.com, with no name or brackets around it"))
    name = values.get("name", "")
    if any(ord(c) < 32 for c in name):
        problems.append(_at(path, row, header, "name", "the name holds a line break or a control character",
                            "write the name on one line"))
    return Person(values["id"], name, email, values["role"], values.get("manager", ""), row), problems


def _links(people: list[Person], header: list[str], path: str) -> list[Problem]:
    """Duplicate entries, and managers that name no entry, only the entry itself, or several entries
    none of which is a team lead's."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], Person] = {}
    roster, ids = Roster(path, tuple(people)), {p.id for p in people}
    for p in people:
        first = seen.setdefault((p.role, p.id), p)
        if first is not p:
            problems.append(_at(path, p.row, header, "id", f"{p.id} is already the {p.role} of row {first.row}",
                                "keep one row per person and role (remove or merge the other)"))
        if not p.manager or roster.manager_of(p):
            continue
        if p.manager not in ids:
            message = f"no entry has the id {p.manager!r}"
        elif p.manager == p.id and len(roster.entries(p.id)) == 1:
            message = "the manager is the entry itself"
        else:
            message = f"several entries have the id {p.manager!r} and none is a {MANAGER_ROLE}"
        problems.append(_at(path, p.row, header, "manager", message,
                            "write the id of the entry of their team lead (add that entry if it is missing), "
                            "or leave it empty"))
    return problems
