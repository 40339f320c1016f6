"""Safe output file names and atomic writes for everything render/ produces.

Entity ids come from the measured data (agent ids typed by people, team names from a WFM export),
so they are never used as paths as-is: `../../x` or `<script>` becomes a harmless slug, and a short
hash of the exact id keeps two ids that slug alike ("A 1", "a-1") in two files.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from ..errors import Problem, RenderError

_UNSAFE = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 40


def slugify(text: str) -> str:
    """Lower-case ASCII letters, digits and single dashes only ("Équipe Nord/2" -> "equipe-nord-2")."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE.sub("-", ascii_text.lower()).strip("-")[:MAX_SLUG].strip("-")


def safe_filename(entity: str, suffix: str = ".html") -> str:
    """A file name for an entity id that cannot leave its folder, unique per exact id."""
    digest = hashlib.sha256(str(entity).encode("utf-8")).hexdigest()[:8]
    return f"{slugify(entity) or 'entity'}-{digest}{suffix}"


def safe_dirname(name: str) -> str:
    """A folder name for a role: the name itself when already a slug (`team_lead`), else a safe one."""
    if re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", name):
        return name
    return safe_filename(name, suffix="")


def inside(folder: Path, path: Path) -> Path:
    """`path`, after checking it resolves inside `folder` (a last guard behind the slugs)."""
    if not path.resolve().is_relative_to(folder.resolve()):
        raise RenderError(Problem(f"refusing to write outside the output folder: {path}", file=str(path)))
    return path
