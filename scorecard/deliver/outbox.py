"""`--outbox DIR`: the letters as .eml files a mail client opens, written as one output set
(outputs.py: staged, manifest.json, one switch), with outbox.csv saying who gets what.

Each file carries `X-Unsent: 1`, so Outlook opens it as a draft ready to send; other clients open it
as a received message. The files use CRLF line ends, as RFC 5322 writes mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

from ..atomic import write_bytes, write_text
from ..evaluate import Evaluation
from ..outputs import output_set
from ..render.files import slugify
from ..results import csv_text
from .letters import Letter

INDEX, INDEX_COLUMNS = "outbox.csv", ["file", "to", "cc", "cards", "pdfs"]
UNSENT = b"X-Unsent: 1\r\n"  # a header line of its own, before the message's headers


def write_outbox(folder: Path, evaluation: Evaluation, letters: Sequence[Letter],
                 messages: Sequence[EmailMessage]) -> list[Path]:
    """Write one .eml per letter and outbox.csv into `folder` as one set; return the final paths."""
    rows, written = [], []
    with output_set(Path(folder), "scorecards --outbox") as stage:
        for number, (letter, message) in enumerate(zip(letters, messages), start=1):
            name = f"{number:03d}-{slugify(letter.to.email) or 'recipient'}.eml"
            written.append(write_bytes(stage.path / name, UNSENT + message.as_bytes(policy=policy.SMTP)))
            rows.append({"file": name, "to": letter.to.email, "cc": letter.cc.email if letter.cc else "",
                         "cards": "; ".join(f"{c.role} {c.entity}" for c in letter.cards),
                         "pdfs": sum(1 for c in letter.cards if c.pdf)})
        index = csv_text(pd.DataFrame(rows, columns=INDEX_COLUMNS), INDEX_COLUMNS)
        written.append(write_text(stage.path / INDEX, index))
        manifest = stage.commit(evaluation)
        return [stage.final(p) for p in written] + [manifest]

