"""The roster (--roster): every problem located at file:row:column with a fix, who is whose manager,
and who gets which card (letters.plan), by hand and as a hypothesis invariant."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.deliver.letters import CardFile, plan
from scorecard.deliver.roster import Person, Roster, read_roster
from scorecard.demo_data.setting import (
    CLIENT_EVALUATORS,
    TEAMS,
    VENDOR,
    VENDOR_EVALUATORS,
)
from scorecard.errors import DataError

ROLES = ("agent", "team_lead", "qa_team", "trainer", "operations_manager")
ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        read_roster(path, ROLES)
    return [str(p) for p in caught.value.problems]


def test_a_valid_roster_reads_every_entry_with_its_row(tmp_path):
    path = write(tmp_path, "id,name,email,role,manager\n"
                           "T1,Tess Lead,Tess@Example.com,team_lead,\n"
                           "A1,Ann Agent,ann@example.com,agent,T1\n"
                           "T1,Tom Trainer,tom@example.com,trainer,\n")
    roster = read_roster(path, ROLES)
    ann = roster.entry("agent", "A1")
    assert (ann.name, ann.email, ann.row) == ("Ann Agent", "ann@example.com", 3)
    assert roster.entry("team_lead", "T1").email == "Tess@example.com"  # the domain is normalised, not the name
    # T1 is both a team lead's and a trainer's id: as a manager it means the team lead
    assert roster.manager_of(ann).name == "Tess Lead"
    assert roster.manager_of(roster.entry("team_lead", "T1")) is None


def test_a_french_excel_roster_semicolons_and_bom(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("\ufeffid;name;email;role;manager\nA1;Zoé Durand;zoe@example.fr;agent;\n".encode("utf-8"))
    assert read_roster(path, ROLES).people[0].name == "Zoé Durand"


def test_an_excel_roster_and_a_broken_csv_line(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["ID", "Name", "Email", "Role", "Manager"])
    workbook.active.append([1001, "Ann", "ann@example.com", "agent", None])  # an id Excel stores as a number
    workbook.save(tmp_path / "roster.xlsx")
    assert read_roster(tmp_path / "roster.xlsx", ROLES).people[0].id == "1001"
    path = write(tmp_path, 'id,name,email,role,manager\nA1,"Ann,ann@example.com,agent,\n')
    assert problems(path)[0].startswith(f"{path}:2: this line opens a quote")


def test_every_problem_at_once_at_its_row_and_column(tmp_path):
    path = write(tmp_path, "id,name,email,role,manager\n"
                           "A1,Ann,ann@example.com,agnet,\n"        # row 2: unknown role (col 4)
                           "A2,Bob,bob@,agent,\n"                    # row 3: bad address (col 3)
                           "A3,Cy,cy@example.com,agent,T9\n"         # row 4: manager not in the roster (col 5)
                           "A3,Cy again,cy2@example.com,agent,\n"    # row 5: duplicate id for the role (col 1)
                           ",Nobody,no@example.com,agent,\n")        # row 6: empty id (col 1)
    found = problems(path)
    assert len(found) == 5
    assert found[0].startswith(f"{path}:2:4: role: unknown role 'agnet' (did you mean \"agent\"?)")
    assert "write one of the contract's roles: agent, team_lead" in found[0]
    assert found[1].startswith(f"{path}:3:3: email: 'bob@' is not an e-mail address")
    assert found[2].startswith(f"{path}:6:1: id: the id is empty")
    assert found[3].startswith(f"{path}:4:5: manager: no entry has the id 'T9'")
    assert found[4].startswith(f"{path}:5:1: id: A3 is already the agent of row 4")


def test_missing_columns_and_a_manager_that_is_the_entry_itself(tmp_path):
    assert problems(write(tmp_path, "id,name,role\nA1,Ann,agent\n"))[0].startswith(
        f"{tmp_path / 'roster.csv'}:1: the roster has no column email")
    found = problems(write(tmp_path, "id,name,email,role,manager\nA1,Ann,ann@example.com,agent,A1\n"))
    assert found == [(f"{tmp_path / 'roster.csv'}:2:5: manager: the manager is the entry itself\n"
                      "    hint: write the id of the entry of their team lead (add that entry if it is missing), "
                      "or leave it empty")]
    missing = problems(tmp_path / "nope.csv")
    assert "the roster file does not exist" in missing[0]


def test_the_demo_roster_names_the_demo_generators_people():
    roster = read_roster(ROOT / "examples" / "demo-roster.csv", ROLES)
    agents = {p.id: p.manager for p in roster.people if p.role == "agent"}
    assert agents == {f"AG{i + 1:04d}": TEAMS[i * len(TEAMS) // 48] for i in range(48)}  # make_agents' teams
    assert {p.id for p in roster.people if p.role == "team_lead"} == set(TEAMS)
    assert {p.id for p in roster.people if p.role == "qa_team"} == set(VENDOR_EVALUATORS + CLIENT_EVALUATORS)
    assert roster.entry("operations_manager", VENDOR) is not None
    assert all(p.email.endswith("@example.com") and p.name.startswith("Demo ") for p in roster.people)


def card(role: str, entity: str) -> CardFile:
    return CardFile(role, entity, role, f"{role} {entity}", Path(f"/cards/{role}/{entity}.html"), None)


def test_plan_by_hand_agent_copied_to_lead_trainer_cards_in_one_letter():
    people = (Person("T1", "Tess", "tess@x.com", "team_lead", "", 2),
              Person("A1", "Ann", "ann@x.com", "agent", "T1", 3),
              Person("T1", "Tom", "tom@x.com", "trainer", "", 4),
              Person("T2", "Tom", "tom@x.com", "trainer", "", 5),
              Person("A9", "Gone", "gone@x.com", "agent", "T1", 6),
              Person("Q1", "Quinn", "quinn@x.com", "qa_team", "", 7))  # no qa_team card drawn: no warning
    cards = [card("agent", "A1"), card("agent", "A2"), card("team_lead", "T1"),
             card("trainer", "T1"), card("trainer", "T2")]
    letters, warnings = plan(Roster("r.csv", people), cards)
    got = {(x.to.email, x.cc.email if x.cc else None): [(c.role, c.entity) for c in x.cards] for x in letters}
    assert got == {("ann@x.com", "tess@x.com"): [("agent", "A1")],
                   ("tess@x.com", None): [("team_lead", "T1")],
                   ("tom@x.com", None): [("trainer", "T1"), ("trainer", "T2")]}
    assert warnings == [("1 card(s) with no roster entry, not sent: agent A2 (add a row to r.csv for each "
                         "(id = the card's id, role = its role))"),
                        "1 roster entr(y/ies) with no card this period, nothing to send: agent A9 (row 6)"]


ids = st.sampled_from(["A1", "A2", "A3", "T1", "T2"])
emails = st.sampled_from(["a@x.com", "b@x.com", "c@x.com", "d@x.com"])


@settings(max_examples=150, deadline=None)
@given(entries=st.lists(st.tuples(ids, emails, st.sampled_from(["agent", "team_lead"]), st.sampled_from(["", "T1", "T2"])),
                        max_size=8, unique_by=lambda e: (e[0], e[2])),
       drawn=st.lists(st.tuples(st.sampled_from(["agent", "team_lead"]), ids), max_size=8, unique=True))
def test_plan_sends_each_card_once_and_only_to_its_owner_and_their_manager(entries, drawn):
    roster = Roster("r.csv", tuple(Person(i, i, e, r, m, n) for n, (i, e, r, m) in enumerate(entries, start=2)))
    cards = [card(role, entity) for role, entity in drawn]
    letters, _ = plan(roster, cards)
    sent = [(c.role, c.entity) for x in letters for c in x.cards]
    matched = [(c.role, c.entity) for c in cards if roster.entry(c.role, c.entity)]
    assert sorted(sent) == sorted(matched)  # every matched card exactly once, no other card
    for letter in letters:
        for c in letter.cards:
            owner = roster.entry(c.role, c.entity)
            assert letter.to.email == owner.email
            manager = roster.manager_of(owner)
            assert (letter.cc.email if letter.cc else None) == (
                manager.email if manager and manager.email != owner.email else None)
