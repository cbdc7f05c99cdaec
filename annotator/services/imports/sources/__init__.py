"""Reading source files (CSV/TSV, JSON Lines, JSON, XLSX, Parquet) in chunks of rows.

Every reader yields chunks that know their rows' numbers as the user sees them
(spreadsheet row with the header as row 1, JSON Lines line, record index), so any
later error can name the exact place.
"""

from __future__ import annotations

from annotator.services.imports.formats import FORMATS
from annotator.services.imports.sources.base import SourceChunk, SourceTable, cell_text
from annotator.services.imports.sources.opening import detect_format, open_source

__all__ = ["FORMATS", "SourceChunk", "SourceTable", "cell_text", "detect_format", "open_source"]
