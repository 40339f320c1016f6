"""The audit-trail sentences of credits and the overall score in a French contract's language."""

from __future__ import annotations

import dataclasses
import re
import string
from pathlib import Path

import pandas as pd
import pytest

from scorecard import explain, numbers
from scorecard.contract.loader import load_contract
from scorecard.contract.loader import LANGUAGES
from scorecard.credits import compute_credits
from scorecard.render import format as f
from scorecard.scoring import overall_scores, score_results

NB = "\u00a0"
CONTRACT = dataclasses.replace(load_contract(Path("/work/main/contracts/acme-travel-nordlys.yaml")), language="fr")

# month: vendor-level values; service_level_voice misses its minimum (>= 70%) in 2025-10, then is
# green for three months (earn-back in 2026-01), when five KPIs miss and the cap applies.
HISTORY = {
    "2025-10": {"service_level_voice": 0.654, "fcr": 0.80, "csat": 0.90, "qa_score": 90.0},
    "2025-11": {"service_level_voice": 0.85, "fcr": 0.80, "csat": 0.90, "qa_score": 90.0},
    "2025-12": {"service_level_voice": 0.85, "fcr": 0.80, "csat": 0.90, "qa_score": 90.0},
    "2026-01": {"service_level_voice": 0.85, "fcr": 0.60, "csat": 0.50, "qa_score": 70.0,
                "abandonment_voice": 0.20, "qa_calibration": 0.50},
}


def scored() -> pd.DataFrame:
    rows = [{"period": month, "kpi": kpi, "metric": CONTRACT.kpis[kpi].metric, "grain": "vendor",
             "entity": "Nordlys", "value": value, "n": 1000, "provisional": False, "note": ""}
            for month, values in HISTORY.items() for kpi, value in values.items()]
    return score_results(pd.DataFrame(rows), CONTRACT)


def explanation(frame: pd.DataFrame, period: str, kpi: str) -> str:
    return frame[(frame["period"] == period) & (frame["kpi"] == kpi)]["explanation"].item()


def test_credit_sentence_word_for_word():
    out = compute_credits(scored(), CONTRACT, ["2025-10"])
    assert explanation(out, "2025-10", "service_level_voice") == (
        f"Niveau de service (voix) était à 65,4{NB}% contre un minimum de 70{NB}% "
        f"(part de pénalité{NB}: 40{NB}%){NB}: "
        f"pénalité = 12{NB}% x 480{NB}000{NB}EUR en jeu = 57{NB}600{NB}EUR x 40{NB}% = 23{NB}040{NB}EUR.")


def test_total_earn_back_and_cap_in_french():
    out = compute_credits(scored(), CONTRACT, ["2025-10", "2026-01"])
    assert explanation(out, "2025-10", "TOTAL") == (
        f"Pénalité totale pour 2025-10{NB}: 23{NB}040{NB}EUR, sous le plafond de 57{NB}600{NB}EUR en jeu "
        f"(12{NB}% x 480{NB}000{NB}EUR){NB}; le plafond ne s'applique pas.")
    back = explanation(out, "2026-01", "service_level_voice")
    assert back.startswith(f"Niveau de service (voix) était à 85,0{NB}% et a atteint son minimum de 70{NB}%{NB}: "
                           "pas de pénalité. Restitution")
    assert (f"chacun des mois 2025-11, 2025-12 et 2026-01, la pénalité de 2025-10 (23{NB}040{NB}EUR) est donc "
            f"restituée{NB}: 23{NB}040{NB}EUR (restitution après 3{NB}mois).") in back
    total = explanation(out, "2026-01", "TOTAL")
    # 23,040 + 11,520 + 23,040 + 8,640 + 8,640 = 74,880 > 57,600: 76.9 % of each credit is paid
    assert total.startswith(f"Pénalité totale pour 2026-01{NB}: les pénalités des indicateurs s'élèvent à "
                            f"74{NB}880{NB}EUR, au-dessus du plafond de 57{NB}600{NB}EUR en jeu")
    assert f"chaque pénalité est payée à 76,92{NB}%." in total
    assert total.endswith(f"Restitué ce mois-ci{NB}: 23{NB}040{NB}EUR.")


def test_overall_score_and_bonus_in_french():
    out = overall_scores(scored(), CONTRACT).set_index("period")
    assert out.at["2025-11", "explanation"] == (
        f"2025-11{NB}: note globale 100,0{NB}/{NB}100, moyenne pondérée des points de 4 indicateurs "
        f"(poids 70 sur 100{NB}; écartés{NB}: Délai avant la première réponse (e-mail) (pas de résultat), "
        f"Durée moyenne de traitement (pas de résultat), Calibrage de la qualité (pas de résultat)). Elle atteint la tranche note ≥{NB}95{NB}: "
        f"bonus = 100{NB}% x 3{NB}% x 480{NB}000{NB}EUR = 14{NB}400{NB}EUR.")
    assert f"(note ≥{NB}90){NB}: pas de bonus." in out.at["2026-01", "explanation"]
    # the skipped column is data (overall.csv), the same in every language
    assert out.at["2025-11", "skipped"] == "frt_email (no result), aht (no result), qa_calibration (no result)"


def test_french_sentences_follow_french_typography():
    texts = [*compute_credits(scored(), CONTRACT, list(HISTORY))["explanation"],
             *overall_scores(scored(), CONTRACT)["explanation"]]
    english = re.compile(r"\b(credit|at risk|cap|was|met|overall score|weights|no bonus|months?)\b")
    for text in texts:
        assert not english.search(text), text
        assert not re.search(r" [:;%]", text), text              # a no-break space, never a plain one
        assert not re.search(r"\d,\d{3}\b", text), text           # no English thousands separator


def test_every_template_in_both_languages_with_the_same_placeholders():
    templates = explain.templates()
    assert templates
    for key, entry in templates.items():
        assert set(entry) == set(LANGUAGES), key
        fields = {lang: {name for _, name, _, _ in string.Formatter().parse(text) if name}
                  for lang, text in entry.items()}
        assert fields["fr"] == fields["en"], key


def test_unknown_template_or_language_is_a_clear_error():
    with pytest.raises(Exception, match="no explanation 'credit.missed' in language 'de'"):
        explain.sentence("credit.missed", "de")


def test_one_number_core_for_sentences_and_render():
    assert f.fmt_number(1234567.891, 2, "fr") == numbers.number(1234567.891, 2, "fr") == f"1{NB}234{NB}567,89"
    assert f.fmt_money(4.2, "fr", "EUR") == f"4,20{NB}€" and f.fmt_money(4.2, "en", "EUR") == "€4.20"
    assert explain.money(10017.391, "EUR", "fr") == f"10{NB}017,39{NB}EUR"
    assert explain.money(10017.391, "EUR", "en") == "10,017.39 EUR"
    assert explain.percent(0.035, "fr") == f"3,5{NB}%" and explain.percent(0.035, "en") == "3.5 %"
    assert explain.value(2.5 * 86400, "duration", "fr") == f"2,5{NB}j"
    assert explain.value(2.5 * 86400, "duration", "en") == "2.5 d"
