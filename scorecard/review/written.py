"""Values written back in the contract's own notation (80.5%, 45s, 7.5m, 4.2), so a suggestion can
be pasted into the YAML as it is."""

from __future__ import annotations

from ..units import DURATION, RATE


def _trim(number: float, decimals: int) -> str:
    text = f"{number:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def written(value: float, kind: str) -> str:
    """0.805 (rate) -> '80.5%'; 450 (duration) -> '7.5m'; 4.2 (number) -> '4.2'."""
    if kind == RATE:
        return _trim(value * 100, 1) + "%"
    if kind == DURATION:
        for unit, seconds, below in (("s", 1, 120), ("m", 60, 3600), ("h", 3600, 172800)):
            if abs(value) < below:
                return _trim(value / seconds, 1) + unit
        return _trim(value / 86400, 1) + "d"
    return _trim(value, 2)
