"""Root cause of a red KPI: the top contributors to the gap, computed by hand."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from scorecard.rootcause import root_causes
from test_scoring import make_contract


def _row(grain, entity, value, n, status=""):
    return {"period": "2026-03", "kpi": "fcr", "grain": grain, "entity": entity, "value": value, "n": n,
            "status": status}


def test_top_three_by_gap_share_with_volume_share():
    # target 75 %: vendor 0.66 over 1000 contacts. Teams: A 0.60 x 500, B 0.70 x 300, C 0.80 x 200.
    # gaps n(v - t): A -75, B -15, C +10; sum -80 -> shares 0.9375, 0.1875, -0.125
    results = pd.DataFrame([
        _row("vendor", "V", 0.66, 1000, "red"),
        _row("team_id", "A", 0.60, 500), _row("team_id", "B", 0.70, 300), _row("team_id", "C", 0.80, 200),
        _row("site", "only", 0.66, 1000),  # one entity explains nothing
    ])
    ev = SimpleNamespace(results=results, contract=make_contract())
    out = root_causes(ev, "2026-03")
    # C beats the target: it offsets the gap (hence A's 93.75 % + B's 18.75 % > 100 %), explains none of it
    assert list(out["entity"]) == ["A", "B"]
    assert list(out["rank"]) == [1, 2]
    assert out["gap_share"].tolist() == pytest.approx([0.9375, 0.1875])
    assert out["volume_share"].tolist() == pytest.approx([0.5, 0.3])


def test_entities_on_the_target_are_no_cause():
    results = pd.DataFrame([_row("vendor", "V", 0.70, 1000, "red"), _row("team_id", "A", 0.75, 500),
                            _row("team_id", "B", 0.65, 500), _row("channel", "voice", 0.75, 600),
                            _row("channel", "chat", 0.75, 400)])
    out = root_causes(SimpleNamespace(results=results, contract=make_contract()), "2026-03")
    assert list(out["entity"]) == ["B"]  # A and both channels sit exactly on the 75 % target


def test_no_red_kpi_no_root_cause():
    results = pd.DataFrame([_row("vendor", "V", 0.80, 1000, "green"), _row("team_id", "A", 0.6, 500),
                            _row("team_id", "B", 0.9, 500)])
    assert root_causes(SimpleNamespace(results=results, contract=make_contract()), "2026-03").empty


def test_kpis_match_by_id_else_by_metric_and_say_why_not():
    from dataclasses import replace

    from scorecard.program.compare import match_kpis

    base = make_contract()
    other = dict(base.kpis)
    other["handle"] = replace(other.pop("aht"), id="handle")           # same measure, another id
    other["sl"] = replace(other["sl"], params={"threshold": 30.0})     # same id, other params
    empty = pd.DataFrame(columns=["kpi", "direction"])
    evs = {"A": SimpleNamespace(contract=base, results=empty),
           "B": SimpleNamespace(contract=replace(base, kpis=other), results=empty)}
    groups, left = match_kpis(evs)
    by_key = {g.key: g.ids for g in groups}
    assert by_key["aht"] == {"A": "aht", "B": "handle"}
    assert "sl" not in by_key and by_key["fcr"] == {"A": "fcr", "B": "fcr"}
    (sl,) = [x for x in left if x.kpi == "sl"]
    assert sl.vendors == ("B",) and "define it differently: threshold" in sl.reason()
