"""One e-mail as composed (message.compose), on cards rendered from the hand-built evaluation with
hostile ids: headers that data cannot break, the contract's language, and what the HTML keeps."""

from __future__ import annotations

from email import policy

import pytest
from deliver_helpers import read_eml
from fixtures_evaluation import HOSTILE_AGENTS, make_evaluation

from scorecard.deliver.letters import Letter, run_cards
from scorecard.deliver.message import compose, inline_html, one_line, plain_text
from scorecard.deliver.roster import Person
from scorecard.render.html import write_scorecards


@pytest.fixture(scope="module")
def cards(tmp_path_factory):
    evaluation = make_evaluation(n_agents=8, agents_per_team=4, hostile=True)
    out = tmp_path_factory.mktemp("cards")
    write_scorecards(evaluation, out)
    roles = [evaluation.contract.card_roles()["agent"]]
    return {c.entity: c for c in run_cards(evaluation, out, roles, "fr")}


ANN = Person("A1", "Ann Lee", "ann@example.com", "agent", "T1", 2)
LEAD = Person("T1", "Zoé Durand", "zoe@example.com", "team_lead", "", 3)


def test_a_hostile_id_cannot_add_a_header_or_markup(cards):
    card = cards[HOSTILE_AGENTS[1]]  # "<script>alert(1)</script>"
    forged = card.__class__(card.role, "AG1\r\nBcc: thief@example.com", card.heading, "Agent AG1\nBcc: x@y.z",
                            card.html, None)
    message = read_eml(compose(Letter(ANN, LEAD, (card, forged)), "vm@example.com", period="mars 2026",
                               contract="C", lang="fr").as_bytes(policy=policy.SMTP))
    assert message["Bcc"] is None
    assert message.get_all("X-Scorecard-Card") == [f"agent {HOSTILE_AGENTS[1]}", "agent AG1 Bcc: thief@example.com"]
    html = message.get_body(("html",)).get_content()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert one_line("a\r\nb\x00c\u2028d") == "a b c d"


def test_the_message_speaks_the_contracts_language(cards):
    card = next(c for entity, c in cards.items() if entity not in HOSTILE_AGENTS)
    message = compose(Letter(ANN, LEAD, (card,)), "Gestion fournisseurs <vm@example.com>", period="mars 2026",
                      contract="Acme / Nordlys (c1)", lang="fr")
    assert message["Subject"] == f"{card.heading}: {card.title} · mars 2026"
    assert str(message["Cc"]) == "Zoé Durand <zoe@example.com>"
    assert message["Message-ID"].endswith("@example.com>")
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Bonjour Ann Lee,\n\nVoici votre fiche pour mars 2026.\nZoé Durand en reçoit une copie.")
    assert text.rstrip().endswith("Envoyé par scorecard pour Acme / Nordlys (c1).")
    assert list(message.iter_attachments()) == []  # no --pdf: the card inline only


def test_the_inlined_card_keeps_its_svg_charts_and_loses_what_a_mail_cannot_use(cards):
    page = next(iter(cards.values())).html.read_text(encoding="utf-8")
    assert "<script>" in page and 'class="crumbs"' in page and "var(--" in page
    html = inline_html(page)
    assert "<script>" not in html and 'class="crumbs"' not in html and "var(--" not in html
    assert "viewBox=" in html  # css-inline keeps SVG attributes as written (an HTML parser would lower-case them)
    assert 'style="' in html


def test_the_text_part_explains_a_marked_value_once_under_the_table():
    page = ("<html><body><h1>Agent A1</h1><table>"
            "<tr><th>FCR</th><td>79.2%<sup class='prov' title='provisional: the value may still change'>†</sup></td></tr>"
            "<tr><th>AHT</th><td>5:10<sup class='prov' title='provisional: the value may still change'>†</sup></td></tr>"
            "</table></body></html>")
    assert plain_text(page).splitlines() == ["Agent A1", "FCR | 79.2% †", "AHT | 5:10 †", "",
                                             "† provisional: the value may still change"]
    assert "†" not in plain_text("<html><body><h1>Agent A1</h1><table><tr><td>1</td></tr></table></body></html>")
