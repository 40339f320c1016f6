"""Files shipped with scorecard (templates, example contracts, example actions).

In a wheel they live inside the package (pyproject force-includes them); in a source checkout or an
editable install they are the repository's top-level folders. One lookup serves both.
"""

from __future__ import annotations

from pathlib import Path

from .errors import Problem, RenderError

PACKAGE = Path(__file__).resolve().parent
REPOSITORY = PACKAGE.parent


def shipped(relative: str) -> Path:
    """The path of a shipped file or folder such as 'templates/html' or 'contracts/x.yaml'."""
    for root in (PACKAGE, REPOSITORY):
        candidate = root / relative
        if candidate.exists():
            return candidate
    raise RenderError(Problem(f"scorecard's own file {relative} is missing from this installation",
                              hint="reinstall scorecard (pip install --force-reinstall scorecard)"))
