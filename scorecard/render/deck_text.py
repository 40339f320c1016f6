"""Words and number formats of the deck, in English and French.

The shared formatting filters (render/format.py) were not written when the deck was; what the deck
needs is here, behind the same names (`fmt_value`, `status_label`, `kpi_label`) so the lead can swap
the import once format.py exists. Slide words live in one table so a translation is a one-line edit.
"""

from __future__ import annotations

import math

from ..catalog import catalog
from ..contract.model import Contract

LANGS = ("en", "fr")

WORDS: dict[str, dict[str, str]] = {
    "agenda": {"en": "Agenda", "fr": "Ordre du jour"},
    "forum": {"en": "Governance forum", "fr": "Forum de gouvernance"},
    "attendees": {"en": "Attendees", "fr": "Participants"},
    "period": {"en": "Period", "fr": "Période"},
    "client": {"en": "Client", "fr": "Client"},
    "vendor": {"en": "Vendor", "fr": "Prestataire"},
    "summary": {"en": "Executive summary", "fr": "Synthèse"},
    "service_levels": {"en": "Service levels", "fr": "Niveaux de service"},
    "trends": {"en": "Trends", "fr": "Tendances"},
    "quality": {"en": "Quality", "fr": "Qualité"},
    "calibration": {"en": "QA calibration", "fr": "Calibrage qualité"},
    "service_credits": {"en": "Service credits", "fr": "Pénalités de service"},
    "contact_reasons": {"en": "Contact reasons", "fr": "Motifs de contact"},
    "workforce": {"en": "Workforce", "fr": "Gestion des effectifs"},
    "actions": {"en": "Actions", "fr": "Plan d'actions"},
    "kpi": {"en": "KPI", "fr": "Indicateur"},
    "value": {"en": "Value", "fr": "Valeur"},
    "target": {"en": "Target", "fr": "Objectif"},
    "minimum": {"en": "Minimum", "fr": "Minimum"},
    "status": {"en": "Status", "fr": "Statut"},
    "change": {"en": "Change", "fr": "Évolution"},
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
    "rag_counts": {"en": "KPIs: {green} on target, {amber} below target, {red} below minimum",
                   "fr": "Indicateurs : {green} à l'objectif, {amber} sous l'objectif, {red} sous le minimum"},
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
    "no_quality": {"en": "no quality KPI measured", "fr": "aucun indicateur qualité mesuré"},
    "no_trends": {"en": "fewer than two months of history", "fr": "moins de deux mois d'historique"},
    "no_kpis": {"en": "no KPI results", "fr": "aucun résultat d'indicateur"},
    "evaluator": {"en": "Evaluator", "fr": "Évaluateur"},
    "sessions": {"en": "Sessions", "fr": "Séances"},
    "scores": {"en": "Scores", "fr": "Notes"},
    "within_tolerance": {"en": "Within tolerance", "fr": "Dans la tolérance"},
    "mad": {"en": "Mean abs. deviation", "fr": "Écart absolu moyen"},
    "bias": {"en": "Bias (points)", "fr": "Biais (points)"},
    "tendency": {"en": "Tendency", "fr": "Tendance"},
    "alpha": {"en": "Inter-rater reliability (Krippendorff's alpha): {alpha}",
              "fr": "Fiabilité inter-évaluateurs (alpha de Krippendorff) : {alpha}"},
    "bias_chart": {"en": "Bias and spread per evaluator vs tolerance (points)",
                   "fr": "Biais et dispersion par évaluateur vs tolérance (points)"},
    "tolerance": {"en": "tolerance", "fr": "tolérance"},
    "allocation": {"en": "Allocation", "fr": "Allocation"},
    "credit": {"en": "Credit", "fr": "Pénalité"},
    "earned_back": {"en": "Earned back", "fr": "Restituée"},
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
    "reason": {"en": "Reason", "fr": "Motif"},
    "contacts": {"en": "Contacts", "fr": "Contacts"},
    "share": {"en": "Share", "fr": "Part"},
    "cumulative": {"en": "Cumulative share", "fr": "Part cumulée"},
    "dsat": {"en": "DSAT", "fr": "Insatisfaction"},
    "repeat_rate": {"en": "Repeat rate", "fr": "Taux de réitération"},
    "cluster_note": {"en": "Bold: DSAT or repeat rate above the average of all reasons",
                     "fr": "En gras : insatisfaction ou réitération au-dessus de la moyenne des motifs"},
    "forecast": {"en": "Forecast contacts", "fr": "Contacts prévus"},
    "actual": {"en": "Actual contacts", "fr": "Contacts réels"},
    "workforce_rates": {"en": "Forecast accuracy, staffing and utilization",
                        "fr": "Précision des prévisions, staffing et utilisation"},
    "id": {"en": "Id", "fr": "N°"},
    "title": {"en": "Action", "fr": "Action"},
    "owner": {"en": "Owner", "fr": "Responsable"},
    "due": {"en": "Due", "fr": "Échéance"},
    "overdue": {"en": "OVERDUE", "fr": "EN RETARD"},
    "overdue_count": {"en": "{n} overdue of {total} open", "fr": "{n} en retard sur {total} ouvertes"},
    "definition": {"en": "Definition", "fr": "Définition"},
    "formula": {"en": "Formula", "fr": "Formule"},
    "notes_rag": {"en": "Green: meets target; amber: meets minimum only; red: misses minimum.",
                  "fr": "Vert : objectif atteint ; orange : minimum seul atteint ; rouge : minimum manqué."},
}

STATUS_WORDS = {
    "green": {"en": "On target", "fr": "Objectif atteint"},
    "amber": {"en": "Below target", "fr": "Sous l'objectif"},
    "red": {"en": "Below minimum", "fr": "Sous le minimum"},
    "insufficient_sample": {"en": "Low sample", "fr": "Échantillon faible"},
    "not_measurable": {"en": "Not measurable", "fr": "Non mesurable"},
}

UNIT_AXIS = {
    "rate": {"en": "%", "fr": "%"},
    "s": {"en": "seconds", "fr": "secondes"},
    "min": {"en": "minutes", "fr": "minutes"},
    "h": {"en": "hours", "fr": "heures"},
    "d": {"en": "days", "fr": "jours"},
    "points": {"en": "points", "fr": "points"},
    "count": {"en": "count", "fr": "nombre"},
    "money": {"en": "amount", "fr": "montant"},
    "ratio": {"en": "ratio", "fr": "ratio"},
}

MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
}

# Duration display units: (suffix, seconds); a value is shown in the largest unit it reaches twice.
DURATION_UNITS = (("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0))


def word(key: str, lang: str, **values: object) -> str:
    """A slide word in the deck's language, with its {placeholders} filled."""
    text = WORDS[key][lang]
    return text.format(**values) if values else text


def status_label(status: str, lang: str) -> str:
    """The status as words, so a RAG cell never relies on colour alone."""
    return STATUS_WORDS.get(status, {}).get(lang, status)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value: float, lang: str, decimals: int = 1) -> str:
    """1234.5 -> '1,234.5' (en) or '1 234,5' (fr, narrow no-break space as thousands separator)."""
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def duration_unit(seconds: float) -> tuple[str, float]:
    """The display unit of a duration: '(h, 3600.0)' for 7.5 h; seconds below two minutes."""
    for suffix, size in DURATION_UNITS:
        if abs(seconds) >= 2 * size:
            return suffix, size
    return "s", 1.0


def fmt_value(value: float | None, unit: str, lang: str, *, currency: str = "") -> str:
    """A base-unit value as a reader expects it: 0.824 -> '82.4%', 450 -> '7.5 min', NaN -> '-'."""
    if _missing(value):
        return "–"
    value = float(value)
    if unit == "rate":
        return fmt_number(100 * value, lang) + ("\u202f%" if lang == "fr" else "%")
    if unit == "duration":
        suffix, size = duration_unit(value)
        return f"{fmt_number(value / size, lang, 0 if suffix == 's' else 1)}\u00a0{suffix}"
    if unit == "count":
        return fmt_number(value, lang, 0)
    if unit == "money":
        return fmt_money(value, currency, lang, decimals=2)
    if unit == "ratio":
        return fmt_number(value, lang, 2)
    return fmt_number(value, lang)


def fmt_change(change: float | None, unit: str, lang: str, *, currency: str = "") -> str:
    """A signed change in the KPI's unit; rates move in percentage points ('+2.1 pts')."""
    if _missing(change):
        return "–"
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    if unit == "rate":
        return f"{sign}{fmt_number(abs(change) * 100, lang)}\u00a0pts"
    return sign + fmt_value(abs(change), unit, lang, currency=currency)


def fmt_money(value: float | None, currency: str, lang: str, *, decimals: int = 0) -> str:
    """12345.6 EUR -> '€12,346' (en) or '12 346 €' (fr)."""
    if _missing(value):
        return "–"
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency, currency)
    number = fmt_number(float(value), lang, decimals)
    if lang == "fr":
        return f"{number}\u00a0{symbol}"
    return f"{symbol}{number}" if len(symbol) == 1 else f"{number} {symbol}"


def fmt_share(value: float | None, lang: str, decimals: int = 0) -> str:
    """A fraction as a percentage with the given decimals ('40%', '40 %')."""
    if _missing(value):
        return "–"
    return fmt_number(100 * float(value), lang, decimals) + ("\u202f%" if lang == "fr" else "%")


def month_label(period: str, lang: str) -> str:
    """'2026-03' -> 'Mar 2026' / 'mars 2026'; quarters and years are left as written."""
    if len(period) == 7 and period[4] == "-" and period[5:].isdigit():
        return f"{MONTHS[lang][int(period[5:]) - 1]} {period[:4]}"
    return period


def kpi_label(contract: Contract, kpi_id: str, lang: str) -> str:
    """The contract's label, else the catalog label with its statistic and channel: 'First response
    time p90 (chat)'; several KPIs share a metric, so the metric label alone would be ambiguous."""
    spec = contract.kpis.get(kpi_id)
    if spec is None:
        return kpi_id
    if spec.label:
        return spec.label
    metric = catalog().get(spec.metric)
    text = metric.label[lang] if metric else kpi_id
    if metric and metric.statistic and spec.statistic != "mean":
        text += f" {spec.statistic}"
    channels = spec.filter.get("channel")
    if channels:
        text += f" ({', '.join(channels)})"
    return text


def fmt_target(text: str | None) -> str:
    """A contract comparison as printed: '>= 80%' -> '≥ 80%'; empty stays '–'."""
    if not text or (isinstance(text, float) and math.isnan(text)):
        return "–"
    return str(text).replace(">=", "≥").replace("<=", "≤")
