"""The dataset formats an import reads, by name; plain data, so the CLI's parser loads fast."""

from __future__ import annotations

#: Names ``--format`` accepts (the readers live in ``sources/``, which loads pandas and pyarrow).
FORMATS = ("csv", "tsv", "jsonl", "json", "xlsx", "parquet")
