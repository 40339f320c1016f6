"""Crafted ids and text through the renderers: one card file per id whatever the ids (colliding
hashes, case-only differences), and control characters kept out of the deck's XML and the cards."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecard.cli import main
from scorecard.demo_data import generate
from scorecard.render.files import card_names, safe_filename
from scorecard.render.xmltext import clean_text

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "contracts" / "acme-travel-nordlys.yaml"
# Two ids found by brute force whose slug ("agent") and first 8 hash digits (ff9de903) are equal.
CLASHING = ("aGENT ,//", "AGENT). *")
CRAFTED = {"AG0001": CLASHING[0], "AG0002": CLASHING[1], "AG0003": "a/b", "AG0004": "a_b",
           "AG0005": "Ab", "AG0006": "aB", "AG0007": "AG\x0b7"}
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def test_two_ids_whose_short_names_clash_get_two_files():
    assert safe_filename(CLASHING[0]) == safe_filename(CLASHING[1]) == "agent-ff9de903.html"
    names = card_names(["AG1", *CLASHING])
    assert names["AG1"] == safe_filename("AG1")  # ids that clash with nothing keep their short name
    assert names[CLASHING[0]] != names[CLASHING[1]]
    assert all(len(names[c]) == len("agent-") + 16 + len(".html") for c in CLASHING)


@given(st.lists(st.text(max_size=12), unique=True, max_size=30))
def test_card_names_are_distinct_ignoring_case_and_stay_in_the_folder(entities):
    names = card_names(entities)
    assert set(names) == set(entities)
    assert len({n.lower() for n in names.values()}) == len(entities)
    assert all(re.fullmatch(r"[a-z0-9-]+-[0-9a-f]{8,64}\.html", n) for n in names.values())
    assert card_names(reversed(entities)) == names  # a name depends on the folder's ids, not their order


def test_clean_text_removes_what_xml_cannot_hold():
    assert clean_text("Billing\x0bRefund\x00\x1f\ud800!\ufffe") == "Billing Refund!"
    assert clean_text("tab\tnew\nline\r") == "tab\tnew\nline\r"


@pytest.fixture(scope="module")
def crafted_data(tmp_path_factory) -> Path:
    """Demo data whose agents have colliding, case-only and slash ids, and a reason and an id with
    Alt+Enter's vertical tab."""
    data = tmp_path_factory.mktemp("crafted") / "data"
    generate(data, agents=8, contacts_per_month=600, months=("2026-02", "2026-03"))
    for name in ("interactions.csv", "qa_evaluations.csv"):
        frame = pd.read_csv(data / name, dtype=str, keep_default_na=False)
        frame["agent_id"] = frame["agent_id"].replace(CRAFTED)
        if "reason" in frame:
            frame["reason"] = frame["reason"].replace({"booking change": "booking\x0bchange"})
        frame.to_csv(data / name, index=False)
    return data


def test_every_crafted_agent_gets_its_own_card_and_every_link_is_right(crafted_data, tmp_path):
    out = tmp_path / "cards"
    assert main(["scorecards", str(CONTRACT), "--data", str(crafted_data), "--period", "2026-03",
                 "--out", str(out)]) == 0
    cards = sorted(p for p in (out / "agent").glob("*.html") if p.name != "index.html")
    assert len({p.name.lower() for p in cards}) == len(cards) == 8
    index = (out / "agent" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"/]+\.html)"', index)
    assert sorted(set(links)) == sorted(p.name for p in cards)
    titles = {re.search(r"<title>(.*?)</title>", p.read_text(encoding="utf-8"), re.S).group(1) for p in cards}
    assert len(titles) == 8  # each file is a different agent's card
    for team_card in (out / "team_lead").glob("*.html"):
        for href in re.findall(r'href="\.\./agent/([^"]+)"', team_card.read_text(encoding="utf-8")):
            assert (out / "agent" / href).is_file()


def test_control_characters_are_removed_from_the_deck_and_reported(crafted_data, tmp_path, capsys):
    deck = tmp_path / "deck.pptx"
    assert main(["deck", str(CONTRACT), "--data", str(crafted_data), "--period", "2026-03",
                 "--out", str(deck)]) == 0
    err = capsys.readouterr().err
    assert "held control characters that a slide cannot hold" in err and "booking\\x0bchange" in err
    with zipfile.ZipFile(deck) as pptx:
        xml = "".join(pptx.read(n).decode("utf-8") for n in pptx.namelist() if n.endswith(".xml"))
    assert not XML_ILLEGAL.search(xml) and "_x000B_" not in xml
    assert "booking change" in xml


def test_html_cards_carry_no_control_characters(crafted_data, tmp_path):
    out = tmp_path / "cards"
    assert main(["scorecards", str(CONTRACT), "--data", str(crafted_data), "--period", "2026-03",
                 "--role", "agent", "--out", str(out)]) == 0
    texts = [p.read_text(encoding="utf-8") for p in (out / "agent").glob("*.html")]
    assert not any(XML_ILLEGAL.search(t) for t in texts)
    assert any("AG 7" in t for t in texts)
