"""Text measured with real font metrics, so a table sizes its columns from its text and wraps it.

The template's theme font is Calibri; where it is not installed (LibreOffice on Linux, CI) the deck is
drawn in the font that replaces it, which matplotlib's font manager finds the same way (DejaVu Sans,
wider than Calibri: a cell that fits in it fits in Calibri too). Widths are in points.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

FAMILY = "Calibri"


@lru_cache(maxsize=4)
def _font(bold: bool) -> FT2Font:
    log = logging.getLogger("matplotlib.font_manager")
    level = log.level
    log.setLevel(logging.ERROR)  # "findfont: Font family 'Calibri' not found" is the expected case
    try:
        path = font_manager.findfont(font_manager.FontProperties(family=FAMILY, weight="bold" if bold else "normal"),
                                     fallback_to_default=True)
    finally:
        log.setLevel(level)
    return FT2Font(path)


@lru_cache(maxsize=65536)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """The advance width of one line of text at `size` points, in points."""
    if not text:
        return 0.0
    font = _font(bold)
    font.set_size(size, 72)
    font.set_text(text, 0.0)
    return font.get_width_height()[0] / 64.0


def _split_word(word: str, width: float, size: float, bold: bool) -> list[str]:
    """A word longer than the column, cut between characters (an id, a URL): never an ellipsis."""
    pieces, current = [], ""
    for char in word:
        if current and text_width(current + char, size, bold) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    return pieces + [current]


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Text broken into lines no wider than `width` points, between words where it can."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, size, bold) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            pieces = _split_word(word, width, size, bold) if text_width(word, size, bold) > width else [word]
            lines += pieces[:-1]
            current = pieces[-1]
        lines.append(current)
    return lines


def longest_word(text: str, size: float, bold: bool = False) -> float:
    """The widest piece `wrap` never breaks: split at plain spaces only, as wrap does (str.split()
    would also split at the no-break spaces that keep '31 Jul 2026' together, and size a column
    too narrow for it)."""
    return max((text_width(w, size, bold) for w in str(text).replace("\n", " ").split(" ")), default=0.0)
