"""Packaging hygiene: one version, and every library scorecard imports is declared in pyproject.toml."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

import scorecard

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement string ('duckdb-engine>=0.13' -> 'duckdb-engine')."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group(0)).lower()


def _declared() -> set[str]:
    project = PYPROJECT["project"]
    names = {_name(r) for r in project["dependencies"]}
    for extra in project.get("optional-dependencies", {}).values():
        names |= {_name(r) for r in extra}
    return names


def _imported_modules() -> set[str]:
    """Top-level modules imported anywhere in the package (absolute imports only)."""
    found: set[str] = set()
    for path in (ROOT / "scorecard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"scorecard"}


def test_the_version_lives_in_one_place() -> None:
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "scorecard/__init__.py"
    assert metadata.version("scorecard") == scorecard.__version__


def test_every_imported_library_is_declared() -> None:
    distributions = metadata.packages_distributions()
    undeclared = {}
    for module in sorted(_imported_modules()):
        dists = {_name(d) for d in distributions.get(module, [module])}
        if not dists & _declared():
            undeclared[module] = sorted(dists)
    assert undeclared == {}, f"imported by scorecard/ but not declared in pyproject.toml: {undeclared}"


# Runtime dependencies that are loaded by another library rather than imported by name.
PLUGINS = {"duckdb-engine", "pytz"}  # SQLAlchemy's duckdb:/// dialect; duckdb's time zones


def test_every_runtime_dependency_is_used() -> None:
    distributions = metadata.packages_distributions()
    used = {_name(d) for module in _imported_modules() for d in distributions.get(module, [module])}
    unused = {_name(r) for r in PYPROJECT["project"]["dependencies"]} - used - PLUGINS
    assert unused == set(), f"declared in pyproject.toml but never imported by scorecard/: {sorted(unused)}"
