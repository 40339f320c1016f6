"""The engine against a second, naive implementation of KPIS.md in plain pandas, at every grain.

The engine aggregates in two stages over derived per-row columns; here each KPI is recomputed
directly with a groupby per grain from the clean demo tables, the way an auditor would.
"""

from pathlib import Path

import pandas as pd
import pytest

from scorecard.contract.loader import load_contract
from scorecard.data import load_dataset
from scorecard.demo_data import generate
from scorecard.evaluate import evaluate
from scorecard.periods import parse_period

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2026-03"
GRAINS = ["vendor", "site", "team_id", "agent_id", "channel", "reason"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    data = tmp_path_factory.mktemp("x") / "data"
    generate(data, agents=16, contacts_per_month=2500, months=("2026-02", "2026-03", "2026-04"))
    contract = load_contract(ROOT / "contracts" / "acme-travel-nordlys.yaml")
    dataset = load_dataset(data, contract=contract)
    ev = evaluate(contract, dataset, [parse_period(MONTH)], extra_grains=GRAINS)
    # the data set holds exact float32 columns (TableSpec.narrowed); the auditor sums float64s, as the
    # engine does: a pandas mean of the float32 column itself is a float32 (489.2355957 for 489.2355878)
    tables = {name: t.astype({c: "float64" for c in t.columns if t[c].dtype == "float32"})
              for name, t in dataset.tables.items()}
    return contract, tables, ev.results


def in_month(df: pd.DataFrame, col: str) -> pd.DataFrame:
    local = df[col].dt.tz_convert("Europe/Paris")
    out = df[local.dt.strftime("%Y-%m") == MONTH].copy()
    out["vendor"] = "Nordlys Contact Services"
    return out


def compare(results: pd.DataFrame, kpi: str, grain: str, expected: pd.Series, n: pd.Series) -> None:
    got = results[(results.kpi == kpi) & (results.grain == grain)].set_index("entity")
    expected = expected.dropna()
    assert len(expected), (kpi, grain)
    for entity, value in expected.items():
        assert float(got.loc[str(entity), "value"]) == pytest.approx(value, rel=1e-9, abs=1e-9), (kpi, grain, entity)
        assert int(got.loc[str(entity), "n"]) == int(n[entity]), (kpi, grain, entity)


def wait_s(df, col):
    return (df[col] - df["created_at"]).dt.total_seconds()


@pytest.mark.parametrize("grain", GRAINS)
def test_voice_service_level_abandonment_asa(world, grain):
    _, tables, results = world
    df = in_month(tables["interactions"], "created_at")
    voice = df[df.channel == "voice"]
    if grain not in voice or voice[grain].isna().all():
        pytest.skip("no such grain on voice rows")
    voice = voice[voice[grain].notna()]
    answered = voice.answered_at.notna() & ~voice.abandoned.fillna(False).astype(bool)
    abandoned = ~answered
    short = abandoned & (wait_s(voice, "abandoned_at") < 5)
    within = answered & (wait_s(voice, "answered_at") <= 20)
    g = voice.groupby(grain)
    den = (~short).groupby(voice[grain]).sum()
    compare(results, "service_level_voice", grain, within.groupby(voice[grain]).sum() / den, den)
    compare(results, "abandonment_voice", grain, (abandoned & ~short).groupby(voice[grain]).sum() / den, den)
    asa = wait_s(voice, "answered_at").where(answered)
    compare(results, "asa_voice", grain, asa.groupby(voice[grain]).mean(), asa.notna().groupby(voice[grain]).sum())
    assert g.ngroups


@pytest.mark.parametrize("grain", GRAINS)
def test_handled_rates_surveys_and_handle_time(world, grain):
    _, tables, results = world
    df = in_month(tables["interactions"], "created_at")
    df = df[df[grain].notna()] if grain in df else df.iloc[0:0]
    if df.empty:
        pytest.skip("no such grain")
    live = df.channel.isin(["voice", "chat", "messaging"])
    first = df.first_response_at.where(df.first_response_at.notna() | ~live, df.answered_at)
    handled = (live & df.answered_at.notna() & ~df.abandoned.fillna(False).astype(bool)) | (
        ~live & (df.channel != "self_service") & first.notna())
    key = df[grain]
    h = handled.groupby(key).sum()
    compare(results, "transfer_rate", grain, (handled & df.transferred.fillna(False).astype(bool)).groupby(key).sum() / h, h)
    compare(results, "resolution_rate", grain, (handled & df.resolved.fillna(False).astype(bool)).groupby(key).sum() / h, h)
    aht = df.handle_time_s.where(handled)
    compare(results, "aht", grain, aht.groupby(key).mean(), aht.notna().groupby(key).sum())
    answers = df.csat.notna().groupby(key).sum()
    compare(results, "csat", grain, df.csat.isin([4, 5]).groupby(key).sum() / answers, answers)
    compare(results, "dsat", grain, df.csat.isin([1, 2]).groupby(key).sum() / answers, answers)
    nps_n = df.nps.notna().groupby(key).sum()
    nps = ((df.nps >= 9).groupby(key).sum() - (df.nps <= 6).groupby(key).sum()) / nps_n * 100
    compare(results, "nps", grain, nps, nps_n)
    trt = wait_s(df, "resolved_at")
    compare(results, "trt", grain, trt.groupby(key).median(), trt.notna().groupby(key).sum())
    chat = df[df.channel == "chat"]
    frt = (first[chat.index] - chat.created_at).dt.total_seconds()
    if len(chat):
        compare(results, "frt_chat", grain, frt.groupby(chat[grain]).quantile(0.9), frt.notna().groupby(chat[grain]).sum())


@pytest.mark.parametrize("grain", ["vendor", "team_id", "agent_id", "evaluator_id"])
def test_quality_score(world, grain):
    _, tables, results = world
    qa = in_month(tables["qa_evaluations"], "evaluated_at")
    qa = qa[qa.calibration_session.isna() & qa[grain].notna()]
    compare(results, "qa_score", grain, qa.groupby(grain).score.mean(), qa.groupby(grain).size())


@pytest.mark.parametrize("grain", ["vendor", "site", "team_id", "channel"])
def test_workforce_ratios(world, grain):
    _, tables, results = world
    wf = in_month(tables["workforce"], "interval_start")
    if grain not in wf:
        pytest.skip("workforce has no such grain")
    g = wf.groupby(grain)
    compare(results, "utilization", grain, g.handling_hours.sum() / g.paid_hours.sum(), g.size())
    compare(results, "staffing_to_forecast", grain, g.scheduled_hours.sum() / g.required_hours.sum(), g.size())
    err = (wf.actual_contacts - wf.forecast_contacts).abs()
    compare(results, "forecast_accuracy", grain, 1 - err.groupby(wf[grain]).sum() / g.actual_contacts.sum(), g.size())


def test_backlog_per_team(world):
    _, tables, results = world
    df = tables["interactions"].copy()
    end = pd.Timestamp("2026-04-01", tz="Europe/Paris")
    live = df.channel.isin(["voice", "chat", "messaging"])
    open_ = ~live & (df.created_at < end) & ~(df.resolved_at < end).fillna(False)
    counts = open_.groupby(df.team_id).sum()
    compare(results, "backlog", "team_id", counts[counts > 0].astype(float), counts[counts > 0])
    assert float(results[(results.kpi == "backlog") & (results.grain == "vendor")].value.iloc[0]) == open_.sum()
