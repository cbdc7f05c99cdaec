"""CSV and TSV: any delimiter the sniffer finds, quoted line breaks, ids kept as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pandas as pd

from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken
from annotator.services.imports.sources.base import FrameChunk, SourceChunk, TextSource

DELIMITERS = ",;\t|"


def _sniff_delimiter(sample: str) -> str:
    """csv.Sniffer over the first lines; a comma when it cannot decide."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.split("\n", 1)[0].count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _one_line(error: Exception) -> str:
    """pandas' parser messages end in a line break; the user gets one sentence."""
    return " ".join(str(error).split())


class DelimitedSource(TextSource):
    """A CSV/TSV file read by pandas' C parser in chunks of strings."""

    def __init__(self, path: Path, fmt: str) -> None:
        self._handle: IO[bytes] | None = None
        self.path = path
        super().__init__(path, fmt, self._row_at)
        with path.open(encoding=self.encoding, newline="") as handle:
            sample = handle.read(65536)
        if not sample.strip():
            raise UserError("is empty", file=self.file)
        self.delimiter = "\t" if fmt == "tsv" else _sniff_delimiter(sample)
        header = self._read(nrows=0)
        assert isinstance(header, pd.DataFrame)
        self.columns = [str(c) for c in header.columns]
        self._check_header()

    def _row_at(self, offset: int) -> int:
        """The spreadsheet row (header = 1) holding byte ``offset``."""
        with self.path.open("rb") as handle:
            prefix = handle.read(offset).decode("utf-8", errors="replace")
        delimiter = getattr(self, "delimiter", ",")
        records = sum(1 for _ in csv.reader(io.StringIO(prefix, newline=""), delimiter=delimiter))
        ends_clean = prefix == "" or prefix.endswith("\n")
        return records + 1 if ends_clean else records

    def _check_header(self) -> None:
        for index, column in enumerate(self.columns):
            if column.startswith("Unnamed: ") or not column.strip():
                raise UserError(
                    f"column {index + 1} of the header has no name; name it and import again",
                    file=self.file,
                    row=1,
                )

    def _read(self, **options: object) -> pd.DataFrame | pd.io.parsers.TextFileReader:
        self._handle = self.path.open("rb")
        try:
            return pd.read_csv(
                self._handle,
                sep=self.delimiter,
                # object, not str: ids such as 00123 stay as written and it is 2x faster.
                dtype=object,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                encoding=self.encoding,
                engine="c",
                **options,
            )
        except pd.errors.EmptyDataError as error:
            raise UserError("is empty", file=self.file) from error
        except (pd.errors.ParserError, ValueError) as error:
            raise UserError(f"cannot be read as CSV: {_one_line(error)}", file=self.file) from error

    def position(self) -> int:
        handle = self._handle
        if handle is None or handle.closed:
            return self.size
        return min(handle.tell(), self.size)

    def chunks(self, size: int, cancel: CancelToken | None = None) -> Iterator[SourceChunk]:
        reader = self._read(chunksize=size)
        next_row = 2
        try:
            while True:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                try:
                    frame = next(reader)
                except StopIteration:
                    return
                except (pd.errors.ParserError, ValueError) as error:
                    raise UserError(
                        f"cannot be read as CSV: {_one_line(error)}", file=self.file
                    ) from error
                frame.columns = self.columns
                rows = list(range(next_row, next_row + len(frame)))
                next_row += len(frame)
                yield FrameChunk(frame, rows)
        finally:
            reader.close()
            if self._handle is not None:
                self._handle.close()
