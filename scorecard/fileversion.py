"""The optional `version:` header of contracts and column mappings.

A file that says which format it is written in can be refused in plain words by an older scorecard
("this file is format version 2") instead of failing on whichever new key it meets first.
"""

from __future__ import annotations

from typing import Any

from . import __version__

FORMAT_VERSION = 1


def version_problem(value: Any) -> tuple[str, str] | None:
    """(message, hint) when `version:` is not the format this scorecard reads; None when it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value == FORMAT_VERSION:
            return None
        if value > FORMAT_VERSION:
            return (f"this file is written in format version {value}; scorecard {__version__} reads version "
                    f"{FORMAT_VERSION}", "upgrade scorecard (pip install --upgrade scorecard), or ask for a "
                    "version 1 file")
    return (f"must be {FORMAT_VERSION}, the format version", f"write `version: {FORMAT_VERSION}` (or leave it out)")
