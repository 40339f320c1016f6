"""One PDF per card, printed by headless Chromium with the cards' own print CSS (A4, one card a page).

Why Chromium and not WeasyPrint: Chromium is already what the screenshots and the browser checks use,
it draws the cards exactly as a reader's browser does (inline SVG, CSS grid), and it is one Debian
package, where WeasyPrint needs the pango system libraries. Why the DevTools protocol over a pipe
(`--remote-debugging-pipe`) rather than `chromium --print-to-pdf` per card: one browser prints every
card (68 demo cards in about 11 s instead of about 2 s a card), and a pipe needs no port and no
websocket library.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..atomic import write_bytes
from ..errors import Problem, RenderError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ENV_BROWSER = "SCORECARD_CHROMIUM"
TIMEOUT_S = 60.0
INSTALL_HINT = (f"install chromium: apt-get install chromium (or set {ENV_BROWSER} to the path of a "
                "Chromium or Chrome program), or leave --pdf out")


def find_chromium() -> str | None:
    """The browser program: $SCORECARD_CHROMIUM if set, else the first of BROWSERS on the PATH."""
    named = os.environ.get(ENV_BROWSER)
    if named:
        return shutil.which(named)
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def _failed(message: str, hint: str = "run again; if it keeps failing, leave --pdf out and report it") -> RenderError:
    return RenderError(Problem(message, field="--pdf", hint=hint))


class Browser:
    """A headless Chromium driven over its DevTools pipe: fd 3 carries our commands, fd 4 its
    answers and events, each a JSON text ended by a NUL byte."""

    def __init__(self, program: str, profile: Path) -> None:
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()
        args = [program, "--headless", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", f"--user-data-dir={profile}"]
        if os.geteuid() == 0:  # Chromium refuses to start as root inside its sandbox
            args.append("--no-sandbox")
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close(), with the browser)

        def pipes_as_3_and_4() -> None:  # only two dup2 calls between fork and exec
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        try:
            self._proc = subprocess.Popen(
                args + ["about:blank"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._errors,
                pass_fds=(3, 4), preexec_fn=pipes_as_3_and_4)  # noqa: PLW1509
        except OSError as exc:
            raise _failed(f"cannot start {program}: {exc.strerror}", INSTALL_HINT) from None
        finally:
            os.close(to_browser)
            os.close(from_browser)
        self._buffer, self._last_id = b"", 0

    def _send(self, method: str, params: dict[str, Any], session: str | None) -> int:
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        return self._last_id

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._read], [], [], TIMEOUT_S)
            chunk = os.read(self._read, 1 << 20) if ready else b""
            if not chunk:
                raise _failed(f"Chromium stopped answering{self._stderr()}")
            self._buffer += chunk
        text, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(text)

    def _stderr(self) -> str:
        self._errors.seek(0)
        lines = [line for line in self._errors.read().decode(errors="replace").splitlines() if "ERROR" in line]
        return f" ({lines[-1].strip()})" if lines else ""

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             until: str | None = None) -> dict[str, Any]:
        """Send a command and wait for its answer and, with `until`, for that event of the session."""
        waiting = self._send(method, params or {}, session)
        result, seen = None, until is None
        while result is None or not seen:
            message = self._receive()
            if message.get("id") == waiting:
                if "error" in message:
                    raise _failed(f"Chromium refused {method}: {message['error'].get('message', '')}")
                result = message.get("result", {})
            elif message.get("method") == until and message.get("sessionId") == session:
                seen = True
        return result

    def close(self) -> None:
        try:
            self._send("Browser.close", {}, None)
            self._proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()
        finally:
            os.close(self._write)
            os.close(self._read)
            self._errors.close()


def write_pdfs(cards: Sequence[Path]) -> list[Path]:
    """Print each card (.html) to a .pdf beside it, in one browser; return the PDFs written."""
    program = find_chromium()
    if program is None:
        where = f"{ENV_BROWSER}={os.environ[ENV_BROWSER]} is not a program" if os.environ.get(ENV_BROWSER) else \
            "no Chromium or Chrome program is installed"
        raise _failed(f"--pdf prints the cards with headless Chromium, but {where}", INSTALL_HINT)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="scorecard-chromium-") as profile:
        browser = Browser(program, Path(profile))
        try:
            target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            browser.call("Page.enable", session=session)
            for card in cards:
                browser.call("Page.navigate", {"url": Path(card).resolve().as_uri()}, session,
                             until="Page.loadEventFired")
                printed = browser.call("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True},
                                       session)
                written.append(write_bytes(Path(card).with_suffix(".pdf"), base64.b64decode(printed["data"])))
        finally:
            browser.close()
    return written
