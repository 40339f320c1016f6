"""Shared by the delivery tests: a roster of the small demo's people, and reading e-mails back."""

from __future__ import annotations

import contextlib
import io
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from scorecard.cli import main
from scorecard.demo_data.setting import TEAMS, VENDOR

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = str(ROOT / "contracts" / "acme-travel-nordlys.yaml")
AGENTS = 12  # conftest.small_demo


def team_of(agent: int) -> str:
    """make_agents spreads agents evenly over the teams, in order."""
    return TEAMS[(agent - 1) * len(TEAMS) // AGENTS]


def write_roster(path: Path, *, bad: dict[str, str] | None = None) -> Path:
    """Agents (copied to their team lead), team leads, the operations manager; `bad` replaces the
    address of some ids. Trainers and QA evaluators are left out on purpose (cards with no entry)."""
    bad = bad or {}
    lines = ["id,name,email,role,manager", f"{VENDOR},Olga Ops,ops@example.com,operations_manager,"]
    lines += [f"{t},Lead {t},{bad.get(t, f'lead.{t.lower()}@example.com')},team_lead,{VENDOR}" for t in TEAMS]
    for i in range(1, AGENTS + 1):
        agent = f"AG{i:04d}"
        lines.append(f"{agent},Agent {agent},{bad.get(agent, f'{agent.lower()}@example.com')},agent,{team_of(i)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    """The CLI's exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def read_eml(data: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(data)


def cards_of(message: EmailMessage) -> list[str]:
    return list(message.get_all("X-Scorecard-Card") or [])
