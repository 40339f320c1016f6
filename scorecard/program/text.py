"""The program outputs' words (i18n.yaml `program`) in the program's language: the program file's
`language:`, else the first vendor's contract's. program.csv keeps its English headers."""

from __future__ import annotations

from ..render.format import strings, typeset


def word(key: str, lang: str, **values: object) -> str:
    text = strings()["program"][key][lang]
    return typeset(text.format(**values) if values else text, lang)
