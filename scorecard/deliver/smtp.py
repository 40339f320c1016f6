"""`--smtp HOST[:PORT]`: send the letters through a mail server, each refused address reported
(which, why) while the others are still sent.

Credentials come only from the environment (SCORECARD_SMTP_USER, SCORECARD_SMTP_PASSWORD), never
from a file or the command line, which other users can read in the process list. The connection is
upgraded with STARTTLS when the server offers it (port 465: TLS from the start), and a password is
never sent over a connection that stayed unencrypted.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from ..errors import Problem, ScorecardError
from .letters import Letter

ENV_USER, ENV_PASSWORD = "SCORECARD_SMTP_USER", "SCORECARD_SMTP_PASSWORD"
DEFAULT_PORT, TLS_PORT = 25, 465
CLOSED = 421  # "service not available, closing the channel": often a cap on messages per connection
TIMEOUT_S = 30


@dataclass(frozen=True)
class Server:
    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> Server:
        """HOST, HOST:PORT or [IPv6]:PORT."""
        host, _, port = text.rpartition(":") if text.count(":") == 1 or text.startswith("[") else (text, "", "")
        host = host.strip("[]")
        if not host or (port and not (port.isdigit() and 0 < int(port) < 65536)):
            raise ScorecardError(Problem(f"{text!r} is not a mail server", field="--smtp",
                                         hint="write HOST or HOST:PORT, e.g. --smtp smtp.company.com:587"))
        return cls(host, int(port) if port else DEFAULT_PORT)


@dataclass(frozen=True)
class Failure:
    """A recipient a letter did not reach, and the server's reason."""

    address: str
    letter: Letter
    why: str


def credentials() -> tuple[str, str] | None:
    user, password = os.environ.get(ENV_USER, ""), os.environ.get(ENV_PASSWORD, "")
    if bool(user) != bool(password):
        missing = ENV_PASSWORD if user else ENV_USER
        raise ScorecardError(Problem(f"{missing} is not set", field="--smtp",
                                     hint=f"set both {ENV_USER} and {ENV_PASSWORD}, or neither for a server "
                                          "that needs no login"))
    return (user, password) if user else None


def _refused(server: Server, message: str, hint: str) -> ScorecardError:
    return ScorecardError(Problem(message, field="--smtp", hint=hint))


def _connect(server: Server, login: tuple[str, str] | None) -> smtplib.SMTP:
    where = f"{server.host}:{server.port}"
    try:
        if server.port == TLS_PORT:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_S,
                                                  context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_S)
            conn.ehlo()
            if conn.has_extn("starttls"):
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            elif login:
                conn.quit()
                raise _refused(server, f"{where} offers no encryption (STARTTLS): the password would travel "
                                       "in clear", "use the server's submission port (often 587 or 465)")
        if login:
            conn.login(*login)
        return conn
    except smtplib.SMTPAuthenticationError as exc:
        raise _refused(server, f"{where} refused the login of {login[0] if login else ''}: "
                               f"{exc.smtp_code} {_text(exc.smtp_error)}",
                       f"check {ENV_USER} and {ENV_PASSWORD}") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise _refused(server, f"cannot reach the mail server {where}: {exc}",
                       "check the host and port given to --smtp, and that this machine may connect to it") from None


def send(server: Server, letters: Sequence[Letter], messages: Sequence[EmailMessage]) -> list[Failure]:
    """Send every message; return the recipients that were refused (the rest were sent). A server
    that closes the connection (many allow only so many messages per session) is reconnected to
    once for the letter it dropped."""
    login = credentials()
    conn = _connect(server, login)
    failures: list[Failure] = []
    try:
        for letter, message in zip(letters, messages):
            try:
                refused = _send_one(server, conn, letter, message)
            except (OSError, smtplib.SMTPServerDisconnected):
                conn.close()
                conn = _connect(server, login)
                try:
                    refused = _send_one(server, conn, letter, message)
                except (OSError, smtplib.SMTPServerDisconnected) as exc:
                    refused = dict.fromkeys(_addresses(letter), (CLOSED, str(exc)))
            failures += [Failure(a, letter, f"{code} {_text(text)}") for a, (code, text) in refused.items()]
    finally:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            conn.close()
    return failures


def _send_one(server: Server, conn: smtplib.SMTP, letter: Letter,
              message: EmailMessage) -> dict[str, tuple[int, bytes | str]]:
    """The recipients of one message the server refused, with its code and answer."""
    try:
        return dict(conn.send_message(message))
    except smtplib.SMTPRecipientsRefused as exc:
        if any(code == CLOSED for code, _ in exc.recipients.values()):
            raise smtplib.SMTPServerDisconnected("the server closed the connection") from None
        return dict(exc.recipients)
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code == CLOSED:  # smtplib has closed its end: a new connection, once (see send)
            raise smtplib.SMTPServerDisconnected(_text(exc.smtp_error)) from None
        if not isinstance(exc, smtplib.SMTPSenderRefused):  # refused after the recipients: the whole message
            return dict.fromkeys(_addresses(letter), (exc.smtp_code, exc.smtp_error))
        raise _refused(server, f"the server refused the sender {message['From']}: {exc.smtp_code} "
                               f"{_text(exc.smtp_error)}",
                       "pass --smtp-from an address this server may send from") from None


def _text(answer: bytes | str) -> str:
    """A server's answer as text (smtplib gives bytes, or str for its own errors)."""
    return answer.decode(errors="replace") if isinstance(answer, bytes) else answer


def _addresses(letter: Letter) -> list[str]:
    return [letter.to.email] + ([letter.cc.email] if letter.cc else [])


def failure_problems(failures: Sequence[Failure], roster_path: str) -> list[Problem]:
    """Each failure located at the roster row of the refused address, with what to do."""
    problems = []
    for failure in failures:
        letter = failure.letter
        person = letter.to if failure.address == letter.to.email else letter.cc
        cards = ", ".join(f"{c.role} {c.entity}" for c in letter.cards)
        problems.append(Problem(f"not sent to {failure.address} ({cards}): {failure.why}", file=roster_path,
                                line=person.row if person else None, field="email",
                                hint="correct the address in the roster; the other letters were sent"))
    return problems
