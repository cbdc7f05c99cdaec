"""Keeping attacker-written post text from becoming spreadsheet formulas.

The guard belongs to the files people open in a spreadsheet: posts and annotations CSV get
a leading quote on text a spreadsheet would run (``'=1+1``), and every xlsx text cell is
stored as a string (``export_workbook``). Training files (CSV, JSON Lines, Parquet) are read
by scripts and keep the text byte for byte: a quote there would be learned by a model.
"""

from __future__ import annotations

#: Leading characters that make Excel, LibreOffice or Sheets evaluate a CSV cell (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: The export kinds whose CSV is meant for a spreadsheet, so it gets the guard.
SPREADSHEET_KINDS = frozenset({"posts", "annotations"})


def guards_formulas(what: str) -> bool:
    """Whether a CSV export of this kind neutralises formulas (not training data)."""
    return what in SPREADSHEET_KINDS
