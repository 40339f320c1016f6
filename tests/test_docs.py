"""The README documents every command, and the example contracts in it stay valid."""

import re
from pathlib import Path

import pytest

from scorecard.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented(command):
    assert f"`scorecard {command}" in README, f"README does not document `scorecard {command}`"


def test_every_linked_image_exists():
    for target in re.findall(r"\]\((docs/[^)]+)\)", README):
        assert (ROOT / target).exists(), target


@pytest.mark.parametrize("contract", sorted((ROOT / "contracts").glob("*.yaml")), ids=lambda p: p.name)
def test_example_contracts_validate(contract, capsys):
    assert main(["validate", str(contract)]) == 0


SHARED_SPEC = ROOT.parent / "shared" / "spec"


@pytest.mark.skipif(not SHARED_SPEC.is_dir(), reason="the shared spec folder is not beside this checkout")
@pytest.mark.parametrize("name", ["DATA.md", "KPIS.md", "OUTPUTS.md", "contract-sketch.yaml"])
def test_the_spec_copy_in_docs_is_the_shared_spec(name):
    assert (ROOT / "docs" / "spec" / name).read_bytes() == (SHARED_SPEC / name).read_bytes()
