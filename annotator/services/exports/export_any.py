"""One entry for every export kind: the table exports and the other tools' formats."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.progress import CancelToken, ProgressCallback, no_progress
from annotator.services.atomic_files import atomic_write, temporary_path_for
from annotator.services.exports.exporting import (
    ExportOptions,
    ExportResult,
    check_encoding,
    export_data,
)
from annotator.services.interop import (
    DEFAULT_EMAIL_DOMAIN,
    export_doccano,
    export_label_studio,
    label_studio_config,
    label_studio_users,
    users_path,
    write_users_csv,
)
from annotator.services.project.projects import Project, codebook_of

#: Kinds written by the interop service rather than the table exporter.
TOOL_KINDS = ("label-studio", "doccano")


def label_config_path(out: Path) -> Path:
    """Where a Label Studio export's labeling config goes (as the command line puts it)."""
    return out.with_name(out.stem + ".label_config.xml")


@dataclass
class ToolExportResult:
    """What a Label Studio or doccano export wrote."""

    files: list[Path]
    rows: int
    tool: str
    warnings: list[str] = field(default_factory=list)
    manifest: Path | None = None

    def summary(self) -> str:
        noun = "Label Studio tasks" if self.tool == "label-studio" else "doccano lines"
        return f"Wrote {self.rows:,} {noun} to {', '.join(str(f) for f in self.files)}."


def export_any(
    project: Project,
    out: Path,
    options: ExportOptions,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ExportResult | ToolExportResult:
    """Run the export ``options.what`` names; a cancelled one leaves no file behind."""
    if options.what not in TOOL_KINDS:
        return export_data(project, out, options, progress=progress, cancel=cancel)
    check_encoding(out, options)
    with project.snapshot():  # tasks, config and users from one state of the project
        files, rows = _write_tool_files(project, out, options, progress, cancel)
    progress(1, 1, f"Wrote {out.name}")
    return ToolExportResult(files, rows, options.what)


def _write_tool_files(
    project: Project,
    out: Path,
    options: ExportOptions,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> tuple[list[Path], int]:
    """Label Studio's or doccano's files and the number of tasks or lines written."""
    with temporary_path_for(out) as temporary:
        progress(0, 0, f"Writing {out.name}")
        domain = options.email_domain or DEFAULT_EMAIL_DOMAIN
        if options.what == "label-studio":
            rows = export_label_studio(
                project, temporary, dataset=options.dataset, email_domain=domain
            )
        else:
            rows = export_doccano(
                project, temporary, dataset=options.dataset, annotator=options.annotator
            )
        (cancel or CancelToken()).raise_if_cancelled()
    files = [out]
    if options.what == "label-studio":
        config = label_config_path(out)
        with atomic_write(config) as handle:
            handle.write(label_studio_config(codebook_of(project)))
        files.append(config)
        write_users_csv(users_path(out), label_studio_users(project, email_domain=domain))
        files.append(users_path(out))
    return files, rows
