"""`scorecards --pdf --roster --outbox` end to end through the CLI on the small demo: each .eml parsed
back with the standard library (recipients, copy, inline HTML with no stylesheet or script, the PDF
part is a PDF), the outbox written as one output set, bad options and rosters refused with exit 2."""

from __future__ import annotations

import json
import re

import pytest
from deliver_helpers import (
    AGENTS,
    CONTRACT,
    cards_of,
    read_eml,
    run,
    team_of,
    write_roster,
)

from scorecard.deliver.message import inline_html, merged_html
from scorecard.deliver.pdf import find_chromium
from scorecard.demo_data.setting import TEAMS, VENDOR

CHROMIUM = find_chromium()
PERIOD = "2026-03"


@pytest.fixture(scope="module")
def outbox(small_demo, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("deliver")
    roster = write_roster(tmp / "roster.csv")
    pdf = ["--pdf"] if CHROMIUM else []
    code, out, err = run("scorecards", CONTRACT, "--data", str(small_demo), "--period", PERIOD,
                         "--out", str(tmp / "cards"), "--roster", str(roster), "--outbox", str(tmp / "outbox"), *pdf)
    assert code == 0, err
    messages = {p.name: read_eml(p.read_bytes()) for p in sorted((tmp / "outbox").glob("*.eml"))}
    return tmp, out, err, messages


def by_card(messages) -> dict[str, object]:
    return {card: m for m in messages.values() for card in cards_of(m)}


def test_one_letter_per_person_agent_copied_to_the_team_lead(outbox):
    _, out, err, messages = outbox
    # 12 agents, 6 team leads, the operations manager; trainers and QA have no roster entry
    assert len(messages) == AGENTS + len(TEAMS) + 1
    assert f"{len(messages)} e-mail(s)" in out
    assert "the e-mails are from scorecard@localhost (add --smtp-from" in out  # no --smtp-from: said
    assert "card(s) with no roster entry, not sent: qa_team QA-C1" in err
    cards = by_card(messages)
    for i in range(1, AGENTS + 1):
        m = cards[f"agent AG{i:04d}"]
        assert m["To"].addresses[0].addr_spec == f"ag{i:04d}@example.com"
        assert m["Cc"].addresses[0].addr_spec == f"lead.{team_of(i).lower()}@example.com"
        assert cards_of(m) == [f"agent AG{i:04d}"]  # nobody gets another agent's card
    lead = cards["team_lead LIS-1"]
    assert (lead["To"].addresses[0].display_name, lead["Cc"].addresses[0].addr_spec) == ("Lead LIS-1", "ops@example.com")
    assert cards[f"operations_manager {VENDOR}"]["Cc"] is None
    assert lead["Subject"] == "Team lead scorecards: Team LIS-1 · March 2026"
    assert lead["X-Unsent"] == "1"  # Outlook opens it as a draft


def test_inline_html_has_its_css_inlined_and_no_stylesheet_link_or_script(outbox):
    for message in outbox[3].values():
        html = message.get_body(("html",)).get_content()
        assert "<link" not in html and "<script" not in html and "var(--" not in html
        assert 'href="../' not in html and 'href="index.html"' not in html  # card files are not in the mail
        assert 'style="' in html and "<h1" in html
    agent = by_card(outbox[3])["agent AG0001"]
    text = agent.get_body(("plain",)).get_content()
    assert text.startswith("Hello Agent AG0001,")
    assert "Lead LIS-1 receives a copy." in text
    assert "Average handle time |" in text and "Agent AG0001" in text


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium): no PDFs to attach")
def test_each_card_pdf_is_attached_and_is_a_pdf(outbox):
    tmp, out, _, messages = outbox
    assert "PDF(s) beside the cards" in out
    for message in messages.values():
        attachments = list(message.iter_attachments())
        assert len(attachments) == len(cards_of(message))
        for part in attachments:
            assert part.get_content_type() == "application/pdf"
            data = part.get_content()
            assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
    pdf = next((tmp / "cards" / "agent").glob("*.pdf"))
    manifest = json.loads((tmp / "cards" / "manifest.json").read_text())
    assert f"agent/{pdf.name}" in {f["path"] for f in manifest["files"]}
    for path in (tmp / "cards" / "agent").glob("*.pdf"):  # the print CSS: one agent card, one A4 page
        data = path.read_bytes()
        width, height = (float(v) for v in re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data).groups())
        assert (round(width), round(height)) == (595, 842)
        assert re.findall(rb"/Count (\d+)", data) == [b"1"]  # the page tree's count (no outline in these)


def test_the_outbox_is_one_output_set_with_a_manifest_and_a_list(outbox):
    tmp, _, _, messages = outbox
    manifest = json.loads((tmp / "outbox" / "manifest.json").read_text())
    assert {f["path"] for f in manifest["files"]} == set(messages) | {"outbox.csv"}
    lines = (tmp / "outbox" / "outbox.csv").read_text().splitlines()
    assert lines[0] == "file,to,cc,cards,pdfs"
    assert lines[1].startswith("001-ag0001-example-com.eml,ag0001@example.com,lead.lis-1@example.com,agent AG0001,")


def test_options_that_need_a_roster_or_another_folder_exit_2(small_demo, tmp_path):
    base = ["scorecards", CONTRACT, "--data", str(small_demo), "--period", PERIOD, "--out", str(tmp_path / "c")]
    code, _, err = run(*base, "--outbox", str(tmp_path / "o"))
    assert code == 2 and "--outbox: who receives the cards?" in err and "add --roster" in err
    code, _, err = run(*base, "--roster", str(write_roster(tmp_path / "r.csv")), "--outbox", str(tmp_path))
    assert code == 2 and "the outbox cannot be the scorecards' folder or hold it" in err
    code, _, err = run(*base, "--roster", str(tmp_path / "r.csv"), "--smtp", "localhost:99999")
    assert code == 2 and "'localhost:99999' is not a mail server" in err
    assert not (tmp_path / "c").exists() or not (tmp_path / "c" / "manifest.json").exists()


def test_a_bad_roster_exits_2_before_any_card_is_written(small_demo, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("id,name,email,role,manager\nAG0001,Ann,ann@example,agent,LIS-9\n", encoding="utf-8")
    code, _, err = run("scorecards", CONTRACT, "--data", str(small_demo), "--period", PERIOD,
                       "--out", str(tmp_path / "c"), "--roster", str(roster), "--outbox", str(tmp_path / "o"))
    assert code == 2, err
    assert f"{roster}:2:3: email: 'ann@example' is not an e-mail address" in err
    assert f"{roster}:2:5: manager: no entry has the id 'LIS-9'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "c" / "manifest.json").exists() and not (tmp_path / "o" / "manifest.json").exists()


def test_pdf_without_chromium_says_what_to_install(small_demo, tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_CHROMIUM", str(tmp_path / "no-such-browser"))
    code, _, err = run("scorecards", CONTRACT, "--data", str(small_demo), "--period", PERIOD,
                       "--out", str(tmp_path / "c"), "--role", "operations_manager", "--pdf")
    assert code == 2
    assert "--pdf: --pdf prints the cards with headless Chromium" in err
    assert "install chromium: apt-get install chromium" in err
    assert not (tmp_path / "c" / "manifest.json").exists()


def test_run_prints_the_pdfs_into_its_own_set_and_fills_the_outbox(small_demo, tmp_path):
    pdf = ["--pdf"] if CHROMIUM else []
    code, out, err = run("run", CONTRACT, "--data", str(small_demo), "--period", PERIOD, "--out", str(tmp_path / "out"),
                         "--roster", str(write_roster(tmp_path / "r.csv")), "--outbox", str(tmp_path / "outbox"), *pdf)
    assert code == 0, err
    files = {f["path"] for f in json.loads((tmp_path / "out" / "manifest.json").read_text())["files"]}
    cards = {p for p in files if p.startswith("scorecards/") and p.endswith(".html") and not p.endswith("index.html")}
    if CHROMIUM:
        assert {p[:-5] + ".pdf" for p in cards} <= files  # every card's PDF is part of the run's set
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == AGENTS + len(TEAMS) + 1
    assert "outbox: 19 e-mail(s)" in out


def test_several_cards_of_one_person_share_one_body(outbox):
    """A trainer of two teams: both cards, one after the other, in one inlined HTML body."""
    cards = sorted(p for p in (outbox[0] / "cards" / "trainer").glob("*.html") if p.name != "index.html")
    pages = [inline_html(p.read_text(encoding="utf-8")) for p in cards[:2]]
    merged = merged_html(pages)
    assert merged.count("<h1") == 2 and merged.count("<article") == 2 and merged.count("<html") == 1


def test_a_roster_alone_is_checked_and_counted_without_writing_mail(small_demo, tmp_path):
    code, out, err = run("scorecards", CONTRACT, "--data", str(small_demo), "--period", PERIOD,
                         "--role", "team_lead", "--out", str(tmp_path / "c"),
                         "--roster", str(write_roster(tmp_path / "r.csv")))
    assert code == 0, err
    assert f"roster {tmp_path / 'r.csv'}: {len(TEAMS)} e-mail(s) with {len(TEAMS)} card(s), {len(TEAMS)} copied" in out
    assert "warning" not in err  # --role team_lead: the agents' entries are not said to have no card
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "r.csv"]
