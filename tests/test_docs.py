"""The documentation documents every command, its links and generated pages stay right, and the example
contracts in it stay valid. (`make test` also builds the site with `mkdocs build --strict`, which fails
on a broken link or anchor between the docs/ pages.)"""

import re
from pathlib import Path

import pytest
from markdown.extensions.toc import slugify

from scorecard.catalog_page import PAGE, markdown
from scorecard.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS_PAGE = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented(command):
    assert f"## `scorecard {command}`" in COMMANDS_PAGE, f"docs/commands.md does not document `scorecard {command}`"


def _anchors(page: Path) -> set[str]:
    """The heading ids MkDocs gives a page (its toc slugify), outside code fences."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    return {slugify(re.sub(r"[`*]", "", title), "-") for title in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}


def test_every_readme_link_into_docs_exists():
    links = re.findall(r"\]\((docs/[^)#]+)(?:#([^)]+))?\)", README)
    assert len(links) > 20
    for target, anchor in links:
        assert (ROOT / target).is_file(), target
        if anchor:
            assert anchor in _anchors(ROOT / target), f"{target} has no heading #{anchor}"


def test_the_start_page_sections_it_takes_from_the_readme_exist():
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    sections = re.findall(r'^--8<-- "README.md:(\w+)"$', index, re.MULTILINE)
    assert sections == ["intro", "commands", "example"]
    for name in sections:
        start, end = f"<!-- --8<-- [start:{name}] -->", f"<!-- --8<-- [end:{name}] -->"
        assert README.index(start) < README.index(end), name


def test_the_kpi_catalog_page_is_what_the_catalog_generates():
    assert PAGE.read_text(encoding="utf-8") == markdown(), "run `python -m scorecard.catalog_page`"


def test_the_kpi_catalog_page_lists_every_metric_with_its_defaults():
    page = markdown()
    assert "| [`service_level`](#service_level) | SL | Service level | rate | higher | interactions |" in page
    assert "| `threshold` | duration | `20s` |" in page
    assert "- with `method: mean`: mean survey answer" in page


@pytest.mark.parametrize("contract", sorted((ROOT / "contracts").glob("*.yaml")), ids=lambda p: p.name)
def test_example_contracts_validate(contract, capsys):
    assert main(["validate", str(contract)]) == 0


SHARED_SPEC = ROOT.parent / "shared" / "spec"


@pytest.mark.skipif(not SHARED_SPEC.is_dir(), reason="the shared spec folder is not beside this checkout")
@pytest.mark.parametrize("name", ["DATA.md", "KPIS.md", "OUTPUTS.md", "contract-sketch.yaml"])
def test_the_spec_copy_in_docs_is_the_shared_spec(name):
    assert (ROOT / "docs" / "spec" / name).read_bytes() == (SHARED_SPEC / name).read_bytes()
