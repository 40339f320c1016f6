"""Native, editable PowerPoint charts: lines, columns and the Pareto (columns + cumulative line).

Native charts keep their data in the deck, so a vendor manager can restyle or re-read them in
PowerPoint; matplotlib (images.py) is used only where PowerPoint has no chart type.
python-pptx has no combined chart, so the Pareto is built as a column chart whose second series is
moved into a line chart on a secondary axis (plain DrawingML, opened by PowerPoint and LibreOffice).
"""

from __future__ import annotations

from typing import Mapping, Sequence

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml.ns import qn
from pptx.util import Pt

from .layout import Slot

Values = Sequence[float | None]
TARGET_GREY = RGBColor(0x7F, 0x7F, 0x7F)
MINIMUM_RED = RGBColor(0xC0, 0x00, 0x00)
# A number format's locale (LCID): PowerPoint and LibreOffice then write 30 000,5 in French and
# 30,000.5 in English whatever the viewer's own settings.
LOCALES = {"en": "[$-409]", "fr": "[$-40C]"}


def localized(number_format: str, lang: str) -> str:
    """A chart number format in the deck's language ('0%' -> '[$-40C]0 %' in French)."""
    if number_format == "General" or number_format.startswith("[$"):
        return number_format
    if lang == "fr":
        number_format = number_format.replace("%", '"\u00a0"%')
    return LOCALES.get(lang, "") + number_format


def _data(categories: Sequence[str], series: Mapping[str, Values], number_format: str) -> CategoryChartData:
    data = CategoryChartData(number_format=number_format)
    data.categories = list(categories)
    for name, values in series.items():
        data.add_series(name, [None if v is None or v != v else float(v) for v in values])
    return data


def _dress(chart, number_format: str, axis_title: str, *, legend: bool) -> None:
    """Readable defaults: small fonts, legend at the bottom, value axis in the display unit."""
    chart.font.size = Pt(10)
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    axis = chart.value_axis
    axis.tick_labels.number_format = number_format
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = RGBColor(0xD9, 0xD9, 0xD9)
    if axis_title:
        axis.has_title = True
        axis.axis_title.text_frame.text = axis_title
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(10)


def line_chart(slot: Slot, categories: Sequence[str], series: Mapping[str, Values], *,
               number_format: str = "General", axis_title: str = "", dashed: Sequence[str] = (),
               minimum: str | None = None, legend: bool | None = None, lang: str = "en"):
    """A line chart with markers; series named in `dashed` (targets) are drawn as grey dashes, the
    series named `minimum` as a red dotted line. The legend shows when asked, else when there is
    more than one series."""
    number_format = localized(number_format, lang)
    chart = slot.chart(XL_CHART_TYPE.LINE_MARKERS, _data(categories, series, number_format))
    _dress(chart, number_format, axis_title, legend=len(series) > 1 if legend is None else legend)
    for plot in chart.plots:
        for ser in plot.series:
            ser.smooth = False
            if ser.name in dashed or ser.name == minimum:
                ser.format.line.color.rgb = MINIMUM_RED if ser.name == minimum else TARGET_GREY
                ser.format.line.dash_style = (MSO_LINE_DASH_STYLE.ROUND_DOT if ser.name == minimum
                                              else MSO_LINE_DASH_STYLE.DASH)
                ser.marker.style = XL_MARKER_STYLE.NONE
    return chart


def column_chart(slot: Slot, categories: Sequence[str], series: Mapping[str, Values], *,
                 number_format: str = "General", axis_title: str = "", lang: str = "en"):
    """Clustered columns (forecast vs actual, credits by month)."""
    number_format = localized(number_format, lang)
    chart = slot.chart(XL_CHART_TYPE.COLUMN_CLUSTERED, _data(categories, series, number_format))
    _dress(chart, number_format, axis_title, legend=len(series) > 1)
    chart.plots[0].gap_width = 60
    return chart


def _el(tag: str, val: str | None = None, **attrs: str):
    el = etree.Element(qn(tag), **attrs)
    if val is not None:
        el.set("val", val)
    return el


def _sub(parent, tag: str, val: str | None = None):
    el = parent.makeelement(qn(tag), {} if val is None else {"val": val})
    parent.append(el)
    return el


def pareto_chart(slot: Slot, categories: Sequence[str], volumes: Values, cumulative: Values, *,
                 volume_name: str, cumulative_name: str, volume_format: str = "#,##0", lang: str = "en"):
    """Columns of volume by reason, largest first, with the cumulative share as a line on a 0-100%
    secondary axis: the reasons left of the 80% crossing are where effort pays."""
    volume_format = localized(volume_format, lang)
    chart = slot.chart(XL_CHART_TYPE.COLUMN_CLUSTERED,
                       _data(categories, {volume_name: volumes, cumulative_name: cumulative}, volume_format))
    _dress(chart, volume_format, "", legend=True)
    chart.value_axis.minimum_scale = 0  # bars start at zero: near-equal volumes must look near-equal
    chart.plots[0].gap_width = 40
    plot_area = chart._chartSpace.find(".//" + qn("c:plotArea"))
    bar = plot_area.find(qn("c:barChart"))
    ser = bar.findall(qn("c:ser"))[1]
    bar.remove(ser)
    invert = ser.find(qn("c:invertIfNegative"))
    if invert is not None:
        ser.remove(invert)
    line = _el("c:lineChart")
    line.append(_el("c:grouping", "standard"))
    line.append(_el("c:varyColors", "0"))
    line.append(ser)
    anchor = ser.find(qn("c:spPr")) if ser.find(qn("c:spPr")) is not None else ser.find(qn("c:tx"))
    marker = _el("c:marker")
    marker.append(_el("c:symbol", "circle"))
    marker.append(_el("c:size", "6"))
    anchor.addnext(marker)
    ser.append(_el("c:smooth", "0"))
    cat_id, val_id = "91000001", "91000002"
    line.append(_el("c:axId", cat_id))
    line.append(_el("c:axId", val_id))
    bar.addnext(line)
    last_axis = plot_area.findall(qn("c:valAx"))[-1]
    last_axis.addnext(_secondary_value_axis(val_id, cat_id, localized("0%", lang)))
    last_axis.addnext(_hidden_category_axis(cat_id, val_id))
    return chart


def _axis(tag: str, ax_id: str, limits: dict[str, str], children: tuple[tuple[str, str], ...]):
    """A chart axis element: its id, a min-max scaling (with optional max/min), then its children
    in schema order."""
    ax = _el(tag)
    ax.append(_el("c:axId", ax_id))
    scaling = _sub(ax, "c:scaling")
    _sub(scaling, "c:orientation", "minMax")
    for limit, val in limits.items():
        _sub(scaling, limit, val)
    for child, val in children:
        _sub(ax, child, val)
    return ax


def _hidden_category_axis(ax_id: str, cross: str):
    return _axis("c:catAx", ax_id, {}, (
        ("c:delete", "1"), ("c:axPos", "b"), ("c:majorTickMark", "none"), ("c:minorTickMark", "none"),
        ("c:tickLblPos", "nextTo"), ("c:crossAx", cross), ("c:crosses", "autoZero"), ("c:auto", "1"),
        ("c:lblAlgn", "ctr"), ("c:lblOffset", "100"), ("c:noMultiLvlLbl", "0")))


def _secondary_value_axis(ax_id: str, cross: str, number_format: str):
    """A 0-100 % value axis on the right, crossing at the maximum of the category axis."""
    ax = _axis("c:valAx", ax_id, {"c:max": "1", "c:min": "0"}, (("c:delete", "0"), ("c:axPos", "r")))
    fmt = _sub(ax, "c:numFmt")
    fmt.set("formatCode", number_format)
    fmt.set("sourceLinked", "0")
    for child, val in (("c:majorTickMark", "out"), ("c:minorTickMark", "none"), ("c:tickLblPos", "nextTo"),
                       ("c:crossAx", cross), ("c:crosses", "max"), ("c:crossBetween", "between")):
        _sub(ax, child, val)
    return ax
