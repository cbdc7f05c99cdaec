"""Keeping attacker-written post text from becoming spreadsheet formulas."""

from __future__ import annotations

from typing import Any

#: Leading characters that make Excel, LibreOffice or Sheets evaluate a CSV cell (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv_cell(value: Any) -> Any:
    """Prefix a quote to text a spreadsheet would run as a formula; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
