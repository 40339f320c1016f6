"""The deck's template: layouts found by name, content placed in the layouts' placeholders.

Slides are driven from the template (as python-pptx recommends) so a user's corporate template
restyles the whole deck: no coordinates are hard-coded here, every box comes from a placeholder.
Layout lookup, for each kind of slide, tries the names in LAYOUT_NAMES in order; when none exists
(a template with other names) it falls back to the layout whose placeholders fit (a centred title for
the cover; else a title plus the most content placeholders), and only fails when no layout has a title.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pptx import Presentation
from pptx.presentation import Presentation as PresentationFile  # the type; pptx.Presentation is a function
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.shapes.placeholder import ChartPlaceholder, PicturePlaceholder, TablePlaceholder
from pptx.slide import Slide, SlideLayout
from pptx.util import Emu, Pt

from ...errors import Problem, RenderError
from ...resources import shipped

# Slide kind -> layout names tried in order.
LAYOUT_NAMES: dict[str, tuple[str, ...]] = {
    "cover": ("Title Slide",),
    "chart": ("Title and Chart", "Title and Content"),
    "table": ("Title and Table", "Title and Content"),
    "two": ("Two Content",),
}
CONTENT_TYPES = {PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.CHART, PP_PLACEHOLDER.TABLE,
                 PP_PLACEHOLDER.PICTURE}
TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}
DEFAULT_TEMPLATE = "templates/deck/governance.pptx"


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide in EMU, taken from a placeholder."""

    left: int
    top: int
    width: int
    height: int

    def split(self, parts: int, gap: int) -> list["Box"]:
        """Side-by-side boxes: a one-content layout used where two contents are wanted."""
        width = (self.width - gap * (parts - 1)) // parts
        return [Box(self.left + i * (width + gap), self.top, width, self.height) for i in range(parts)]

    def grid(self, cols: int, rows: int, gap: int) -> list["Box"]:
        """Small multiples: cols x rows boxes, left to right then top to bottom."""
        height = (self.height - gap * (rows - 1)) // rows
        return [cell for r in range(rows)
                for cell in Box(self.left, self.top + r * (height + gap), self.width, height).split(cols, gap)]

    def below(self, height: int) -> tuple["Box", "Box"]:
        """The top `height` of the box and what is left under it (a caption above a chart)."""
        return (Box(self.left, self.top, self.width, height),
                Box(self.left, self.top + height, self.width, self.height - height))


def default_template() -> Path:
    """The bundled 16:9 template (templates/deck/governance.pptx, built by build_template.py)."""
    return shipped(DEFAULT_TEMPLATE)


def open_template(template: str | Path | None) -> PresentationFile:
    """The template as an empty presentation; its own example slides are removed."""
    path = Path(template) if template else default_template()
    if not path.is_file():
        raise RenderError(Problem(f"template {path} does not exist", file=str(path),
                                  hint="pass a .pptx file with --template, or omit it for the default"))
    try:
        prs = Presentation(str(path))
    except Exception as exc:  # python-pptx raises several types for a non-pptx file
        raise RenderError(Problem(f"cannot open the template: {exc}", file=str(path),
                                  hint="save the template as .pptx (PowerPoint, not .potx/.ppt)")) from exc
    ids = prs.slides._sldIdLst
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)
    return prs


def _ph_types(layout: SlideLayout) -> list:
    # python-pptx annotates the placeholders' __iter__ without self, hence the ignore
    return [ph.placeholder_format.type for ph in layout.placeholders]  # type: ignore[misc]


def resolve_layouts(prs: PresentationFile, template_name: str) -> dict[str, SlideLayout]:
    """Each slide kind's layout: by name first, then by placeholders (see the module docstring)."""
    layouts = list(prs.slide_layouts)
    by_name = {layout.name: layout for layout in layouts}
    titled = [lay for lay in layouts if TITLE_TYPES & set(_ph_types(lay))]
    if not titled:
        expected = ", ".join(sorted({n for names in LAYOUT_NAMES.values() for n in names}))
        raise RenderError(Problem(
            "the template has no layout with a title placeholder",
            file=template_name, hint=f"layouts found: {', '.join(by_name) or 'none'}; expected names: {expected}"))

    def content_count(layout: SlideLayout) -> int:
        return sum(t in CONTENT_TYPES for t in _ph_types(layout))

    resolved: dict[str, SlideLayout] = {}
    for kind, names in LAYOUT_NAMES.items():
        named = next((by_name[n] for n in names if n in by_name), None)
        if named is not None:
            resolved[kind] = named
        elif kind == "cover":
            resolved[kind] = next((lay for lay in titled if PP_PLACEHOLDER.CENTER_TITLE in _ph_types(lay)),
                                  titled[0])
        else:
            wanted = 2 if kind == "two" else 1
            fits = [lay for lay in titled if content_count(lay) >= wanted] or titled
            resolved[kind] = min(fits, key=lambda lay: abs(content_count(lay) - wanted))
    return resolved


class Slot:
    """One content area of a slide: the layout's placeholder when there is one, else a bare box.

    Content goes *into* the placeholder where its type allows (chart placeholder -> insert_chart,
    table placeholder -> insert_table, text placeholder -> its text frame, keeping the template's
    styles); otherwise the placeholder is removed and the content drawn in the box it occupied."""

    def __init__(self, slide: Slide, box: Box, placeholder=None):
        self.slide, self.box, self.placeholder = slide, box, placeholder

    def _vacate(self) -> None:
        if self.placeholder is not None:
            self.placeholder._element.getparent().remove(self.placeholder._element)
            self.placeholder = None

    def split(self, parts: int, gap: int) -> list["Slot"]:
        """Side-by-side slots in this one."""
        self._vacate()
        return [Slot(self.slide, box) for box in self.box.split(parts, gap)]

    def grid(self, cols: int, rows: int, gap: int) -> list["Slot"]:
        """Slots in a grid in this one (the trends' small multiples)."""
        self._vacate()
        return [Slot(self.slide, box) for box in self.box.grid(cols, rows, gap)]

    def caption(self, height: int) -> tuple["Slot", "Slot"]:
        """A strip on top (a caption, a headline) and the slot under it."""
        self._vacate()
        top, rest = self.box.below(height)
        return Slot(self.slide, top), Slot(self.slide, rest)

    def chart(self, chart_type, data):
        """A native chart filling the slot."""
        if isinstance(self.placeholder, ChartPlaceholder):
            frame = self.placeholder.insert_chart(chart_type, data)
            self.placeholder = None
            return frame.chart
        self._vacate()
        b = self.box
        return self.slide.shapes.add_chart(chart_type, b.left, b.top, b.width, b.height, data).chart

    def table(self, rows: int, cols: int, row_height: int):
        """A table as wide as the slot with rows of a fixed height (pagination decides the count)."""
        if isinstance(self.placeholder, TablePlaceholder):
            frame = self.placeholder.insert_table(rows, cols)
            self.placeholder = None
        else:
            self._vacate()
            b = self.box
            frame = self.slide.shapes.add_table(rows, cols, Emu(b.left), Emu(b.top), Emu(b.width),
                                                Emu(rows * row_height))
        frame.width = self.box.width
        for row in frame.table.rows:
            row.height = row_height
        return frame.table

    def text(self):
        """A text frame: the placeholder's own (template bullets and sizes) or a word-wrapped box."""
        # a table, chart or picture placeholder has a text frame that slide viewers do not draw
        media = (TablePlaceholder, ChartPlaceholder, PicturePlaceholder)
        if self.placeholder is not None and self.placeholder.has_text_frame and not isinstance(self.placeholder, media):
            frame = self.placeholder.text_frame
            self.placeholder = None
            return frame
        self._vacate()
        b = self.box
        frame = self.slide.shapes.add_textbox(b.left, b.top, b.width, b.height).text_frame
        frame.word_wrap = True
        return frame

    def picture(self, image: Path | IO[bytes], aspect: float):
        """An image fitted in the slot, centred, aspect ratio kept (never cropped)."""
        self._vacate()
        b = self.box
        width, height = b.width, int(b.width / aspect)
        if height > b.height:
            width, height = int(b.height * aspect), b.height
        source = str(image) if isinstance(image, Path) else image
        return self.slide.shapes.add_picture(source, Emu(b.left + (b.width - width) // 2),
                                             Emu(b.top + (b.height - height) // 2), Emu(width), Emu(height))


class DeckCanvas:
    """The presentation being built: adds slides of a kind and hands out their content slots."""

    def __init__(self, template: str | Path | None):
        self.prs = open_template(template)
        self.layouts = resolve_layouts(self.prs, str(template or default_template()))
        # a presentation without a slide size (sldSz) is refused by PowerPoint itself: 16:9 is its default
        self.size = (int(self.prs.slide_width or Emu(12192000)), int(self.prs.slide_height or Emu(6858000)))
        self.gap = int(self.size[0] * 0.02)

    def add(self, kind: str, title: str, notes: str = "") -> list[Slot]:
        """A slide of a kind with its title and speaker notes; returns its content slots (left to
        right, then top to bottom). A layout with fewer content placeholders than the kind needs is
        split, and one with none gets the area under its title."""
        slide = self.prs.slides.add_slide(self.layouts[kind])
        if slide.shapes.title is not None:
            slide.shapes.title.text = title
        slots = [Slot(slide, Box(ph.left, ph.top, ph.width, ph.height), ph)
                 for ph in slide.placeholders if ph.placeholder_format.type in CONTENT_TYPES]
        slots.sort(key=lambda s: (s.box.top // Emu(Pt(20)), s.box.left))
        if not slots:
            slots = [Slot(slide, self._free_box(slide))]
        if kind == "two" and len(slots) == 1:
            slots = slots[0].split(2, self.gap)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        return slots

    def _free_box(self, slide: Slide) -> Box:
        """The area under the title when a layout has no content placeholder (fallback layouts)."""
        width, height = self.size
        title = slide.shapes.title
        top = (title.top + title.height + self.gap) if title is not None else self.gap
        return Box(self.gap * 2, top, width - 4 * self.gap, height - top - 2 * self.gap)

    def cover(self, title: str, subtitle_lines: list[str]) -> Slide:
        """The title slide: title and subtitle placeholders of the cover layout."""
        slide = self.prs.slides.add_slide(self.layouts["cover"])
        slide.shapes.title.text = title
        subtitle = next((ph for ph in slide.placeholders
                         if ph.placeholder_format.type in (PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.BODY,
                                                           PP_PLACEHOLDER.OBJECT)), None)
        if subtitle is not None:
            subtitle.text_frame.text = "\n".join(subtitle_lines)
        return slide

    def save(self, out: Path) -> None:
        """Write the deck after removing placeholders left empty (they would show prompt text)."""
        for slide in self.prs.slides:
            for ph in list(slide.placeholders):
                empty_text = ph.has_text_frame and not ph.text_frame.text.strip()
                uninserted = isinstance(ph, (ChartPlaceholder, TablePlaceholder, PicturePlaceholder))
                if empty_text or uninserted:
                    ph._element.getparent().remove(ph._element)
        self.prs.save(str(out))
