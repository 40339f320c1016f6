"""Build templates/deck/governance.pptx, the default 16:9 template of the governance deck.

Run once (`python templates/deck/build_template.py`) and commit the .pptx: the deck code reads the
layouts by name, so a user can swap in a corporate template with the same layout names (or let the
documented fallback pick layouts by their placeholders; see docs/readme-deck.md).
Kept in a script so the template can be rebuilt and reviewed as code rather than as a binary.

Layouts (names are the interface): "Title Slide", "Title and Content", "Two Content", "Title Only",
"Title and Chart" (a chart placeholder) and "Title and Table" (a table placeholder).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches

NAVY, ACCENT, GREY = RGBColor(0x1F, 0x3A, 0x5F), RGBColor(0x2E, 0x86, 0xC1), RGBColor(0xBF, 0xBF, 0xBF)
WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in, PowerPoint's 16:9
MARGIN, GAP = Inches(0.5), Inches(0.333)
TITLE_BOX = (MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.8))
CONTENT_TOP, CONTENT_BOTTOM = Inches(1.4), Inches(7.0)
CONTENT_BOX = (MARGIN, CONTENT_TOP, WIDTH - 2 * MARGIN, CONTENT_BOTTOM - CONTENT_TOP)
HALF = (WIDTH - 2 * MARGIN - GAP) // 2
FOOTER_TYPES = {"dt", "ftr", "sldNum"}
KEEP = {"Title Slide", "Title and Content", "Two Content", "Title Only",
        "Title and Vertical Text", "Vertical Title and Text"}


def _place(shape, box: tuple[int, int, int, int]) -> None:
    shape.left, shape.top, shape.width, shape.height = (Emu(int(v)) for v in box)


def _ph_type(shape) -> str:
    ph = shape._element.find(".//" + qn("p:ph"))
    return ph.get("type", "obj") if ph is not None else ""


def _drop_footers(layout) -> None:
    """Footer placeholders are not copied to slides by python-pptx; drop them to keep layouts plain."""
    for shape in list(layout.placeholders):
        if _ph_type(shape) in FOOTER_TYPES:
            shape._element.getparent().remove(shape._element)


def _style_master(prs: Presentation) -> None:
    """Smaller, left-aligned title and body sizes that suit dense governance slides."""
    master = prs.slide_master
    for shape in master.placeholders:
        kind = _ph_type(shape)
        if kind == "title":
            _place(shape, TITLE_BOX)
        elif kind == "body":
            _place(shape, CONTENT_BOX)
        elif kind in FOOTER_TYPES:
            shape._element.getparent().remove(shape._element)
    tx = master._element.find(qn("p:txStyles"))
    title_ppr = tx.find(qn("p:titleStyle")).find(qn("a:lvl1pPr"))
    title_ppr.set("algn", "l")
    rpr = title_ppr.find(qn("a:defRPr"))
    rpr.set("sz", "2800")
    rpr.set("b", "1")
    for fill in rpr.findall(qn("a:solidFill")):
        rpr.remove(fill)
    fill = etree.SubElement(rpr, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr")).set("val", str(NAVY))
    rpr.insert(0, fill)
    body = tx.find(qn("p:bodyStyle"))
    for level, size in zip(range(1, 10), (1800, 1600, 1400, 1200, 1200, 1200, 1200, 1200, 1200)):
        ppr = body.find(qn(f"a:lvl{level}pPr"))
        ppr.find(qn("a:defRPr")).set("sz", str(size))
        spc = ppr.find(qn("a:spcBef"))
        if spc is not None:
            spc.find(qn("a:spcPct")).set("val", "30000")
    _master_bar(prs, (MARGIN, Inches(1.15), WIDTH - 2 * MARGIN, Inches(0.04)), ACCENT)
    _master_bar(prs, (0, HEIGHT - Inches(0.12), WIDTH, Inches(0.12)), NAVY)


def _master_bar(prs: Presentation, box: tuple[int, int, int, int], colour: RGBColor) -> None:
    """A decorative bar on the master. python-pptx cannot add shapes to a master, so the bar is drawn
    on a scratch slide and its XML moved to the master's shape tree (the scratch slide is dropped)."""
    scratch = prs.slides.add_slide(prs.slide_layouts[0])
    bar = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, *box)
    bar.fill.solid()
    bar.fill.fore_color.rgb = colour
    bar.line.fill.background()
    tree = prs.slide_master.shapes._spTree
    bar._element.nvSpPr.cNvPr.set("id", str(1000 + len(tree)))
    tree.append(bar._element)
    slide_ids = prs.slides._sldIdLst
    rel_id = slide_ids[-1].rId
    prs.part.drop_rel(rel_id)
    slide_ids.remove(slide_ids[-1])


def _title_slide(layout) -> None:
    """A navy cover without the master's bars."""
    layout._element.set("showMasterSp", "0")
    layout.background.fill.solid()
    layout.background.fill.fore_color.rgb = NAVY
    for shape in layout.placeholders:
        kind = _ph_type(shape)
        if kind == "ctrTitle":
            _place(shape, (Inches(0.8), Inches(2.2), WIDTH - Inches(1.6), Inches(1.4)))
            _layout_font(shape, 4000, "FFFFFF", bold=True)
        elif kind == "subTitle":
            _place(shape, (Inches(0.8), Inches(3.8), WIDTH - Inches(1.6), Inches(2.4)))
            _layout_font(shape, 2000, "D6E4F0", bold=False)


def _layout_font(shape, size: int, colour: str, *, bold: bool) -> None:
    """Left-aligned text of one size and colour for every level of a layout placeholder."""
    body = shape._element.find(qn("p:txBody"))
    lst = body.find(qn("a:lstStyle"))
    if lst is None:
        lst = etree.SubElement(body, qn("a:lstStyle"))
    for child in list(lst):
        lst.remove(child)
    ppr = etree.SubElement(lst, qn("a:lvl1pPr"), algn="l", marL="0", indent="0")
    etree.SubElement(ppr, qn("a:buNone"))
    rpr = etree.SubElement(ppr, qn("a:defRPr"), sz=str(size), b="1" if bold else "0")
    etree.SubElement(etree.SubElement(rpr, qn("a:solidFill")), qn("a:srgbClr")).set("val", colour)


def _retype(layout, name: str, ph_type: str) -> None:
    """Turn a title + body layout into "Title and Chart"/"Title and Table": one placeholder of that type."""
    layout._element.cSld.set("name", name)
    for shape in layout.placeholders:
        kind = _ph_type(shape)
        if kind == "title":
            _place(shape, TITLE_BOX)
        elif kind in ("body", "obj"):
            ph = shape._element.find(".//" + qn("p:ph"))
            ph.set("type", ph_type)
            body = shape._element.find(qn("p:txBody"))
            if body is not None:
                body.getparent().remove(body)
            _place(shape, CONTENT_BOX)
            shape._element.nvSpPr.cNvPr.set("name", f"{ph_type.capitalize()} Placeholder")
    # Placeholders of type chart/tbl are graphic frames in PowerPoint's own files; a p:sp works in
    # PowerPoint, LibreOffice and python-pptx (ChartPlaceholder / TablePlaceholder).
    for vert in layout._element.iter(qn("a:bodyPr")):
        vert.attrib.pop("vert", None)


def _geometry(layout) -> None:
    """16:9 positions for the standard layouts kept from python-pptx's default template."""
    objects = [s for s in layout.placeholders if _ph_type(s) in ("obj", "body")]
    for shape in layout.placeholders:
        if _ph_type(shape) == "title":
            _place(shape, TITLE_BOX)
    if layout.name == "Two Content":
        for i, shape in enumerate(sorted(objects, key=lambda s: s.left)):
            _place(shape, (MARGIN + i * (HALF + GAP), CONTENT_TOP, HALF, CONTENT_BOX[3]))
    elif objects:
        _place(objects[0], CONTENT_BOX)


def build(out: Path) -> Path:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    layouts = prs.slide_layouts
    for layout in list(layouts):
        if layout.name not in KEEP:
            layouts.remove(layout)
    _style_master(prs)
    for layout in layouts:
        _drop_footers(layout)
        if layout.name == "Title Slide":
            _title_slide(layout)
        elif layout.name == "Title and Vertical Text":
            _retype(layout, "Title and Chart", "chart")
        elif layout.name == "Vertical Title and Text":
            _retype(layout, "Title and Table", "tbl")
        else:
            _geometry(layout)
    prs.core_properties.title = "scorecard governance deck template"
    prs.core_properties.author = "scorecard"
    prs.save(out)
    return out


if __name__ == "__main__":
    print(build(Path(__file__).with_name("governance.pptx")))
