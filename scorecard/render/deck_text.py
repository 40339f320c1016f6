"""The deck's own words, in English and French, and the few formats only slides need.

Values, targets, statuses and KPI labels are formatted by render/format.py (shared with the HTML
scorecards, so a number reads the same on a card and on a slide); this table holds the phrases that
only the deck says, so a translation is a one-line edit.
"""

from __future__ import annotations

import math

from .format import LANGUAGES, MISSING, fmt_number, strings, t

LANGS = LANGUAGES

WORDS: dict[str, dict[str, str]] = {
    "agenda": {"en": "Agenda", "fr": "Ordre du jour"},
    "forum": {"en": "Governance forum", "fr": "Forum de gouvernance"},
    "attendees": {"en": "Attendees", "fr": "Participants"},
    "summary": {"en": "Executive summary", "fr": "Synthèse"},
    "service_levels": {"en": "Service levels", "fr": "Niveaux de service"},
    "trends": {"en": "Trends", "fr": "Tendances"},
    "quality": {"en": "Quality", "fr": "Qualité"},
    "calibration": {"en": "QA calibration", "fr": "Calibrage qualité"},
    "service_credits": {"en": "Service credits", "fr": "Pénalités de service"},
    "contact_reasons": {"en": "Contact reasons", "fr": "Motifs de contact"},
    "workforce": {"en": "Workforce", "fr": "Gestion des effectifs"},
    "actions": {"en": "Actions", "fr": "Plan d'actions"},
    "overall_score": {"en": "Overall score", "fr": "Score global"},
    "score_axis": {"en": "Score (0-100)", "fr": "Score (0-100)"},
    "band": {"en": "{share} bonus from {score}", "fr": "bonus {share} dès {score}"},
    "trend_range": {"en": "{first} to {last}", "fr": "de {first} à {last}"},
    "group_rate": {"en": "Rates (%)", "fr": "Taux (%)"},
    "group_duration": {"en": "Durations ({unit})", "fr": "Durées ({unit})"},
    "group_points": {"en": "Points", "fr": "Points"},
    "group_count": {"en": "Counts", "fr": "Nombres"},
    "group_money": {"en": "Amounts ({currency})", "fr": "Montants ({currency})"},
    "group_ratio": {"en": "Ratios", "fr": "Ratios"},
    "rag_counts": {"en": "KPIs: {green} on target, {amber} between minimum and target, {red} missed",
                   "fr": "Indicateurs : {green} à l'objectif, {amber} entre minimum et objectif, {red} manqués"},
    "rag_other": {"en": ", {n} not scored", "fr": ", {n} non notés"},
    "credits_line": {"en": "Service credits: {credit} (cap {cap}), earned back {earned}",
                     "fr": "Pénalités : {credit} (plafond {cap}), restituées {earned}"},
    "bonus_line": {"en": "Bonus: {bonus} ({share} of the pool)", "fr": "Bonus : {bonus} ({share} de l'enveloppe)"},
    "movers": {"en": "Largest moves", "fr": "Plus fortes évolutions"},
    "chronic": {"en": "Chronic failure: {kpi} ({count} minimum misses) - termination right",
                "fr": "Défaillance chronique : {kpi} ({count} manquements au minimum) - droit de résiliation"},
    "skipped": {"en": "Not shown: {section} ({why})", "fr": "Non présenté : {section} ({why})"},
    "vs_previous": {"en": "vs {period}", "fr": "vs {period}"},
    "page": {"en": "{n}/{total}", "fr": "{n}/{total}"},
    "no_calibration": {"en": "no calibration sessions this period", "fr": "aucune séance de calibrage sur la période"},
    "no_workforce": {"en": "no workforce data", "fr": "pas de données d'effectifs"},
    "no_reasons": {"en": "no contact reasons in the data", "fr": "pas de motifs de contact dans les données"},
    "no_actions": {"en": "no actions file", "fr": "pas de fichier d'actions"},
    "no_credits": {"en": "the contract has no service credits", "fr": "le contrat ne prévoit pas de pénalités"},
    "no_credits_rows": {"en": "no credit computed for the period", "fr": "aucune pénalité calculée sur la période"},
    "credits_monthly": {"en": "credits are settled per month: see the monthly decks",
                        "fr": "les pénalités se calculent par mois : voir les supports mensuels"},
    "no_quality": {"en": "no quality KPI measured", "fr": "aucun indicateur qualité mesuré"},
    "no_trends": {"en": "fewer than two months of history", "fr": "moins de deux mois d'historique"},
    "no_kpis": {"en": "no KPI results", "fr": "aucun résultat d'indicateur"},
    "in_tolerance": {"en": "In tolerance", "fr": "Dans tolérance"},
    "bias_chart": {"en": "Bias and spread per evaluator (points; > 0 lenient, < 0 harsh)",
                   "fr": "Biais et dispersion par évaluateur (points ; > 0 indulgent, < 0 sévère)"},
    "tolerance_band": {"en": "shaded: within the ±{tolerance} points tolerance",
                       "fr": "zone grisée : dans la tolérance de ±{tolerance} points"},
    "chronic_col": {"en": "Chronic", "fr": "Chronique"},
    "total_capped": {"en": "Total after cap", "fr": "Total après plafond"},
    "cap_line": {"en": "At risk: {pct} of the monthly fee {fee} = {cap}",
                 "fr": "Montant à risque : {pct} des honoraires mensuels {fee} = {cap}"},
    "earn_back_line": {"en": "Earn-back: a credit is returned after {n} months at target",
                       "fr": "Restitution : une pénalité est restituée après {n} mois à l'objectif"},
    "chronic_line": {"en": "Chronic failure: {n} minimum misses within {m} months",
                     "fr": "Défaillance chronique : {n} manquements au minimum en {m} mois"},
    "misses_line": {"en": "{kpi}: {count} miss(es) in the window", "fr": "{kpi} : {count} manquement(s) sur la fenêtre"},
    "credits_by_month": {"en": "Credits by month", "fr": "Pénalités par mois"},
    "contacts": {"en": "Contacts", "fr": "Contacts"},
    "share": {"en": "Share", "fr": "Part"},
    "cumulative": {"en": "Cumulative share", "fr": "Part cumulée"},
    "dsat": {"en": "DSAT", "fr": "Insatisfaction"},
    "repeat_rate": {"en": "Repeat rate", "fr": "Taux de réitération"},
    "cluster_note": {"en": "Amber: DSAT or repeat rate above the average of all contacts",
                     "fr": "Orange : insatisfaction ou réitération au-dessus de la moyenne des contacts"},
    "forecast": {"en": "Forecast contacts", "fr": "Contacts prévus"},
    "actual": {"en": "Actual contacts", "fr": "Contacts réels"},
    "id": {"en": "Id", "fr": "N°"},
    "title": {"en": "Action", "fr": "Action"},
    "owner": {"en": "Owner", "fr": "Responsable"},
    "due": {"en": "Due", "fr": "Échéance"},
    "overdue": {"en": "OVERDUE", "fr": "EN RETARD"},
    "overdue_count": {"en": "{n} overdue of {total} open", "fr": "{n} en retard sur {total} ouvertes"},
    "notes_rag": {"en": "Green: meets target; amber: meets minimum only; red: misses minimum.",
                  "fr": "Vert : objectif atteint ; orange : minimum seul atteint ; rouge : minimum manqué."},
}

# Duration display units of chart axes: (i18n unit, seconds); an axis uses the largest unit its
# median reaches twice, so 450 s plots as 7.5 min and 2 days as 2.0 d.
DURATION_UNITS = (("day", 86400.0), ("hour", 3600.0), ("minute", 60.0), ("second", 1.0))


def word(key: str, lang: str, **values: object) -> str:
    """A slide word in the deck's language, with its {placeholders} filled: the deck's own phrase,
    else the UI string shared with the HTML scorecards (format.t), so common words agree."""
    if key not in WORDS:
        return t(key, lang, **values)
    text = WORDS[key][lang]
    return text.format(**values) if values else text


def duration_unit(seconds: float, lang: str) -> tuple[str, float]:
    """The axis unit of durations around `seconds`: ('h', 3600.0) for 7.5 h; seconds below 2 min."""
    unit, size = next((u for u in DURATION_UNITS if abs(seconds) >= 2 * u[1]), DURATION_UNITS[-1])
    return strings()["units"][unit][lang], size


def fmt_share(value: float | None, lang: str, decimals: int = 0) -> str:
    """A fraction as a whole percentage ('40%', '40 %'): allocations and shares, where format.py's
    one-decimal KPI rates ('40.0%') would add noise."""
    if value is None or math.isnan(float(value)):
        return MISSING
    return strings()["number"][lang]["percent"].format(fmt_number(100 * float(value), decimals, lang))


