"""Text from the data, made writable into XML (the deck's slides and charts) and HTML.

A contact reason or an agent id typed in a spreadsheet can hold control characters: Alt+Enter's
vertical tab, a NUL from a broken export. XML 1.0 cannot hold them at all (python-pptx's chart XML
fails to parse, text frames show `_x000B_`), and in HTML they are parse errors. The deck cleans the
evaluation's text once before drawing and reports what it changed; the HTML cards clean every value
they print (Jinja's `finalize`).
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
from markupsafe import Markup

from ..evaluate import Evaluation

# Characters XML 1.0 forbids (C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Line-breaking controls become a space so that the words they separated stay apart.
_AS_SPACE = {"\x0b": " ", "\x0c": " "}
SHOWN = 3  # examples named in the report


def clean_text(text: str) -> str:
    """`text` without the characters XML cannot hold ("Billing\\x0bRefund" -> "Billing Refund")."""
    return _ILLEGAL.sub(lambda m: _AS_SPACE.get(m.group(), ""), text)


def clean_markup(value: object) -> object:
    """Jinja `finalize`: every printed value cleaned, markup kept as markup."""
    if isinstance(value, Markup):
        return Markup(clean_text(str(value)))
    return clean_text(value) if isinstance(value, str) else value


def _clean_frame(frame: pd.DataFrame, found: dict[str, str]) -> pd.DataFrame:
    """The frame with its text cells cleaned; `found` collects each changed value by column."""
    fixed = {}
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        bad = {v: clean_text(v) for v in pd.unique(series.dropna()) if isinstance(v, str) and _ILLEGAL.search(v)}
        if bad:  # a label column held as a Categorical cannot take a new value: as text (its dtype before)
            text = series.astype("string") if isinstance(series.dtype, pd.CategoricalDtype) else series
            fixed[col] = text.replace(bad)
            found.update({v: str(col) for v in bad})
    return frame.assign(**fixed) if fixed else frame


def clean_evaluation(evaluation: Evaluation) -> tuple[Evaluation, list[str]]:
    """The evaluation with every text cell XML can hold, and a note per kind of change (empty: none)."""
    found: dict[str, str] = {}
    frames = {name: _clean_frame(getattr(evaluation, name), found)
              for name in ("results", "history", "overall", "credits", "calibration", "quality")}
    sections = {name: _clean_frame(frame, found) for name, frame in evaluation.sections.items()}
    if not found:
        return evaluation, []
    examples = ", ".join(f"{col} '{value.encode('unicode_escape', 'backslashreplace').decode('ascii')}'"
                         for value, col in list(found.items())[:SHOWN])
    note = (f"{len(found)} text value(s) held control characters that a slide cannot hold (e.g. {examples}): "
            "they were removed from the deck; correct them in the source data")
    return dataclasses.replace(evaluation, sections=sections, **frames), [note]
