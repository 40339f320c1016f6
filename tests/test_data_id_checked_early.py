"""The interaction id is checked as soon as it is typed and never held beside the other columns
(convert_table's `ids`): the same report, row for row and in the same order, as the checks of a frame
holding it (load_dataset(all_columns=True)), and a file without the id is still refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scorecard.contract.model import Contract, KpiSpec
from scorecard.data import load_dataset
from scorecard.data import convert
from scorecard.errors import DataError

# row 3: no id; row 5: A1 again, with an unknown channel and an unreadable answer time; row 6: A2 again
# and no creation time; row 7: an answer before the creation
CSV = """interaction_id,channel,created_at,answered_at
A1,voice,2026-03-02 09:00:00,2026-03-02 09:00:10
,voice,2026-03-02 10:00:00,2026-03-02 10:00:10
A2,voice,2026-03-03 09:00:00,2026-03-03 09:00:10
A1,pigeon,2026-03-04 09:00:00,soon
A2,voice,,2026-03-04 09:00:10
A3,chat,2026-03-05 09:00:00,2026-03-05 08:00:00
"""


def _contract() -> Contract:
    return Contract(id="t", client="c", vendor="v", currency="CHF", timezone="Europe/Zurich", effective=None,
                    expires=None, monthly_fee=None, kpis={"aht": KpiSpec("aht", "average_handle_time")})


def test_the_report_is_that_of_the_checks_on_the_whole_frame(tmp_path: Path, monkeypatch):
    (tmp_path / "interactions.csv").write_text(CSV, encoding="utf-8")
    typed: list[str] = []
    convert_table = convert.convert_table

    def spy(*args, **kwargs):
        frame, issues, unparsed = convert_table(*args, **kwargs)
        typed.append(",".join(frame.columns))
        return frame, issues, unparsed

    monkeypatch.setattr("scorecard.data.dataset.convert_table", spy)
    early = load_dataset(tmp_path, contract=_contract())
    whole = load_dataset(tmp_path, contract=_contract(), all_columns=True)
    assert "interaction_id" not in typed[0] and "interaction_id" in typed[1]
    pd.testing.assert_frame_equal(early.quality, whole.quality)
    assert early.quality[["row", "column"]].values.tolist() == [
        [3, "interaction_id"], [5, "answered_at"], [5, "interaction_id"], [5, "channel"], [6, "created_at"],
        [6, "interaction_id"], [7, "answered_at"]]
    assert set(early.quality.loc[early.quality["row"] != 7, "action"]) == {"quarantined"}
    assert len(early.tables["interactions"]) == len(whole.tables["interactions"]) == 3


def test_a_file_without_the_id_is_refused(tmp_path: Path):
    (tmp_path / "interactions.csv").write_text("channel,created_at\nvoice,2026-03-02 09:00:00\n", encoding="utf-8")
    with pytest.raises(DataError, match="required column interaction_id is missing"):
        load_dataset(tmp_path, contract=_contract())
