"""A signal's evidence in words, in English (integrity.csv) or French (the deck of a French contract).

The rules keep what moved as numbers (`moves`: the fact, its month's value, its baseline); this
module says it, so integrity.csv, the deck and any card read the same sentence in their language:
"transfer rate 10.5 % against 5.4 % over the 3 previous months".
"""

from __future__ import annotations

from typing import Callable, Sequence

from .. import numbers

#: a move as the rules keep it: (fact, value of the month, baseline)
Moved = tuple[str, float, float]

# fact -> (how its value is written, its name per language)
FACTS: dict[str, tuple[str, dict[str, str]]] = {
    "aht": ("duration", {"en": "average handle time", "fr": "durée moyenne de traitement"}),
    "frt": ("duration", {"en": "first response time", "fr": "délai de première réponse"}),
    "fcr": ("rate", {"en": "first-contact resolution", "fr": "résolution au premier contact"}),
    "resolved": ("rate", {"en": "resolution rate", "fr": "taux de résolution"}),
    "csat": ("mean", {"en": "mean CSAT", "fr": "satisfaction moyenne"}),
    "qa": ("points", {"en": "QA score", "fr": "note qualité"}),
    "short_share": ("rate", {"en": "share of voice contacts handled in under {short}",
                             "fr": "part des appels traités en moins de {short}"}),
    "easy_share": ("rate", {"en": "share of the quickest contact reasons",
                            "fr": "part des motifs de contact les plus rapides"}),
    "transfer_rate": ("rate", {"en": "transfer rate", "fr": "taux de transfert"}),
    "survey_coverage": ("rate", {"en": "share of contacts surveyed", "fr": "part des contacts interrogés"}),
    "qa_gap": ("gap", {"en": "vendor QA minus the client's audit of the same contacts",
                       "fr": "note qualité du prestataire moins l'audit du client sur les mêmes contacts"}),
    "backlog_age": ("duration", {"en": "mean age of the open backlog at month end",
                                 "fr": "âge moyen des demandes en attente en fin de mois"}),
}
PHRASES = {
    "en": {"against": "{name} {value} against {baseline}", "tail": " over the {n} previous months",
           "while": " while ", "and": " and ", "points": "points", "day": "d"},
    "fr": {"against": "{name} {value} contre {baseline}", "tail": " sur les {n} mois précédents",
           "while": " alors que ", "and": " et ", "points": "points", "day": "j"},
}


def duration(seconds: float, lang: str = "en") -> str:
    """'45s', '7m06s', '2h31m', '3d04h' ('3j04h' in French): the two largest units, as a reader
    compares them."""
    seconds = round(seconds)
    day = PHRASES[lang]["day"]
    for size, big, small, unit in ((86400, day, "h", 3600), (3600, "h", "m", 60), (60, "m", "s", 1)):
        if seconds >= size:
            return f"{seconds // size}{big}{(seconds % size) // unit:02d}{small}"
    return f"{seconds}s"


def _formats(lang: str) -> dict[str, Callable[[float], str]]:
    # English keeps integrity.csv's "75.1 %" (a space before the sign); French its no-break space
    rate = (lambda v: f"{100 * v:.1f} %") if lang == "en" else (lambda v: numbers.percent(100 * v, 1, lang))
    return {"duration": lambda v: duration(v, lang), "rate": rate,
            "mean": lambda v: numbers.number(v, 2, lang), "points": lambda v: numbers.number(v, 1, lang),
            "gap": lambda v: ("+" if v >= 0 else "-") + numbers.number(abs(v), 1, lang) + " " + PHRASES[lang]["points"]}


def said(moved: Moved, lang: str, *, months: int, short: float) -> str:
    """'transfer rate 10.5 % against 5.4 % over the 3 previous months' (months=0: no tail)."""
    fact, value, baseline = moved
    kind, names = FACTS[fact]
    fmt, words = _formats(lang)[kind], PHRASES[lang]
    text = words["against"].format(name=names[lang].format(short=duration(short, lang)), value=fmt(value),
                                   baseline=fmt(baseline))
    return text + (words["tail"].format(n=months) if months else "")


def evidence(moves: Sequence[Moved], lang: str, *, months: int, short: float) -> str:
    """The fact that moved against its baseline, then the other moves that make it a signal."""
    first, *also = moves
    words = PHRASES[lang]
    text = said(first, lang, months=months, short=short)
    if also:
        text += words["while"] + words["and"].join(said(m, lang, months=0, short=short) for m in also)
    return text
