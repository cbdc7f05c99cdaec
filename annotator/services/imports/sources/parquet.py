"""Parquet files read batch by batch with pyarrow; nested structs become dotted columns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken
from annotator.services.imports.sources.base import RecordChunk, SourceChunk, SourceTable
from annotator.services.imports.sources.json_records import flatten_record


class ParquetSource(SourceTable):
    """Rows are numbered from 1 in file order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = path.name
        self.format = "parquet"
        self.encoding = None
        try:
            self._file = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as error:
            raise UserError(f"cannot be read as Parquet ({error})", file=self.file) from error
        self.size = self._file.metadata.num_rows
        self._done = 0
        first = next(self._file.iter_batches(batch_size=100), None)
        if first is None or first.num_rows == 0:
            raise UserError("holds no rows", file=self.file)
        columns: dict[str, None] = {}
        for record in first.to_pylist():
            columns.update(dict.fromkeys(flatten_record(record)))
        self.columns = list(columns)

    def position(self) -> int:
        return self._done

    def count_rows(self, cancel: CancelToken | None = None) -> int:
        return int(self.size)

    def chunks(self, size: int, cancel: CancelToken | None = None) -> Iterator[SourceChunk]:
        number = 1
        try:
            for batch in self._file.iter_batches(batch_size=size):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                records = [flatten_record(r) for r in batch.to_pylist()]
                rows = list(range(number, number + len(records)))
                number += len(records)
                self._done = number - 1
                yield RecordChunk(records, rows)
        except pa.ArrowException as error:
            raise UserError(f"cannot be read as Parquet ({error})", file=self.file) from error
