"""Storing the pictures an import names, in the import's own transaction.

Three passes once the posts are written: read and hash every distinct file (so an image
used by 1,000 posts, or already in the project, is decoded once or not at all), decode the
new ones (Pillow, in two worker processes when there are many) and store each as it comes
back so memory stays bounded, then give every post its media rows. A missing file or a
refused picture is counted in the report and noted on the post, never a failed import.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from annotator.domain.media import MISSING, REFUSED, REMOTE, STORED
from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.domain.records import ImportReport
from annotator.services.imports.media_refs import MediaRef, row_references
from annotator.services.imports.sources import SourceChunk
from annotator.services.media.images import (
    MAX_FILE_BYTES,
    RefusedImage,
    content_hash,
    prepare_image,
)
from annotator.store.media import insert_images, insert_post_media, stored_hashes

#: Fewer new pictures than this are decoded in this process: starting workers costs more.
PARALLEL_FROM = 64
#: Worker processes (the machines we run on have two cores to spare at most).
WORKERS = 2
#: Decoded pictures stored per statement (a display copy is ~100-300 KB).
IMAGE_BATCH = 64


@dataclass(frozen=True)
class _Outcome:
    status: str
    sha256: str | None = None
    message: str | None = None


def decode_file(path: str, sha256: str) -> tuple[str, dict[str, Any] | None, str | None]:
    """(hash, ``media_image`` row or None, refusal sentence): one picture read and decoded,
    in a worker process (top-level so it pickles)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return sha256, None, f"cannot be read ({error.strerror or error})"
    try:
        return sha256, prepare_image(data, sha256=sha256).row(), None
    except RefusedImage as error:
        return sha256, None, str(error)


def _parallel() -> bool:
    """Worker processes, except in a frozen app (a new process would start the app again)
    or on one core."""
    return not getattr(sys, "frozen", False) and (os.cpu_count() or 1) >= 2


class MediaCollector:
    """Gathers the pictures of the posts an import adds, then stores them."""

    def __init__(self, columns: list[str], base: Path) -> None:
        self.columns = columns
        self.base = base
        #: (external id, source row, pictures) of each added post that names pictures.
        self.pending: list[tuple[str, int, list[MediaRef]]] = []

    def collect(self, chunk: SourceChunk, kept: list[int], external_ids: list[str]) -> None:
        """Note the pictures of the rows at ``kept`` (the posts being added)."""
        if not self.columns or not kept:
            return
        values = {column: chunk.values(column) for column in self.columns}
        for i, external_id in zip(kept, external_ids, strict=True):
            refs = row_references(
                {column: values[column][i] for column in self.columns}, self.columns, self.base
            )
            if refs:
                self.pending.append((external_id, chunk.row_numbers[i], refs))

    def store(
        self,
        connection: Connection,
        *,
        dataset_id: int,
        after_id: int,
        report: ImportReport,
        progress: ProgressCallback,
        cancel: CancelToken,
    ) -> None:
        """Store the pictures and the posts' media rows through ``connection``."""
        if not self.pending:
            return
        paths = list(
            dict.fromkeys(ref.path for _, _, refs in self.pending for ref in refs if ref.path)
        )
        outcomes, to_decode = self._hash_files(connection, paths, report, progress, cancel)
        self._decode(connection, to_decode, outcomes, report, progress, cancel)
        cancel.raise_if_cancelled()
        self._link(connection, dataset_id, after_id, outcomes, report)

    def _hash_files(
        self,
        connection: Connection,
        paths: list[Path],
        report: ImportReport,
        progress: ProgressCallback,
        cancel: CancelToken,
    ) -> tuple[dict[Path, _Outcome], dict[str, list[Path]]]:
        """Each file's outcome so far (missing, refused or its hash), and the new hashes to
        decode with the files that hold them."""
        outcomes: dict[Path, _Outcome] = {}
        by_hash: dict[str, list[Path]] = {}
        for done, path in enumerate(paths, start=1):
            if done % 500 == 0:
                cancel.raise_if_cancelled()
                progress(done, len(paths), f"Reading pictures: {done:,} of {len(paths):,}")
            try:
                size = path.stat().st_size
                if not path.is_file():
                    outcomes[path] = _Outcome(MISSING)
                    continue
                if size > MAX_FILE_BYTES:
                    outcomes[path] = _Outcome(
                        REFUSED,
                        message=f"file of {size / 1e6:.1f} MB, over the "
                        f"{MAX_FILE_BYTES // 1024**2} MB limit",
                    )
                    continue
                data = path.read_bytes()
            except FileNotFoundError:
                outcomes[path] = _Outcome(MISSING)
                continue
            except OSError as error:
                outcomes[path] = _Outcome(
                    REFUSED, message=f"cannot be read ({error.strerror or error})"
                )
                continue
            digest = content_hash(data)
            outcomes[path] = _Outcome(STORED, sha256=digest)
            by_hash.setdefault(digest, []).append(path)
        known = stored_hashes(connection, by_hash)
        report.pictures_known += len(known)
        return outcomes, {h: p for h, p in by_hash.items() if h not in known}

    def _decode(
        self,
        connection: Connection,
        to_decode: dict[str, list[Path]],
        outcomes: dict[Path, _Outcome],
        report: ImportReport,
        progress: ProgressCallback,
        cancel: CancelToken,
    ) -> None:
        """Decode the new pictures and store them in batches as they come back."""
        total = len(to_decode)
        batch: list[dict[str, Any]] = []
        for done, (digest, row, refusal) in enumerate(_decoded(to_decode), start=1):
            cancel.raise_if_cancelled()
            if row is None:
                for path in to_decode[digest]:
                    outcomes[path] = _Outcome(REFUSED, message=refusal)
            else:
                batch.append(row)
            if len(batch) >= IMAGE_BATCH:
                report.pictures_stored += insert_images(connection, batch)
                batch = []
            if done % 50 == 0 or done == total:
                progress(done, total, f"Storing pictures: {done:,} of {total:,}")
        report.pictures_stored += insert_images(connection, batch)

    def _link(
        self,
        connection: Connection,
        dataset_id: int,
        after_id: int,
        outcomes: dict[Path, _Outcome],
        report: ImportReport,
    ) -> None:
        """Give each added post its media rows, and count what the report tells."""
        found = connection.execute(
            text("SELECT external_id, id FROM post WHERE dataset_id = :d AND id > :a"),
            {"d": dataset_id, "a": after_id},
        )
        ids = {external_id: post_id for external_id, post_id in found}
        rows: list[dict[str, Any]] = []
        for external_id, number, refs in self.pending:
            post_id = ids.get(external_id)
            if post_id is None:  # not added after all (cannot happen; never guess)
                continue
            for ref in refs:
                outcome = _Outcome(REMOTE) if ref.path is None else outcomes[ref.path]
                report.count_picture(outcome.status, number, ref.source, outcome.message)
                rows.append(
                    {
                        "post_id": post_id,
                        "position": ref.position,
                        "kind": ref.kind,
                        "source_column": ref.column,
                        "source": ref.source,
                        "status": outcome.status,
                        "image_sha256": outcome.sha256 if outcome.status == STORED else None,
                        "message": outcome.message,
                    }
                )
            if len(rows) >= 5_000:
                insert_post_media(connection, rows)
                rows = []
        insert_post_media(connection, rows)


def _decoded(
    to_decode: dict[str, list[Path]],
) -> Iterator[tuple[str, dict[str, Any] | None, str | None]]:
    """Decode results as they come, in order. joblib's generator dispatches a few tasks
    ahead of the consumer, so only those pictures are in flight at a time."""
    jobs = [(str(paths[0]), digest) for digest, paths in to_decode.items()]
    if len(jobs) < PARALLEL_FROM or not _parallel():
        for path, digest in jobs:
            yield decode_file(path, digest)
        return
    from joblib import Parallel, delayed

    yield from Parallel(n_jobs=WORKERS, return_as="generator", pre_dispatch="4*n_jobs")(
        delayed(decode_file)(path, digest) for path, digest in jobs
    )
