"""results.xlsx: the result files as one workbook a vendor manager opens in Excel.

The CSVs are the machine interface (base units, dot decimals); the workbook is for people: values in
their unit with number formats (0.6872 shown as 68.7 %, 9826.95 s as 2:43:47, credits with the
currency), sheet names and headers in the contract's language, status in words and colours, frozen
headers, filters and widths. Cells keep real numbers (a format changes how they show, not what they
hold), so sums and charts work. Text goes through `results.neutralise` as in the CSVs, so a text
starting with "=" reads as text in Excel. Written with xlsxwriter in constant-memory mode (about 2.7
times faster than openpyxl's write-only cells); the large sheets' rows (Results, and the plain sheets
that follow the data's size) are made column by column by `xlsx_rows` and spliced in: the same XML,
the workbook 5-6 times faster at 1 M interactions (deflating the XML is then half of what is left).
"""

from __future__ import annotations

import io
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Iterable, Sequence

import pandas as pd
from xlsxwriter import Workbook
from xlsxwriter.format import Format

from .atomic import atomic_path
from .evaluate import Evaluation
from .money import minor_unit
from .periods import parse_period
from .render.format import kpi_label, status_label
from .integrity.rules import SIGNAL_COLUMNS
from .credits import EXTRA_COLUMNS as CREDIT_EXTRA_COLUMNS, TOTAL
from .results import CALIBRATION_COLUMNS, CREDIT_COLUMNS, QUALITY_COLUMNS, RESULT_COLUMNS
from .versions import version_name
from .xlsx_rows import Column, body, cell_value, shown_width, splice, spool_rows

SECONDS_PER_DAY = 86400
# Number formats by the catalog's units; money is built per currency (its minor unit).
FORMATS = {"rate": "0.0%", "duration": "[h]:mm:ss", "points": "0.0", "ratio": "0.00", "count": "#,##0"}
STATUS_FILLS = {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE"}
OTHER_FILL = "EDEDED"
MIN_WIDTH, MAX_WIDTH = 8, 60
TEXT_CACHE = 100_000  # distinct texts kept cleaned and measured (entities can be many)

SHEET_ROWS = 1_048_576 - 2  # Excel's rows less the header and the note of the rows left out

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
        "Integrity": "Integrity", "signal": "Signal", "baseline": "Baseline", "evidence": "Evidence",
        "channel": "Channel", "escalation": "Escalation", "would_have_been": "Without the transition",
        "contract_version": "Contract version", "note": "Note",
        "more_rows": "{n} more rows do not fit in a sheet (Excel holds 1,048,576): every row is in results.csv",
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
        "Integrity": "Intégrité", "signal": "Signal", "baseline": "Référence", "evidence": "Constat",
        "channel": "Canal", "escalation": "Majoration", "would_have_been": "Sans la transition",
        "contract_version": "Version du contrat", "note": "Remarque",
        "more_rows": "{n} lignes de plus ne tiennent pas dans une feuille (Excel en contient 1 048 576) : "
                     "toutes sont dans results.csv",
    },
}
#: the credit multiplier of a repeat miss, as the contract writes it (x1.5)
ESCALATION_FORMAT = '"x"0.0#'
SUMMARY_COLUMNS = ["period", "kpi", "value", "target", "minimum", "status", "points", "note"]
# results.csv's columns, then why a value is not measurable or how it was judged (results.json's note)
RESULTS_SHEET_COLUMNS = RESULT_COLUMNS + ["note"]
CALIBRATION_SHEET_COLUMNS = CALIBRATION_COLUMNS + ["spread", "tendency"]


def money_format(currency: str) -> str:
    """`#,##0.00 "EUR"`: the currency's minor unit of decimals (JPY none, KWD three)."""
    digits = minor_unit(currency)
    return f'#,##0{"." + "0" * digits if digits else ""} "{currency}"'


class _Styles:
    """Formats made once per workbook and shared by every cell that uses them: xlsxwriter keeps one
    style record per format object, so a format per cell would bloat the file and the writing."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.header = book.add_format({"bold": True})
        self._cache: dict[tuple[str, str], Format] = {}
        self.spooled: dict[str, IO[bytes]] = {}  # sheet part -> its rows' XML, spliced in at the end

    def number(self, fmt: str | None) -> Format | None:
        return self._get("num_format", fmt) if fmt else None

    def fill(self, colour: str | None) -> Format | None:
        return self._get("bg_color", colour) if colour else None

    def _get(self, kind: str, value: str) -> Format:
        key = (kind, value)
        if key not in self._cache:
            props = {"num_format": value} if kind == "num_format" else {"pattern": 1, "bg_color": "#" + value}
            self._cache[key] = self.book.add_format(props)
        return self._cache[key]


class _Sheet:
    """One streamed sheet (constant memory: each row goes to disk as written); widths are measured on
    what is written and set at the end, with the filter over the rows written."""

    def __init__(self, book: Workbook, styles: _Styles, title: str, headers: list[str]) -> None:
        self.ws, self.styles = book.add_worksheet(title), styles
        self.part = f"xl/worksheets/sheet{len(book.worksheets())}.xml"  # xlsxwriter's name for it
        self.widths = [len(h) for h in headers]
        for col, header in enumerate(headers):
            self.ws.write_string(0, col, header, styles.header)
        self.row = 1
        self._texts: dict[str, tuple[str, int]] = {}

    def add(self, cells: Iterable[tuple[Any, str | None, str | None]]) -> None:
        """A row of (value, number format, fill colour); values made writable by `cell_value`."""
        number, fill = self.styles.number, self.styles.fill
        for col, (value, fmt, colour) in enumerate(cells):
            self.put(col, value, fill(colour) if colour else number(fmt))
        self.row += 1

    def add_columns(self, columns: Sequence[Column]) -> None:
        """Every row of `columns` at once: spooled as XML (`xlsx_rows`) up to the last row that has
        a cell, which is written as cells, so that xlsxwriter's dimension and row state are its own."""
        start, rows = self.row, len(columns[0].values) if columns else 0
        last = next((row for row in range(rows - 1, -1, -1) if any(
            column.format_at(row) is not None or body(column.values.iloc[row])[0] is not None
            for column in columns)), -1)
        if last > 0:
            self.styles.header._get_xf_index()  # numbered with the header row, before the cells below
            spool = self.styles.spooled[self.part] = tempfile.TemporaryFile()
            widths = spool_rows(spool, columns, last, start)
            self.widths = [max(a, b) for a, b in zip(self.widths, widths)]
        if last >= 0:
            self.row = start + last
            for col, column in enumerate(columns):
                self.put(col, column.values.iloc[last], column.format_at(last))
        self.row = start + rows

    def put(self, col: int, value: Any, fmt: Format | None) -> None:
        """One cell of the current row, typed by its value: text always as text, never as a formula."""
        ws, row = self.ws, self.row
        if isinstance(value, str):  # most cells; the same few texts repeat (periods, KPIs, grains)
            cached = self._texts.get(value)
            if cached is None:
                if len(self._texts) > TEXT_CACHE:
                    self._texts.clear()
                text = cell_value(value)
                cached = self._texts[value] = (text, max(map(len, text.split("\n"))))
            if cached[0]:
                ws.write_string(row, col, cached[0], fmt)
            elif fmt is not None:  # an empty text is an empty cell, as the reader sees it
                ws.write_blank(row, col, None, fmt)
            width = cached[1]
        else:
            value = cell_value(value)
            if value is None:
                if fmt is not None:
                    ws.write_blank(row, col, None, fmt)
                return
            if isinstance(value, bool):
                ws.write_boolean(row, col, value, fmt)
            elif isinstance(value, (int, float, Decimal)):
                ws.write_number(row, col, value, fmt)
            elif isinstance(value, str):  # a numpy string scalar
                ws.write_string(row, col, value, fmt)
            else:  # dates and times: xlsxwriter types them
                ws.write(row, col, value, fmt)
            width = shown_width(value)
        if width > self.widths[col]:
            self.widths[col] = width

    def finish(self) -> None:
        """Widths (7 px a character, so the file stores the width asked), frozen header, filter, print."""
        ws = self.ws
        for col, width in enumerate(self.widths):
            ws.set_column_pixels(col, col, 7 * min(MAX_WIDTH, max(MIN_WIDTH, width + 2)))
        ws.freeze_panes(1, 0)
        ws.set_landscape()  # printed: every column on the page's width
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.autofilter(0, 0, self.row - 1, len(self.widths) - 1)


def _in_unit(value: Any, unit: str) -> Any:
    """A base-unit value as the cell holds it: durations as Excel day fractions, the rest unchanged."""
    if unit == "duration" and isinstance(value, (int, float)) and not pd.isna(value):
        return value / SECONDS_PER_DAY
    return value


def _format(unit: str, currency: str) -> str | None:
    return money_format(currency) if unit == "money" else FORMATS.get(unit)


def _status(status: Any, lang: str) -> tuple[Any, None, str]:
    return status_label(str(status), lang), None, STATUS_FILLS.get(str(status), OTHER_FILL)


def _results_sheet(book: Workbook, styles: _Styles, ev: Evaluation, lang: str) -> None:
    """The big sheet (hundreds of thousands of rows at 1 M interactions) as columns: each row's
    number format by its unit, durations as day fractions, statuses in words with their fill."""
    words, currency = WORDS[lang], ev.contract.currency
    sheet = _Sheet(book, styles, words["Results"], [words[c] for c in RESULTS_SHEET_COLUMNS])
    shown = ev.results.iloc[:SHEET_ROWS]  # a sheet holds 1,048,576 rows: the header, these, one note
    frame = shown.reindex(columns=RESULTS_SHEET_COLUMNS + ["unit"])
    unit_codes, units = pd.factorize(frame["unit"].astype(object), use_na_sentinel=False)
    status_codes, statuses = pd.factorize(frame["status"].astype(object), use_na_sentinel=False)
    labels = [_status(status, lang) for status in statuses]
    value = frame["value"].astype(float)
    columns = {col: Column(frame[col]) for col in RESULTS_SHEET_COLUMNS}
    columns["value"] = Column(value.where(frame["unit"].astype(object) != "duration", value / SECONDS_PER_DAY),
                              tuple(styles.number(_format(str(unit), currency)) for unit in units), unit_codes)
    columns["n"] = Column(frame["n"], (styles.number("#,##0"),))
    columns["status"] = Column(pd.Series([label for label, _, _ in labels], dtype=object).take(status_codes),
                               tuple(styles.fill(colour) for _, _, colour in labels), status_codes)
    sheet.add_columns(list(columns.values()))
    if len(ev.results) > SHEET_ROWS:  # said in the sheet, never cut silently
        sheet.put(0, words["more_rows"].format(n=f"{len(ev.results) - SHEET_ROWS:,}"), None)
        sheet.row += 1
    sheet.finish()


def _summary_sheet(book: Workbook, styles: _Styles, ev: Evaluation, lang: str) -> None:
    """The vendor KPIs of each asked period, then its overall score, credits paid and bonus."""
    words, c = WORDS[lang], ev.contract
    money = money_format(c.currency)
    sheet = _Sheet(book, styles, words["Summary"], [words[col] for col in SUMMARY_COLUMNS])
    vendor = ev.results[ev.results["grain"] == "vendor"]
    for label in ev.periods:
        for r in vendor[vendor["period"] == label].itertuples(index=False):
            sheet.add([(label, None, None), (kpi_label(c, r.kpi, lang), None, None),
                       (_in_unit(r.value, r.unit), _format(r.unit, c.currency), None),
                       (r.target, None, None), (r.minimum, None, None), _status(r.status, lang),
                       (r.points, "0.0", None), (getattr(r, "note", None), None, None)])
        overall = ev.overall[ev.overall["period"] == label]
        months = parse_period(label).months()
        totals = ev.credits["period"].isin(months) & (ev.credits["kpi"] == TOTAL)
        paid = sum(ev.credits.loc[totals, "paid"], Decimal(0))  # KPI rows would count each credit twice
        extra = [(words["overall"], overall["score"].iloc[0] if len(overall) else None, "0.0"),
                 (words["credits_paid"], paid, money)]
        if len(overall) and "bonus" in overall and isinstance(overall["bonus"].iloc[0], Decimal):
            extra.append((words["bonus"], overall["bonus"].iloc[0], money))
        for name, value, fmt in extra:
            sheet.add([(label, None, None), (name, None, None), (value, fmt, None),
                       *[(None, None, None)] * (len(SUMMARY_COLUMNS) - 3)])
    sheet.finish()


def _credits_sheet(book: Workbook, styles: _Styles, ev: Evaluation, lang: str) -> None:
    """credits.csv's columns, the ones after OUTPUTS.md's too (channel, escalation, the credit
    without the transition, the contract version in words when the contract was amended)."""
    words, currency = WORDS[lang], ev.contract.currency
    money = money_format(currency)
    last = ev.results[["kpi", "unit"]].drop_duplicates("kpi", keep="last")  # each KPI's last unit
    units = dict(zip(last["kpi"], last["unit"]))
    extra = [c for c in [*CREDIT_EXTRA_COLUMNS, "contract_version"] if c in ev.credits.columns]
    columns = CREDIT_COLUMNS + extra
    sheet = _Sheet(book, styles, words["Credits"], [words[col] for col in columns])
    for rec in ev.credits.reindex(columns=columns).to_dict("records"):
        unit = str(units.get(rec["kpi"], ""))
        formats = {"value": _format(unit, currency), "allocation": "0.0%", "credit": money,
                   "earned_back": money, "paid": money, "would_have_been": money, "escalation": ESCALATION_FORMAT}
        values = {**rec, "value": _in_unit(rec["value"], unit)}
        if isinstance(rec.get("contract_version"), str):
            values["contract_version"] = version_name(rec["contract_version"], lang)
        sheet.add((values[col], formats.get(col), None) for col in columns)
    sheet.finish()


def _plain_sheet(book: Workbook, styles: _Styles, title: str, frame: pd.DataFrame, columns: list[str],
                 formats: dict[str, str], lang: str) -> None:
    """A frame's columns as they are, each with its number format: data quality and integrity grow
    with the data, so they are written as columns too."""
    sheet = _Sheet(book, styles, WORDS[lang][title], [WORDS[lang][col] for col in columns])
    frame = frame.reindex(columns=columns)
    sheet.add_columns([Column(frame[col], (styles.number(formats.get(col)),)) for col in columns])
    sheet.finish()


def write_xlsx(ev: Evaluation, path: Path, lang: str | None = None) -> Path:
    """Write results.xlsx (atomically) in `lang` (default: the contract's language)."""
    lang = lang or ev.contract.language
    lang = lang if lang in WORDS else "en"
    with atomic_path(path) as tmp:
        # constant_memory streams each sheet to a temporary file row by row (text inline, not shared);
        # nan_inf_to_errors: an infinite ratio shows as #DIV/0! instead of failing the run. The
        # workbook is small without the spooled rows: made in memory, then spliced into the file.
        made = io.BytesIO()
        book = Workbook(made, {"constant_memory": True, "nan_inf_to_errors": True})
        styles = _Styles(book)
        _summary_sheet(book, styles, ev, lang)
        _results_sheet(book, styles, ev, lang)
        _credits_sheet(book, styles, ev, lang)
        _plain_sheet(book, styles, "Calibration", ev.calibration, CALIBRATION_SHEET_COLUMNS,
                     {"within_tolerance": "0.0%", "mean_abs_deviation": "0.00", "bias": "0.00",
                      "krippendorff_alpha": "0.000", "spread": "0.00"}, lang)
        _plain_sheet(book, styles, "Data quality", ev.quality, QUALITY_COLUMNS, {}, lang)
        # integrity.csv's signals (value and baseline in each signal's own unit, as in the CSV)
        _plain_sheet(book, styles, "Integrity", ev.integrity, SIGNAL_COLUMNS, {}, lang)
        book.close()
        splice(made.getvalue(), str(tmp), styles.spooled)
        for spool in styles.spooled.values():
            spool.close()
    return Path(path)
