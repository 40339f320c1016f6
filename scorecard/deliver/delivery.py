"""The delivery options of `scorecards` and `run` (--pdf, --roster, --outbox, --smtp, --smtp-from)
and the order they run in: options and roster checked before anything is written, the PDFs inside
the scorecards' own output set, then the outbox set, then sending.

The CLI prints and exits; this module returns what to print (`Report`) and raises ScorecardError.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem, ScorecardError

if TYPE_CHECKING:  # the CLI builds its parser from add_options: no pandas import for that
    from ..contract.model import Role
    from ..evaluate import Evaluation
    from .roster import Roster

DEFAULT_SENDER = "scorecard@localhost"


def add_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("delivery (docs/scorecards.md, cards that reach their readers)")
    g.add_argument("--pdf", action="store_true", help="also print each card to a PDF beside it (needs Chromium)")
    g.add_argument("--roster", metavar="FILE",
                   help="who reads which card: a .csv or .xlsx with the columns id,name,email,role,manager")
    g.add_argument("--outbox", metavar="DIR", help="write one e-mail (.eml) per recipient into DIR (needs --roster)")
    g.add_argument("--smtp", metavar="HOST[:PORT]",
                   help="send the e-mails through this server (needs --roster; login from "
                        "SCORECARD_SMTP_USER / SCORECARD_SMTP_PASSWORD)")
    g.add_argument("--smtp-from", metavar="ADDRESS", help="the sender of the e-mails (needed with --smtp)")


@dataclass
class Report:
    """What the CLI prints after delivery: lines (stdout), warnings (stderr), failures (exit 2)."""

    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Delivery:
    pdf: bool
    roster: Path | None
    outbox: Path | None
    smtp: str | None
    sender: str

    @classmethod
    def from_args(cls, args: argparse.Namespace, cards_folder: Path) -> Delivery:
        """The options, checked together before the long work starts."""
        roster = Path(args.roster) if args.roster else None
        outbox = Path(args.outbox) if args.outbox else None
        if (outbox or args.smtp) and roster is None:
            option = "--outbox" if outbox else "--smtp"
            raise ScorecardError(Problem("who receives the cards?", field=option,
                                         hint="add --roster roster.csv (columns id,name,email,role,manager)"))
        if outbox and outbox.resolve() in (cards_folder.resolve(), *cards_folder.resolve().parents):
            raise ScorecardError(Problem("the outbox cannot be the scorecards' folder or hold it", field="--outbox",
                                         hint="choose a folder of its own, e.g. "
                                              f"--outbox {cards_folder.parent / 'outbox'}"))
        if args.smtp:
            from .smtp import Server, credentials

            Server.parse(args.smtp)
            credentials()
            if not args.smtp_from:
                raise ScorecardError(Problem("which address sends the cards?", field="--smtp",
                                             hint="add --smtp-from vendor.management@company.com"))
        if args.smtp_from:
            _check_sender(args.smtp_from)
        return cls(args.pdf, roster, outbox, args.smtp, args.smtp_from or DEFAULT_SENDER)

    def read_roster(self, evaluation: Evaluation) -> Roster | None:
        """The checked roster (exit 2 on any problem), or None without --roster."""
        from .roster import read_roster

        return read_roster(self.roster, evaluation.contract.card_roles()) if self.roster else None

    def print_pdfs(self, written: Sequence[Path]) -> list[Path]:
        """With --pdf, one PDF per card among the files `write_scorecards` wrote (indexes left out)."""
        if not self.pdf:
            return []
        from .pdf import write_pdfs

        return write_pdfs([p for p in written if p.suffix == ".html" and p.name != "index.html"])

    def deliver(self, evaluation: Evaluation, cards_folder: Path, roster: Roster | None, roles: Sequence[Role],
                lang: str | None) -> Report:
        """Match the committed cards to the roster, then write the outbox and send, as asked."""
        report = Report()
        if roster is None:
            return report
        from ..render import format as f
        from .letters import plan, run_cards
        from .message import compose

        lang = f.check_lang(lang or evaluation.contract.language)
        letters, report.warnings = plan(roster, run_cards(evaluation, cards_folder, roles, lang))
        c = evaluation.contract
        period, contract = f.fmt_period(evaluation.periods[-1], lang), f"{c.client} / {c.vendor} ({c.id})"
        copies = sum(1 for letter in letters if letter.cc)
        report.lines.append(f"roster {roster.path}: {len(letters)} e-mail(s) with "
                            f"{sum(len(x.cards) for x in letters)} card(s), {copies} copied to a manager")
        if not (self.outbox or self.smtp):  # --roster alone: the check and the count above
            return report
        if not any(c.pdf for x in letters for c in x.cards):
            report.lines.append("the e-mails carry the cards inline only (add --pdf to attach each card as a PDF)")
        messages = [compose(letter, self.sender, period=period, contract=contract, lang=lang) for letter in letters]
        if self.outbox:
            from .outbox import INDEX, write_outbox

            write_outbox(self.outbox, evaluation, letters, messages)
            report.lines.append(f"outbox: {len(letters)} e-mail(s) under {self.outbox} (list: {self.outbox / INDEX})")
            if self.sender == DEFAULT_SENDER:  # a placeholder a mail client shows: say how to set a real one
                report.lines.append(f"the e-mails are from {DEFAULT_SENDER} "
                                    "(add --smtp-from 'Vendor management <vm@company.com>' to set the sender)")
        if self.smtp:
            from .smtp import Server, failure_problems, send

            failures = send(Server.parse(self.smtp), letters, messages)
            report.lines.append(f"sent through {self.smtp}: {len(letters)} e-mail(s), "
                                f"{len(failures)} recipient(s) refused")
            report.failures = failure_problems(failures, str(roster.path))
        return report


def _check_sender(sender: str) -> None:
    from email.utils import parseaddr

    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(parseaddr(sender)[1], check_deliverability=False)
    except EmailNotValidError as exc:
        raise ScorecardError(Problem(f"{sender!r} is not an e-mail address: {exc}", field="--smtp-from",
                                     hint="write one address, e.g. --smtp-from 'Vendor management "
                                          "<vm@company.com>'")) from None
