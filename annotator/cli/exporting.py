"""``export``: posts, annotations or training data, in a table or another tool's format."""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path

from annotator.cli.parsing import Subparsers
from annotator.cli.progress import terminal_progress
from annotator.domain.errors import UserError


def add_parser(subparsers: Subparsers) -> None:
    export = subparsers.add_parser(
        "export", help="export posts, annotations or training data (.csv .jsonl .parquet .xlsx)"
    )
    export.add_argument("project", metavar="PROJECT")
    export.add_argument("out", metavar="OUT", type=Path, help=".csv .jsonl .xlsx or .parquet")
    export.add_argument(
        "--what",
        choices=["posts", "annotations", "training", "label-studio", "doccano"],
        default="posts",
        help="posts (default): one row per post; annotations: one row per post and "
        "annotator; training: text, label, label_id, evidence, id; label-studio: Label "
        "Studio tasks JSON (+ OUT.label_config.xml, OUT.users.csv); doccano: doccano JSONL",
    )
    export.add_argument("--dataset", metavar="NAME", help="only posts of this dataset")
    export.add_argument("--label", metavar="LABEL", help="only posts (annotations) with this label")
    export.add_argument("--annotator", metavar="NAME", help="only this annotator's labels")
    export.add_argument(
        "--split", metavar="TRAIN,DEV,TEST", help="training: e.g. 0.8,0.1,0.1, one file each"
    )
    export.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    export.add_argument(
        "--encoding",
        choices=["utf-8-sig", "utf-8"],
        help="CSV: utf-8-sig (UTF-8 with a byte-order mark, so Excel shows accents and emoji; "
        "the default for posts and annotations) or utf-8 (none; the default for training)",
    )
    export.add_argument(
        "--email-domain",
        metavar="DOMAIN",
        help="label-studio: annotators' addresses are NAME@DOMAIN (default: annotator.invalid)",
    )
    export.add_argument(
        "--media",
        choices=["none", "hashes", "paths"],
        default="none",
        help="training: add each post's stored pictures as content hashes (media_hashes) "
        "or as paths (media_paths) to copies written into OUT_media/ beside OUT "
        "(default none)",
    )
    export.add_argument(
        "--no-manifest", action="store_true", help="do not write OUT.manifest.json beside it"
    )
    export.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services.exports.export_any import export_any
    from annotator.services.exports.exporting import ExportOptions, parse_split
    from annotator.services.project.projects import open_project

    if args.email_domain is not None and args.what != "label-studio":
        raise UserError("--email-domain is for --what label-studio")
    options = ExportOptions(
        what=args.what,
        dataset=args.dataset,
        label=args.label,
        annotator=args.annotator,
        split=parse_split(args.split) if args.split else None,
        seed=args.seed,
        manifest=not args.no_manifest,
        encoding=args.encoding,
        email_domain=args.email_domain,
        media=args.media,
    )
    with (
        closing(open_project(args.project)) as project,
        terminal_progress(f"Exporting {args.out.name}") as progress,
    ):
        result = export_any(project, args.out, options, progress=progress)
    print(result.summary())
    for warning in result.warnings:
        print(f"Warning: {warning}")
    if result.manifest is not None:
        print(f"Manifest: {result.manifest}")
    return 0
