"""`scorecards --roster --smtp` end to end against a real SMTP server (aiosmtpd on 127.0.0.1, a free
port): messages counted per recipient, each recipient gets exactly their own cards, a refused address
is reported at its roster row and every other letter is still delivered."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections import defaultdict

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from deliver_helpers import (
    AGENTS,
    CONTRACT,
    cards_of,
    read_eml,
    run,
    team_of,
    write_roster,
)

from scorecard.demo_data.setting import TEAMS

REFUSED = "nobody@refused.example.com"


class Mailbox:
    """The aiosmtpd handler: refuses one address at RCPT, keeps every delivered message."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


def test_every_recipient_gets_exactly_their_own_cards_and_a_refused_address_is_reported(small_demo, tmp_path,
                                                                                        server, monkeypatch):
    monkeypatch.delenv("SCORECARD_SMTP_USER", raising=False)
    monkeypatch.delenv("SCORECARD_SMTP_PASSWORD", raising=False)
    mailbox, port = server
    roster = write_roster(tmp_path / "roster.csv", bad={"AG0003": REFUSED})
    code, out, err = run("scorecards", CONTRACT, "--data", str(small_demo), "--period", "2026-03",
                         "--out", str(tmp_path / "cards"), "--roster", str(roster),
                         "--smtp", f"127.0.0.1:{port}", "--smtp-from", "Vendor management <vm@example.com>")
    assert code == 2, err
    assert "Traceback" not in err
    # the refused address at its roster row (header 1, operations manager 2, team leads 3-8, AG0001 9), and why
    assert (f"error: {roster}:11: email: not sent to {REFUSED} (agent AG0003): 550 5.1.1 no such mailbox here"
            in err)
    assert "hint: correct the address in the roster; the other letters were sent" in err
    assert f"sent through 127.0.0.1:{port}: {AGENTS + len(TEAMS) + 1} e-mail(s), 1 recipient(s) refused" in out

    inbox: dict[str, list[list[str]]] = defaultdict(list)  # recipient -> cards of each message received
    for recipients, data in mailbox.received:
        message = read_eml(data)
        assert message["From"].addresses[0].addr_spec == "vm@example.com"
        for address in recipients:
            inbox[address].append(cards_of(message))
    for i in range(1, AGENTS + 1):
        mine = [f"agent AG{i:04d}"]
        if i == 3:
            assert REFUSED not in inbox
        else:
            assert inbox[f"ag{i:04d}@example.com"] == [mine]  # exactly one message, with only their card
    for team in TEAMS:
        agents = [[f"agent AG{i:04d}"] for i in range(1, AGENTS + 1) if team_of(i) == team]
        # a team lead: a copy of each of their agents' cards (AG0003's too), and their own team-lead card
        assert sorted(inbox[f"lead.{team.lower()}@example.com"]) == sorted(agents + [[f"team_lead {team}"]])
    assert sorted(inbox["ops@example.com"]) == sorted([["operations_manager Nordlys Contact Services"]] +
                                                      [[f"team_lead {t}"] for t in TEAMS])
    assert len(inbox) == AGENTS - 1 + len(TEAMS) + 1


def test_a_password_is_never_sent_without_encryption(small_demo, tmp_path, server, monkeypatch):
    monkeypatch.setenv("SCORECARD_SMTP_USER", "vm")
    monkeypatch.setenv("SCORECARD_SMTP_PASSWORD", "secret")
    mailbox, port = server
    code, _, err = run("scorecards", CONTRACT, "--data", str(small_demo), "--period", "2026-03",
                       "--role", "operations_manager", "--out", str(tmp_path / "cards"),
                       "--roster", str(write_roster(tmp_path / "roster.csv")),
                       "--smtp", f"127.0.0.1:{port}", "--smtp-from", "vm@example.com")
    assert code == 2
    assert f"127.0.0.1:{port} offers no encryption (STARTTLS): the password would travel in clear" in err
    assert mailbox.received == []


def test_credentials_half_set_and_an_unreachable_server_exit_2(small_demo, tmp_path, monkeypatch):
    base = ["scorecards", CONTRACT, "--data", str(small_demo), "--period", "2026-03", "--role", "operations_manager",
            "--out", str(tmp_path / "cards"), "--roster", str(write_roster(tmp_path / "roster.csv")),
            "--smtp-from", "vm@example.com"]
    monkeypatch.setenv("SCORECARD_SMTP_USER", "vm")
    monkeypatch.delenv("SCORECARD_SMTP_PASSWORD", raising=False)
    code, _, err = run(*base, "--smtp", "127.0.0.1:25")
    assert code == 2 and "--smtp: SCORECARD_SMTP_PASSWORD is not set" in err
    monkeypatch.delenv("SCORECARD_SMTP_USER")
    code, _, err = run(*base, "--smtp", f"127.0.0.1:{free_port()}")
    assert code == 2 and "cannot reach the mail server 127.0.0.1:" in err and "Traceback" not in err


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl program to make a test certificate")
def test_starttls_then_login_from_the_environment(small_demo, tmp_path, monkeypatch):
    """A server that requires STARTTLS and a login: the session is encrypted before the password."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bool]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, session.ssl is not None))
        return AuthResult(success=auth_data.login == b"vm" and auth_data.password == b"secret")

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), tls_context=context,
                            require_starttls=True, authenticator=authenticator, auth_required=True)
    controller.start()
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate
        monkeypatch.setenv("SCORECARD_SMTP_USER", "vm")
        monkeypatch.setenv("SCORECARD_SMTP_PASSWORD", "secret")
        code, _, err = run("scorecards", CONTRACT, "--data", str(small_demo), "--period", "2026-03",
                             "--role", "operations_manager", "--out", str(tmp_path / "cards"),
                             "--roster", str(write_roster(tmp_path / "roster.csv")),
                             "--smtp", f"127.0.0.1:{controller.port}", "--smtp-from", "vm@example.com")
    finally:
        controller.stop()
    assert code == 0, err
    assert logins == [(b"vm", True)]
    assert [r for r, _ in mailbox.received] == [["ops@example.com"]]


class CappedMailbox(Mailbox):
    """A server that takes five messages per connection, then answers 421 (as many do)."""

    def __init__(self) -> None:
        super().__init__()
        self.sessions: dict[int, int] = defaultdict(int)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.sessions[id(session)] == 5:
            return "421 4.7.0 Too many messages in this session"
        self.sessions[id(session)] += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"


def test_a_server_that_caps_messages_per_connection_gets_every_letter(small_demo, tmp_path, monkeypatch):
    monkeypatch.delenv("SCORECARD_SMTP_USER", raising=False)
    monkeypatch.delenv("SCORECARD_SMTP_PASSWORD", raising=False)
    mailbox = CappedMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        code, _, err = run("scorecards", CONTRACT, "--data", str(small_demo), "--period", "2026-03",
                           "--out", str(tmp_path / "cards"), "--roster", str(write_roster(tmp_path / "roster.csv")),
                           "--smtp", f"127.0.0.1:{controller.port}", "--smtp-from", "vm@example.com")
    finally:
        controller.stop()
    assert code == 0, err
    assert len(mailbox.received) == AGENTS + len(TEAMS) + 1
    assert sorted(mailbox.sessions.values()) == [4, 5, 5, 5]
