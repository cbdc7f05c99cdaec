"""``import`` and ``import-labels``: bring posts and other tools' labels into a project."""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path

from annotator.cli.parsing import Subparsers
from annotator.cli.progress import terminal_progress
from annotator.domain.errors import UserError
from annotator.domain.records import LabelImportReport
from annotator.services.imports.formats import FORMATS


def add_parser(subparsers: Subparsers) -> None:
    """Add ``import`` and ``import-labels``, in the order ``--help`` lists them."""
    imp = subparsers.add_parser(
        "import", help="import a dataset file (CSV, TSV, JSON Lines, JSON, XLSX, Parquet)"
    )
    imp.add_argument("project", metavar="PROJECT")
    imp.add_argument("file", metavar="FILE", type=Path)
    imp.add_argument("--dataset", metavar="NAME", help="dataset name (default: the file name)")
    imp.add_argument(
        "--format", dest="fmt", choices=FORMATS, help="read FILE as this format, not by suffix"
    )
    imp.add_argument("--sheet", metavar="NAME", help="xlsx: the sheet to read (default: first)")
    imp.add_argument(
        "--header-row",
        type=int,
        metavar="N",
        help="xlsx: the sheet row holding the column names (default: found automatically)",
    )
    for field, flag in (
        ("text", "--text-col"),
        ("id", "--id-col"),
        ("author", "--author-col"),
        ("time", "--time-col"),
        ("platform", "--platform-col"),
        ("url", "--url-col"),
    ):
        imp.add_argument(flag, metavar="C", help=f"the column holding the post {field}")
    imp.add_argument(
        "--media-col",
        dest="media_cols",
        metavar="C",
        action="append",
        default=[],
        help="a column holding pictures (file paths relative to FILE's folder, absolute "
        "paths or URLs), besides those found by name (image_url, display_url, Image "
        'Name ...); may be repeated; --media-col "" reads none but those named',
    )
    order = imp.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst",
        dest="day_first",
        action="store_const",
        const=True,
        help="read times like 02/03/2025 as day/month (default: decided by the column)",
    )
    order.add_argument(
        "--monthfirst",
        dest="day_first",
        action="store_const",
        const=False,
        help="read times like 02/03/2025 as month/day",
    )
    imp.add_argument(
        "--no-clusters",
        action="store_true",
        help="skip looking for clusters of near-identical posts afterwards "
        "(run 'annotator clusters' later)",
    )
    imp.set_defaults(handler=run_import)

    labels = subparsers.add_parser(
        "import-labels",
        help="import labels: long format (post_id, annotator, label[, notes, sponsor]), "
        "a Label Studio JSON export, doccano JSONL or Prodigy JSONL (db-out)",
    )
    labels.add_argument("project", metavar="PROJECT")
    labels.add_argument("file", metavar="FILE", type=Path)
    labels.add_argument("--dataset", metavar="NAME", help="match post ids in this dataset only")
    labels.add_argument(
        "--from",
        dest="source",
        choices=["table", "label-studio", "doccano", "prodigy"],
        default="table",
        help="what FILE is: a long-format table (default), Label Studio JSON, doccano JSONL, "
        "Prodigy JSONL",
    )
    labels.add_argument(
        "--annotator", metavar="NAME", help="doccano, prodigy: whose labels these are"
    )
    labels.add_argument(
        "--reject-as",
        metavar="LABEL",
        help="prodigy: the label a rejected binary answer means (e.g. not_sponsored)",
    )
    labels.add_argument(
        "--users",
        metavar="FILE",
        type=Path,
        action="append",
        default=[],
        help="label-studio: who Label Studio's user numbers are (its user list from "
        "GET /api/users, or CSV number,email / number,name / email,name); may be repeated",
    )
    labels.add_argument(
        "--id-field",
        metavar="NAME",
        help="label-studio: the task field holding the post id (data.NAME, or id for Label "
        "Studio's own task id; default: data.external_id, then data.id, then the exact text)",
    )
    labels.set_defaults(handler=run_import_labels)


def run_import(args: argparse.Namespace) -> int:
    from annotator.services.clusters.clustering import find_clusters
    from annotator.services.imports.importing import ImportOptions, import_dataset
    from annotator.services.project.projects import open_project

    with (
        closing(open_project(args.project)) as project,
        terminal_progress(f"Importing {args.file.name}") as progress,
    ):
        report = import_dataset(
            project,
            args.file,
            progress=progress,
            options=ImportOptions(
                dataset=args.dataset,
                text_col=args.text_col,
                id_col=args.id_col,
                author_col=args.author_col,
                time_col=args.time_col,
                platform_col=args.platform_col,
                url_col=args.url_col,
                fmt=args.fmt,
                sheet=args.sheet,
                header_row=args.header_row,
                day_first=args.day_first,
                media_cols=tuple(c for c in args.media_cols if c),
                detect_media="" not in args.media_cols,
            ),
        )
    print(report.summary())
    for line in report.details():
        print(line)
    mapping = ", ".join(f"{field}={column}" for field, column in report.column_mapping.items())
    print(f"Columns used: {mapping}.")
    if report.media_columns:
        print(f"Pictures read from: {', '.join(report.media_columns)}.")
    if not args.no_clusters:  # as the app does after every import
        with (
            closing(open_project(args.project)) as project,
            terminal_progress("Finding clusters") as progress,
        ):
            groups = find_clusters(project, progress=progress)
        print(f"{groups:,} clusters of near-identical posts (annotator clusters lists them).")
    return 0


def run_import_labels(args: argparse.Namespace) -> int:
    from annotator.services.imports.label_import import import_labels
    from annotator.services.interop import (
        InteropImportReport,
        import_doccano,
        import_label_studio,
        import_prodigy,
    )
    from annotator.services.project.projects import open_project

    if args.source != "label-studio" and (args.users or args.id_field):
        raise UserError("--users and --id-field are for --from label-studio")
    report: LabelImportReport
    if args.reject_as is not None and args.source != "prodigy":
        raise UserError("--reject-as is for --from prodigy")
    with closing(open_project(args.project)) as project:
        if args.source == "label-studio":
            report = import_label_studio(
                project, args.file, dataset=args.dataset, users=args.users, id_field=args.id_field
            )
        elif args.source == "doccano":
            if not args.annotator:
                raise UserError("doccano files do not say who labeled: add --annotator NAME")
            report = import_doccano(
                project, args.file, annotator=args.annotator, dataset=args.dataset
            )
        elif args.source == "prodigy":
            report = import_prodigy(
                project,
                args.file,
                reject_as=args.reject_as,
                annotator=args.annotator,
                dataset=args.dataset,
            )
        else:
            report = import_labels(project, args.file, dataset=args.dataset)
    print(report.summary())
    for note in report.notes if isinstance(report, InteropImportReport) else []:
        print(note)
    return 0
