"""Safe output file names and atomic writes for everything render/ produces.

Entity ids come from the measured data (agent ids typed by people, team names from a WFM export),
so they are never used as paths as-is: `../../x` or `<script>` becomes a harmless slug, and a short
hash of the exact id keeps two ids that slug alike ("A 1", "a-1") in two files. Eight hex digits can
still be made to collide by crafted ids, so `card_names` checks the names of one folder and lengthens
the hash of the ids that share one until every name is unique (ignoring case, for Windows and macOS
disks).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Iterable

from ..errors import Problem, RenderError

_UNSAFE = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 40


def slugify(text: str) -> str:
    """Lower-case ASCII letters, digits and single dashes only ("Équipe Nord/2" -> "equipe-nord-2")."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE.sub("-", ascii_text.lower()).strip("-")[:MAX_SLUG].strip("-")


def safe_filename(entity: str, suffix: str = ".html", digits: int = 8) -> str:
    """A file name for an entity id that cannot leave its folder, with `digits` of the id's hash."""
    digest = hashlib.sha256(str(entity).encode("utf-8", "surrogatepass")).hexdigest()[:digits]
    return f"{slugify(entity) or 'entity'}-{digest}{suffix}"


def card_names(entities: Iterable[str]) -> dict[str, str]:
    """A distinct file name per entity of one folder: `safe_filename`, with 16, 32, then all 64 hash
    digits for the ids whose names clash. The loop ends: names with different digit counts never
    match (the dash before the shorter hash falls inside the longer one), and two 64-digit names
    match only if the ids' sha256 do."""
    digits = dict.fromkeys(entities, 8)
    while True:
        names = {e: safe_filename(e, digits=d) for e, d in digits.items()}
        owners: dict[str, list[str]] = {}
        for entity, name in names.items():
            owners.setdefault(name.lower(), []).append(entity)
        clashes = [e for group in owners.values() if len(group) > 1 for e in group]
        if not clashes:
            return names
        for entity in clashes:
            digits[entity] = min(2 * digits[entity], 64)


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
