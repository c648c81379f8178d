"""How numbers are written for readers (one place for the package's formatting)."""

from __future__ import annotations

import math


def readable(text: str) -> str:
    """A measured value as a reader wants it: 29869.2 -> '29,869', 96.3333 -> '96.33',
    0.11039 -> '0.110'."""
    try:
        x = float(text)
    except ValueError:
        return text
    size = abs(x)
    if size >= 1000:
        shown = f"{x:,.0f}"
    elif size >= 1:
        shown = f"{x:.4g}"
    else:
        shown = f"{x:.3f}"
    return shown.replace("-", "−")


def fmt(value) -> str:
    """Stable text for a number: 6 significant digits, no trailing zeros; '' for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{float(value):.6g}"
    return str(value)
