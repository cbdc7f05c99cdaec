"""Exporting posts with every annotator's label to CSV, JSON Lines, Parquet or XLSX."""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from annotator.domain.errors import UserError
from annotator.domain.progress import CancelToken, ProgressCallback, no_progress
from annotator.domain.records import ExportReport
from annotator.services.cell_safety import neutralise_csv_cell
from annotator.store.engine import Project
from annotator.store.queries import annotator_names, gold_labels, iter_annotations, iter_posts

EXPORT_FORMATS = (".csv", ".jsonl", ".parquet", ".xlsx")
POST_COLUMNS = ["dataset", "id", "text", "author", "created_at", "platform", "url"]


def label_column(annotator: str) -> str:
    return f"label_{annotator}"


def posts_frame(
    project: Project,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> pd.DataFrame:
    """One row per post: fields, each annotator's label, gold and resolved label, extras."""
    cancel = cancel or CancelToken()
    with project.session() as session:
        names = annotator_names(session)
        gold = gold_labels(session)
        labels: dict[int, dict[str, str]] = defaultdict(dict)
        for annotation in iter_annotations(session):
            labels[annotation.post_id][annotation.annotator] = annotation.label_key
        rows: list[dict[str, Any]] = []
        extra_columns: dict[str, None] = {}
        for number, post in enumerate(iter_posts(session), start=1):
            if number % 5000 == 0:
                cancel.raise_if_cancelled()
                progress(number, 0, "Reading posts")
            post_labels = labels.get(post.id, {})
            given = set(post_labels.values())
            gold_label = gold.get(post.id)
            resolved = gold_label or (given.pop() if len(given) == 1 else None)
            row: dict[str, Any] = {
                "dataset": post.dataset,
                "id": post.external_id,
                "text": post.text,
                "author": post.author,
                "created_at": post.created_at,
                "platform": post.platform,
                "url": post.url,
            }
            for name in names:
                row[label_column(name)] = post_labels.get(name)
            row["gold_label"] = gold_label
            row["resolved_label"] = resolved
            row["needs_review"] = bool(post_labels) and resolved is None
            for key, value in post.extra.items():
                column = key if key not in row else f"extra.{key}"
                extra_columns[column] = None
                row[column] = value if isinstance(value, str | None) else json.dumps(value)
            rows.append(row)
    fixed = [
        *POST_COLUMNS,
        *(label_column(n) for n in names),
        "gold_label",
        "resolved_label",
        "needs_review",
    ]
    return pd.DataFrame(rows, columns=[*fixed, *extra_columns])


def export_posts(
    project: Project,
    out: Path,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ExportReport:
    """Write the posts table to ``out``; the format follows the suffix.

    Written to a temporary file beside ``out`` and renamed at the end, so a failed or
    cancelled export never leaves half a file.
    """
    suffix = out.suffix.lower()
    writer = _WRITERS.get(suffix)
    if writer is None:
        raise UserError(
            f"{out}: cannot export to {suffix or 'a file without suffix'}; "
            f"use {', '.join(EXPORT_FORMATS)}"
        )
    if not out.parent.exists():
        raise UserError(f"{out}: the folder {out.parent} does not exist")
    frame = posts_frame(project, progress=progress, cancel=cancel)
    progress(0, 0, f"Writing {out.name}")
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(handle)
    try:
        writer(frame, Path(temporary))
        (cancel or CancelToken()).raise_if_cancelled()
        Path(temporary).replace(out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    progress(len(frame), len(frame), f"Wrote {out.name}")
    return ExportReport(path=str(out), rows=len(frame), columns=list(frame.columns))


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    safe = frame.map(neutralise_csv_cell)
    safe.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _write_jsonl(frame: pd.DataFrame, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for record in frame.to_dict(orient="records"):
            clean = {k: (None if _is_missing(v) else v) for k, v in record.items()}
            handle.write(json.dumps(clean, ensure_ascii=False) + "\n")


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _xlsx_cell(sheet: Any, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    """A cell whose text is always stored as text: never a formula, never a link."""
    if _is_missing(value):
        cell = WriteOnlyCell(sheet, value=None)
    elif isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        # Control characters are illegal in XML; openpyxl refuses them, so they are dropped.
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Posts")
    sheet.freeze_panes = "A2"
    widths = {"text": 80, "id": 22, "dataset": 16, "author": 18, "url": 30}
    for index, column in enumerate(frame.columns, start=1):
        letter = _column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(str(column), 18)
    sheet.append([_xlsx_cell(sheet, column, bold=True) for column in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(path)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


_WRITERS: dict[str, Callable[[pd.DataFrame, Path], None]] = {
    ".csv": _write_csv,
    ".jsonl": _write_jsonl,
    ".parquet": _write_parquet,
    ".xlsx": _write_xlsx,
}
