"""Exporting posts, annotations or training data to CSV, JSON Lines, Parquet or XLSX,
with a provenance manifest beside the files.

Every file is written to a temporary name beside its target and renamed at the end,
so a failed or cancelled export never leaves half a file; files get the permissions the
umask gives any new file. Posts and annotations CSV start with a UTF-8 byte-order mark
for spreadsheets; training CSV, read by scripts, does not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlmodel import Session

from annotator import __version__
from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.people import name_key
from annotator.domain.progress import CancelToken, ProgressCallback, no_progress
from annotator.services.atomic_files import atomic_write, temporary_path_for
from annotator.services.exports.cell_safety import guards_formulas
from annotator.services.exports.export_frames import (
    SPLITS,
    ChunkSource,
    Filters,
    count_posts,
    has_clusters,
    media_column,
)
from annotator.services.exports.export_media import MediaPaths, check_media
from annotator.services.exports.export_tables import arrow_ready, post_tables
from annotator.services.exports.export_workbook import (
    AGREEMENT_RESAMPLES,
    EXCEL_MAX_ROWS,
    WorkbookWriter,
)
from annotator.services.exports.export_writers import (
    CsvWriter,
    FrameWriter,
    JsonLinesWriter,
    ParquetWriter,
)
from annotator.services.project.project_settings import project_id
from annotator.services.review.agreement_report import agreement_report
from annotator.store.engine import Project, ReadSnapshot
from annotator.store.queries import annotator_names, list_datasets, load_codebook

EXPORT_FORMATS = (".csv", ".jsonl", ".parquet", ".xlsx")
WHAT = ("posts", "annotations", "training")
#: CSV encodings: with a byte-order mark (the default for posts and annotations, which
#: people open in Excel) or without (the default for training data, read by scripts).
CSV_ENCODINGS = ("utf-8-sig", "utf-8")


@dataclass(frozen=True)
class ExportOptions:
    """What to export and how; the format follows the output file's suffix."""

    what: str = "posts"
    dataset: str | None = None
    label: str | None = None
    annotator: str | None = None
    split: tuple[float, float, float] | None = None
    seed: int = 0
    manifest: bool = True
    #: CSV only: "utf-8-sig" or "utf-8"; None for the default of ``what`` (``csv_encoding``).
    encoding: str | None = None
    #: label-studio: the domain of the annotators' addresses (default: annotator.invalid).
    email_domain: str | None = None
    #: training: "hashes" or "paths" adds a column of each post's stored pictures.
    media: str = "none"
    #: Rows per xlsx sheet, header included (lowered in tests).
    xlsx_max_rows: int = EXCEL_MAX_ROWS


@dataclass
class ExportResult:
    """What an export wrote, for the user and for scripts."""

    files: list[Path]
    rows: int
    columns: list[str]
    label_counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    manifest: Path | None = None
    #: The CSV files' encoding; None for the other formats.
    encoding: str | None = None
    #: xlsx only: ids of the posts whose text was cut to Excel's 32,767 characters per cell.
    truncated: list[str] = field(default_factory=list)
    #: --split only: "cluster" when clusters were computed (a cluster stays in one split),
    #: "none" when they were not (each post is split on its own).
    split_grouped_by: str | None = None

    def summary(self) -> str:
        names = ", ".join(str(f) for f in self.files)
        text = f"Wrote {self.rows:,} rows to {names}."
        if self.encoding == "utf-8-sig":
            text += (
                " UTF-8 with a byte-order mark, so Excel shows accents and emoji"
                " (--encoding utf-8 writes none)."
            )
        return text


def csv_encoding(out: Path, options: ExportOptions) -> str | None:
    """The encoding a CSV export is written in (None for other formats): as asked, else
    with a byte-order mark for the tables people open in a spreadsheet, without one for
    training data."""
    if out.suffix.lower() != ".csv":
        return None
    if options.encoding is not None:
        return options.encoding
    return "utf-8" if options.what == "training" else "utf-8-sig"


def check_encoding(out: Path, options: ExportOptions) -> None:
    """Refuse an encoding we do not write, and a byte-order mark where it does not belong."""
    if options.encoding is None:
        return
    if options.encoding not in CSV_ENCODINGS:
        raise UserError(f"--encoding {options.encoding!r}: choose {' or '.join(CSV_ENCODINGS)}")
    if options.encoding == "utf-8-sig" and out.suffix.lower() != ".csv":
        raise UserError(
            f"{out}: --encoding utf-8-sig applies to CSV files only; "
            f"{out.suffix or 'this format'} files carry no byte-order mark"
        )


def _note_split_grouping(session: Session, result: ExportResult) -> None:
    """Say how the split was grouped; never cluster silently inside an export (slow, and
    it would change the project behind the user's back)."""
    if has_clusters(session):
        result.split_grouped_by = "cluster"
        return
    result.split_grouped_by = "none"
    result.warnings.append(
        "No clusters computed, so copy-paste posts may straddle splits:"
        " run `annotator clusters PROJECT` first."
    )


def parse_split(text: str) -> tuple[float, float, float]:
    """ "0.8,0.1,0.1" -> (0.8, 0.1, 0.1); three non-negative numbers that add up to 1."""
    try:
        parts = tuple(float(p) for p in text.split(","))
    except ValueError as error:
        raise UserError(f"--split {text!r}: give three numbers such as 0.8,0.1,0.1") from error
    if len(parts) != 3 or min(parts) < 0 or abs(sum(parts) - 1) > 1e-6:
        raise UserError(f"--split {text!r}: give three numbers that add up to 1")
    return parts[0], parts[1], parts[2]


def _check(project: Project, out: Path, options: ExportOptions, codebook: Codebook) -> None:
    if out.suffix.lower() not in EXPORT_FORMATS:
        raise UserError(
            f"{out}: cannot export to {out.suffix or 'a file without suffix'}; "
            f"use {', '.join(EXPORT_FORMATS)}"
        )
    if not out.parent.exists():
        raise UserError(f"{out}: the folder {out.parent} does not exist")
    if options.what not in WHAT:
        raise UserError(f"--what {options.what!r}: choose {', '.join(WHAT)}")
    check_encoding(out, options)
    if options.label is not None and codebook.resolve(options.label) is None:
        raise UserError(
            f"--label {options.label!r} is not in the codebook ({', '.join(codebook.keys)})"
        )
    if options.split is not None and options.what != "training":
        raise UserError("--split applies to --what training only")
    check_media(options.media, options.what)
    with project.session() as session:
        if options.dataset is not None and options.dataset not in {
            d.name for d in list_datasets(session)
        }:
            raise UserError(f"the project has no dataset {options.dataset!r}")
        if options.annotator is not None and _stored_name(session, options.annotator) is None:
            raise UserError(f"the project has no annotator {options.annotator!r}")


def _stored_name(session: Session, typed: str) -> str | None:
    """The project's spelling of a typed name (``ANA`` or ``ana `` finds ``ana``)."""
    wanted = name_key(typed)
    return next((n for n in annotator_names(session) if name_key(n) == wanted), None)


def _targets(out: Path, options: ExportOptions) -> list[tuple[Path, str | None]]:
    """(file, split it holds): one file, or one per split (xlsx keeps a split column)."""
    if options.split is None or out.suffix.lower() == ".xlsx":
        return [(out, None)]
    return [(out.with_name(f"{out.stem}.{name}{out.suffix}"), name) for name in SPLITS]


def _writer(
    path: Path,
    columns: list[str],
    options: ExportOptions,
    codebook: Codebook,
    project: Project,
) -> FrameWriter | WorkbookWriter:
    suffix = path.suffix.lower()
    lists = (
        frozenset({"evidence", media_column(options.media)})
        if options.what == "training"
        else frozenset()
    )
    if suffix == ".csv":
        bom = csv_encoding(path, options) == "utf-8-sig"
        return CsvWriter(
            path, columns, lists, byte_order_mark=bom, neutralise=guards_formulas(options.what)
        )
    if suffix == ".jsonl":
        return JsonLinesWriter(path, columns)
    if suffix == ".parquet":
        return ParquetWriter(path, columns, lists)
    report = agreement_report(  # the workbook's Agreement sheet
        project, dataset=options.dataset, resamples=AGREEMENT_RESAMPLES
    )
    return WorkbookWriter(
        path,
        columns,
        sheet_name={"posts": "Posts", "annotations": "Annotations", "training": "Training"}[
            options.what
        ],
        codebook=codebook,
        report=report,
        max_rows=options.xlsx_max_rows,
    )


def export_data(
    project: Project,
    out: Path,
    options: ExportOptions | None = None,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write the export; every file lands whole or not at all, and all of it is read from
    one snapshot of the project, so labels another program saves meanwhile appear in
    every row or in none (a training file never mixes two states)."""
    options = options or ExportOptions()
    identity = project_id(project)  # made on first use: a write, so before the snapshot
    with project.snapshot() as snapshot:
        result, codebook, total = _export(project, out, options, progress, cancel or CancelToken())
    if options.manifest:
        result.manifest = write_manifest(
            project, out, options, codebook, result, snapshot=snapshot, identity=identity
        )
    progress(total, total, f"Wrote {out.name}")
    return result


def _export(
    project: Project,
    out: Path,
    options: ExportOptions,
    progress: ProgressCallback,
    cancel: CancelToken,
) -> tuple[ExportResult, Codebook, int]:
    """The export's reads and writes (inside the caller's snapshot): the result, the
    codebook it used and the number of posts it walked."""
    with project.session() as session:
        codebook = load_codebook(session)
    _check(project, out, options, codebook)
    if options.label is not None:  # as a person wrote it ("not sure"): the label's key
        options = replace(options, label=codebook.resolve(options.label))
    if options.annotator is not None:  # as a person typed it: the stored spelling
        with project.session() as session:
            options = replace(options, annotator=_stored_name(session, options.annotator))
    filters = Filters(options.dataset, options.label, options.annotator)
    targets = _targets(out, options)
    result = ExportResult(files=[], rows=0, columns=[], encoding=csv_encoding(out, options))
    # Each file is written to a temporary beside its target; they all replace their targets
    # when the block ends, and none does when it raises (a cancel included).
    with ExitStack() as temporaries:
        with project.session() as session:
            source = ChunkSource(session, codebook, filters, options.what, options.split,
                                 options.seed, options.media)  # fmt: skip
            pictures = MediaPaths(session.connection(), out) if options.media == "paths" else None
            columns = source.columns()
            result.columns = columns
            if options.split is not None:
                _note_split_grouping(session, result)
            total = count_posts(session, filters)
            writers: dict[str | None, FrameWriter | WorkbookWriter] = {}
            for target, split in targets:
                temporary = temporaries.enter_context(temporary_path_for(target))
                written = columns if split is None else [c for c in columns if c != "split"]
                writers[split] = _writer(temporary, written, options, codebook, project)
            done = 0
            frames: Iterator[Any] = (
                post_tables(source)
                if arrow_ready(source)
                and all(isinstance(w, CsvWriter | ParquetWriter) for w in writers.values())
                else source.frames()
            )
            for frame in frames:
                cancel.raise_if_cancelled()
                done += source.size
                _count_labels(frame, options.what, result.label_counts)
                if pictures is not None:
                    frame = pictures.frame(frame, media_column(options.media))
                if None in writers:
                    writers[None].write(frame)
                else:
                    for split, writer in writers.items():
                        writer.write(frame[frame["split"] == split].drop(columns=["split"]))
                progress(min(done, total), total, f"Writing {out.name}")
            workbook = writers.get(None)
            if isinstance(workbook, WorkbookWriter) and options.what == "posts":
                annotations = ChunkSource(session, codebook, filters, "annotations")
                workbook.begin_table("Annotations", annotations.columns())
                for frame in annotations.frames():
                    cancel.raise_if_cancelled()
                    workbook.write(frame)
            for writer in writers.values():
                writer.close()
                result.rows += writer.rows
                if isinstance(writer, WorkbookWriter):
                    result.warnings += writer.warnings
                    result.truncated += writer.truncated_ids
        cancel.raise_if_cancelled()
    result.files = [target for target, _ in targets]
    if options.split is not None and out.suffix.lower() != ".xlsx":
        result.columns = [c for c in result.columns if c != "split"]
    return result, codebook, total


def _count_labels(frame: Any, what: str, counts: dict[str, int]) -> None:
    column = {"posts": "resolved_label", "annotations": "label", "training": "label"}[what]
    if isinstance(frame, pa.Table):
        for entry in pc.value_counts(frame[column].drop_null()).to_pylist():
            key = str(entry["values"])
            counts[key] = counts.get(key, 0) + int(entry["counts"])
        return
    for key, n in frame[column].value_counts().items():
        counts[str(key)] = counts.get(str(key), 0) + int(n)


def codebook_version(codebook: Codebook) -> str:
    """A short hash of the codebook's keys, names and definitions."""
    text = json.dumps(
        [[label.key, label.display_name, label.description] for label in codebook.labels],
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(
    project: Project,
    out: Path,
    options: ExportOptions,
    codebook: Codebook,
    result: ExportResult,
    *,
    snapshot: ReadSnapshot,
    identity: str,
) -> Path:
    """``OUT.manifest.json``: what was exported from where, so it can be checked later;
    ``snapshot`` says which state of the labels it holds (the last history id read)."""
    manifest = {
        "project_id": identity,
        "project": project.location,
        "app_version": __version__,
        "exported_at": datetime.now(UTC).isoformat(),
        "snapshot": {
            "last_history_id": snapshot.last_history_id,
            "taken_at": snapshot.taken_at.isoformat(),
        },
        "what": options.what,
        "filters": {
            "dataset": options.dataset,
            "label": options.label,
            "annotator": options.annotator,
        },
        "split": list(options.split) if options.split else None,
        "media": options.media if options.what == "training" else None,
        "seed": options.seed if options.split else None,
        "split_grouped_by": result.split_grouped_by,
        "clusters_computed": result.split_grouped_by == "cluster" if options.split else None,
        "codebook": {
            "version": codebook_version(codebook),
            "labels": [
                {"key": label.key, "name": label.display_name, "definition": label.description}
                for label in codebook.labels
            ],
        },
        "rows": result.rows,
        "rows_per_label": result.label_counts,
        "files": [{"name": f.name, "sha256": _sha256(f)} for f in result.files],
        "warnings": result.warnings,
        "truncated": {"count": len(result.truncated), "ids": result.truncated},
    }
    path = out.with_name(out.name + ".manifest.json")
    with atomic_write(path) as handle:
        handle.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return path
