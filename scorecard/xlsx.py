"""results.xlsx: the result files as one workbook a vendor manager opens in Excel.

The CSVs are the machine interface (base units, dot decimals); the workbook is for people: values in
their unit with number formats (0.6872 shown as 68.7 %, 9826.95 s as 2:43:47, credits with the
currency), sheet names and headers in the contract's language, status in words and colours, frozen
headers, filters and widths. Cells keep real numbers (a format changes how they show, not what they
hold), so sums and charts work. Text goes through `results.neutralise` as in the CSVs: openpyxl would
otherwise store a text starting with "=" as a formula.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .atomic import atomic_path
from .evaluate import Evaluation
from .money import minor_unit
from .periods import parse_period
from .render.format import kpi_label, status_label
from .render.xmltext import clean_text
from .results import CALIBRATION_COLUMNS, CREDIT_COLUMNS, QUALITY_COLUMNS, RESULT_COLUMNS, neutralise

SECONDS_PER_DAY = 86400
# Number formats by the catalog's units; money is built per currency (its minor unit).
FORMATS = {"rate": "0.0%", "duration": "[h]:mm:ss", "points": "0.0", "ratio": "0.00", "count": "#,##0"}
STATUS_FILLS = {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE"}
OTHER_FILL = "EDEDED"
HEADER_FONT = Font(bold=True)
MIN_WIDTH, MAX_WIDTH = 8, 60

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "Summary": "Summary", "Results": "Results", "Credits": "Credits", "Calibration": "Calibration",
        "Data quality": "Data quality", "period": "Period", "kpi": "KPI", "metric": "Metric", "grain": "Grain",
        "entity": "Entity", "value": "Value", "n": "Observations", "target": "Target", "minimum": "Minimum",
        "status": "Status", "provisional": "Provisional", "points": "Points", "missed": "Missed",
        "allocation": "Allocation", "credit": "Credit", "earned_back": "Earned back",
        "chronic_failure": "Chronic failure", "paid": "Paid", "evaluator_id": "Evaluator",
        "sessions": "Sessions", "scores": "Scores", "within_tolerance": "Within tolerance",
        "mean_abs_deviation": "Mean absolute deviation", "bias": "Bias",
        "krippendorff_alpha": "Krippendorff's alpha", "spread": "Spread", "tendency": "Tendency",
        "table": "Table", "row": "Row", "column": "Column", "problem": "Problem", "action": "Action",
        "overall": "Overall score", "credits_paid": "Service credits paid", "bonus": "Bonus",
    },
    "fr": {
        "Summary": "Synthèse", "Results": "Résultats", "Credits": "Pénalités", "Calibration": "Calibrage",
        "Data quality": "Qualité des données", "period": "Période", "kpi": "Indicateur", "metric": "Métrique",
        "grain": "Maille", "entity": "Entité", "value": "Valeur", "n": "Observations", "target": "Objectif",
        "minimum": "Minimum", "status": "Statut", "provisional": "Provisoire", "points": "Points",
        "missed": "Manqué", "allocation": "Allocation", "credit": "Pénalité", "earned_back": "Regagnée",
        "chronic_failure": "Défaillance chronique", "paid": "Payée", "evaluator_id": "Évaluateur",
        "sessions": "Sessions", "scores": "Notes", "within_tolerance": "Dans la tolérance",
        "mean_abs_deviation": "Écart absolu moyen", "bias": "Biais",
        "krippendorff_alpha": "Alpha de Krippendorff", "spread": "Dispersion", "tendency": "Tendance",
        "table": "Table", "row": "Ligne", "column": "Colonne", "problem": "Problème", "action": "Action",
        "overall": "Score global", "credits_paid": "Pénalités payées", "bonus": "Bonus",
    },
}
SUMMARY_COLUMNS = ["period", "kpi", "value", "target", "minimum", "status", "points"]
CALIBRATION_SHEET_COLUMNS = CALIBRATION_COLUMNS + ["spread", "tendency"]


def money_format(currency: str) -> str:
    """`#,##0.00 "EUR"`: the currency's minor unit of decimals (JPY none, KWD three)."""
    digits = minor_unit(currency)
    return f'#,##0{"." + "0" * digits if digits else ""} "{currency}"'


class _Sheet:
    """One write-only sheet: a header row, then typed cells; widths measured on what is written."""

    def __init__(self, book: Workbook, title: str, headers: list[str]) -> None:
        self.ws = book.create_sheet(title)
        self.widths = [len(h) for h in headers]
        self.rows: list[list[WriteOnlyCell]] = [[self._cell(h, font=HEADER_FONT) for h in headers]]

    def _cell(self, value: Any, fmt: str | None = None, fill: str | None = None,
              font: Font | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=value)
        if fmt:
            cell.number_format = fmt
        if fill:
            cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
        if font:
            cell.font = font
        return cell

    def add(self, cells: Iterable[tuple[Any, str | None, str | None]]) -> None:
        """A row of (value, number format, fill colour); values made writable by `_value`."""
        row = []
        for i, (value, fmt, fill) in enumerate(cells):
            value = _value(value)
            self.widths[i] = max(self.widths[i], _shown_width(value))
            row.append(self._cell(value, fmt, fill))
        self.rows.append(row)

    def write(self) -> None:
        """Widths, frozen header and filter are set before the rows (a write-only sheet streams)."""
        for i, width in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
        self.ws.freeze_panes = "A2"
        self.ws.page_setup.orientation = "landscape"  # printed: every column on the page's width
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.page_setup.fitToWidth, self.ws.page_setup.fitToHeight = 1, 0
        self.ws.print_title_rows = "1:1"
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.widths))}{len(self.rows)}"
        for row in self.rows:
            self.ws.append(row)


def _value(value: Any) -> Any:
    """A cell value openpyxl writes as data: missing -> empty, Decimal kept exact, numpy scalars as
    Python numbers, text cleaned of XML-forbidden characters and neutralised against formulas."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, Decimal):
        return value
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, str):
        return neutralise(clean_text(value))
    return value


def _shown_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return 12
    return max(len(line) for line in str(value).split("\n"))


def _in_unit(value: Any, unit: str) -> Any:
    """A base-unit value as the cell holds it: durations as Excel day fractions, the rest unchanged."""
    if unit == "duration" and isinstance(value, (int, float)) and not pd.isna(value):
        return value / SECONDS_PER_DAY
    return value


def _format(unit: str, currency: str) -> str | None:
    return money_format(currency) if unit == "money" else FORMATS.get(unit)


def _status(status: Any, lang: str) -> tuple[Any, None, str]:
    return status_label(str(status), lang), None, STATUS_FILLS.get(str(status), OTHER_FILL)


def _results_sheet(book: Workbook, ev: Evaluation, lang: str) -> None:
    words, currency = WORDS[lang], ev.contract.currency
    sheet = _Sheet(book, words["Results"], [words[c] for c in RESULT_COLUMNS])
    for row in ev.results.reindex(columns=RESULT_COLUMNS + ["unit"]).itertuples(index=False):
        rec = row._asdict()
        unit = str(rec.pop("unit"))
        cells = {c: (v, None, None) for c, v in rec.items()}
        cells["value"] = (_in_unit(rec["value"], unit), _format(unit, currency), None)
        cells["n"] = (rec["n"], "#,##0", None)
        cells["status"] = _status(rec["status"], lang)
        sheet.add(cells[c] for c in RESULT_COLUMNS)
    sheet.write()


def _summary_sheet(book: Workbook, ev: Evaluation, lang: str) -> None:
    """The vendor KPIs of each asked period, then its overall score, credits paid and bonus."""
    words, c = WORDS[lang], ev.contract
    money = money_format(c.currency)
    sheet = _Sheet(book, words["Summary"], [words[col] for col in SUMMARY_COLUMNS])
    vendor = ev.results[ev.results["grain"] == "vendor"]
    for label in ev.periods:
        for r in vendor[vendor["period"] == label].itertuples(index=False):
            sheet.add([(label, None, None), (kpi_label(c, r.kpi, lang), None, None),
                       (_in_unit(r.value, r.unit), _format(r.unit, c.currency), None),
                       (r.target, None, None), (r.minimum, None, None), _status(r.status, lang),
                       (r.points, "0.0", None)])
        overall = ev.overall[ev.overall["period"] == label]
        months = parse_period(label).months()
        paid = sum(ev.credits.loc[ev.credits["period"].isin(months), "paid"], Decimal(0))
        extra = [(words["overall"], overall["score"].iloc[0] if len(overall) else None, "0.0"),
                 (words["credits_paid"], paid, money)]
        if len(overall) and "bonus" in overall and isinstance(overall["bonus"].iloc[0], Decimal):
            extra.append((words["bonus"], overall["bonus"].iloc[0], money))
        for name, value, fmt in extra:
            sheet.add([(label, None, None), (name, None, None), (value, fmt, None),
                       *[(None, None, None)] * (len(SUMMARY_COLUMNS) - 3)])
    sheet.write()


def _credits_sheet(book: Workbook, ev: Evaluation, lang: str) -> None:
    words, currency = WORDS[lang], ev.contract.currency
    money = money_format(currency)
    units = dict(zip(ev.results["kpi"], ev.results["unit"]))
    sheet = _Sheet(book, words["Credits"], [words[col] for col in CREDIT_COLUMNS])
    for rec in ev.credits.reindex(columns=CREDIT_COLUMNS).to_dict("records"):
        unit = str(units.get(rec["kpi"], ""))
        formats = {"value": _format(unit, currency), "allocation": "0.0%",
                   "credit": money, "earned_back": money, "paid": money}
        values = {**rec, "value": _in_unit(rec["value"], unit)}
        sheet.add((values[col], formats.get(col), None) for col in CREDIT_COLUMNS)
    sheet.write()


def _plain_sheet(book: Workbook, title: str, frame: pd.DataFrame, columns: list[str],
                 formats: dict[str, str], lang: str) -> None:
    sheet = _Sheet(book, WORDS[lang][title], [WORDS[lang][col] for col in columns])
    for rec in frame.reindex(columns=columns).to_dict("records"):
        sheet.add((rec[col], formats.get(col), None) for col in columns)
    sheet.write()


def write_xlsx(ev: Evaluation, path: Path, lang: str | None = None) -> Path:
    """Write results.xlsx (atomically) in `lang` (default: the contract's language)."""
    lang = lang or ev.contract.language
    lang = lang if lang in WORDS else "en"
    book = Workbook(write_only=True)
    _summary_sheet(book, ev, lang)
    _results_sheet(book, ev, lang)
    _credits_sheet(book, ev, lang)
    _plain_sheet(book, "Calibration", ev.calibration, CALIBRATION_SHEET_COLUMNS,
                 {"within_tolerance": "0.0%", "mean_abs_deviation": "0.00", "bias": "0.00",
                  "krippendorff_alpha": "0.000", "spread": "0.00"}, lang)
    _plain_sheet(book, "Data quality", ev.quality, QUALITY_COLUMNS, {}, lang)
    with atomic_path(path) as tmp:
        book.save(tmp)
    return Path(path)
