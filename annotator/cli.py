"""The command line: subcommands over the services. Never imports Qt.

Errors the user can fix go to stderr as one sentence with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from tqdm import tqdm

from annotator import __version__
from annotator.domain.errors import UserError
from annotator.domain.progress import ProgressCallback, no_progress
from annotator.domain.records import LabelImportReport
from annotator.services.clusters.clustering import find_clusters, list_clusters
from annotator.services.exports.export_any import export_any
from annotator.services.exports.exporting import ExportOptions, parse_split
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.imports.sources import FORMATS
from annotator.services.interop import import_doccano, import_label_studio
from annotator.services.project.projects import init_project, open_project
from annotator.services.project.sample_project import build_sample_project
from annotator.services.review.agreement_report import agreement_report
from annotator.services.team.annotators import merge_annotators, rename_annotator
from annotator.services.team.assignment import assign_posts
from annotator.services.team.packages import merge, pack

GuiLauncher = Callable[[str | None, str | None], int]
SelfTestLauncher = Callable[[str, Path], int]
EXIT_USER_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage mistakes the same way as every other user error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{message} (see 'annotator {self.prog.split()[-1]} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="annotator",
        description="Label social-media posts as not sponsored, sponsored and disclosed, "
        "or sponsored but undisclosed. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    init = commands.add_parser("init", help="create a new project")
    init.add_argument("project", metavar="PROJECT", help="project file or database URL")
    init.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="KEY[=DISPLAY NAME]",
        help="a codebook label, in order; repeat it. Without it: the default codebook",
    )

    sample = commands.add_parser(
        "sample", help="create a project holding the shipped sample posts and labels"
    )
    sample.add_argument("project", metavar="PROJECT", help="new project file or database URL")
    sample.add_argument("--no-labels", action="store_true", help="posts only, nobody's labels")

    imp = commands.add_parser(
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
        "--no-clusters",
        action="store_true",
        help="skip looking for copy-paste campaigns afterwards (run 'annotator clusters' later)",
    )

    labels = commands.add_parser(
        "import-labels",
        help="import labels: long format (post_id, annotator, label[, notes, sponsor]), "
        "a Label Studio JSON export or doccano JSONL",
    )
    labels.add_argument("project", metavar="PROJECT")
    labels.add_argument("file", metavar="FILE", type=Path)
    labels.add_argument("--dataset", metavar="NAME", help="match post ids in this dataset only")
    labels.add_argument(
        "--from",
        dest="source",
        choices=["table", "label-studio", "doccano"],
        default="table",
        help="what FILE is: a long-format table (default), Label Studio JSON, doccano JSONL",
    )
    labels.add_argument("--annotator", metavar="NAME", help="doccano: whose labels these are")

    assign = commands.add_parser(
        "assign", help="hand posts to annotators: each post to N of them, balanced"
    )
    assign.add_argument("project", metavar="PROJECT")
    assign.add_argument("--annotators", required=True, metavar="A,B,...", help="the team")
    assign.add_argument("--per-post", type=int, default=1, metavar="N", help="annotators a post")
    assign.add_argument(
        "--overlap",
        type=float,
        metavar="SHARE",
        help="only this share of posts (e.g. 0.2) gets --per-post annotators; the rest one",
    )
    assign.add_argument("--dataset", metavar="NAME", help="only posts of this dataset")
    assign.add_argument("--seed", type=int, default=0, help="seed of the deal (default 0)")

    pack_cmd = commands.add_parser(
        "pack", help="write one annotator's offline package (a project file of its own)"
    )
    pack_cmd.add_argument("project", metavar="PROJECT")
    pack_cmd.add_argument("out", metavar="OUT", type=Path, help="the package file to create")
    pack_cmd.add_argument("--annotator", required=True, metavar="NAME")

    merge_cmd = commands.add_parser(
        "merge", help="bring annotators' packages back: every label, note and change"
    )
    merge_cmd.add_argument("project", metavar="PROJECT")
    merge_cmd.add_argument("packages", metavar="PACKAGE", type=Path, nargs="+")

    people = commands.add_parser("rename-annotator", help="give an annotator a new name")
    people.add_argument("project", metavar="PROJECT")
    people.add_argument("old", metavar="OLD")
    people.add_argument("new", metavar="NEW")

    combine = commands.add_parser(
        "merge-annotators", help="make FROM a spelling of INTO: labels move, later one wins"
    )
    combine.add_argument("project", metavar="PROJECT")
    combine.add_argument("source", metavar="FROM")
    combine.add_argument("into", metavar="INTO")

    clusters = commands.add_parser(
        "clusters", help="groups of posts with the same or nearly the same text (campaigns)"
    )
    clusters.add_argument("project", metavar="PROJECT")
    clusters.add_argument("--min-size", type=int, default=2, metavar="N", help="smallest group")
    clusters.add_argument(
        "--threshold",
        type=float,
        metavar="J",
        help="near-duplicate similarity, above 0 and at most 1 (default: the project's, "
        "set in the Campaigns tab, else 0.7)",
    )
    clusters.add_argument("--json", action="store_true", help="print JSON instead of a table")

    export = commands.add_parser(
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
        "Studio tasks JSON (+ OUT.label_config.xml); doccano: doccano JSONL",
    )
    export.add_argument("--dataset", metavar="NAME", help="only posts of this dataset")
    export.add_argument("--label", metavar="KEY", help="only posts (annotations) with this label")
    export.add_argument("--annotator", metavar="NAME", help="only this annotator's labels")
    export.add_argument(
        "--split", metavar="TRAIN,DEV,TEST", help="training: e.g. 0.8,0.1,0.1, one file each"
    )
    export.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    export.add_argument(
        "--no-manifest", action="store_true", help="do not write OUT.manifest.json beside it"
    )

    stats = commands.add_parser(
        "stats", help="agreement statistics: kappa, alpha with 95%% CI, per label and question"
    )
    stats.add_argument("project", metavar="PROJECT")
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stats.add_argument("--dataset", metavar="NAME", help="only posts of this dataset")
    stats.add_argument(
        "--annotators", metavar="A,B,...", help="only these annotators (comma-separated)"
    )

    gui = commands.add_parser("gui", help="open the app, optionally on a project")
    gui.add_argument("project", metavar="PROJECT", nargs="?")
    gui.add_argument("--annotator", metavar="NAME", help="label as this annotator")

    # Hidden (no help): the packaged app's smoke test, run by packaging/smoke.sh. It
    # opens PROJECT in the real window offscreen, labels a post, exports it to OUT.
    self_test = commands.add_parser("self-test")
    self_test.add_argument("project", metavar="PROJECT")
    self_test.add_argument("out", metavar="OUT", type=Path)
    return parser


def _cmd_init(args: argparse.Namespace) -> int:
    project = init_project(args.project, args.label)
    project.close()
    print(f"Created project {project.location}.")
    return 0


def _cmd_sample(args: argparse.Namespace) -> int:
    project = build_sample_project(args.project, with_labels=not args.no_labels)
    project.close()
    print(f"Created the sample project {project.location}.")
    return 0


@contextmanager
def _terminal_progress(label: str) -> Iterator[ProgressCallback]:
    """A tqdm bar on stderr when it is a terminal; silent otherwise (scripts, CI)."""
    if not sys.stderr.isatty():
        yield no_progress
        return
    bar: tqdm[Any] | None = None

    def update(done: int, total: int, message: str) -> None:
        nonlocal bar
        if total <= 0:
            return
        if bar is None:
            bar = tqdm(total=total, desc=label, unit_scale=True, leave=False)
        bar.set_postfix_str(message, refresh=False)
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()


def _cmd_import(args: argparse.Namespace) -> int:
    with (
        closing(open_project(args.project)) as project,
        _terminal_progress(f"Importing {args.file.name}") as progress,
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
            ),
        )
    print(report.summary())
    for line in report.details():
        print(line)
    mapping = ", ".join(f"{field}={column}" for field, column in report.column_mapping.items())
    print(f"Columns used: {mapping}.")
    if not args.no_clusters:  # as the app does after every import
        with (
            closing(open_project(args.project)) as project,
            _terminal_progress("Finding campaigns") as progress,
        ):
            groups = find_clusters(project, progress=progress)
        print(f"{groups:,} groups of posts with the same text (annotator clusters lists them).")
    return 0


def _cmd_import_labels(args: argparse.Namespace) -> int:
    report: LabelImportReport
    with closing(open_project(args.project)) as project:
        if args.source == "label-studio":
            report = import_label_studio(project, args.file, dataset=args.dataset)
        elif args.source == "doccano":
            if not args.annotator:
                raise UserError("doccano files do not say who labeled: add --annotator NAME")
            report = import_doccano(
                project, args.file, annotator=args.annotator, dataset=args.dataset
            )
        else:
            report = import_labels(project, args.file, dataset=args.dataset)
    print(report.summary())
    return 0


def _cmd_assign(args: argparse.Namespace) -> int:
    with closing(open_project(args.project)) as project:
        report = assign_posts(
            project,
            args.annotators.split(","),
            per_post=args.per_post,
            overlap=args.overlap,
            dataset=args.dataset,
            seed=args.seed,
        )
    print(report.summary())
    return 0


def _cmd_pack(args: argparse.Namespace) -> int:
    with closing(open_project(args.project)) as project:
        count = pack(project, args.out, annotator=args.annotator)
    print(f"Packed {count:,} posts for {args.annotator} into {args.out}.")
    return 0


def _cmd_merge(args: argparse.Namespace) -> int:
    with closing(open_project(args.project)) as project:
        for package in args.packages:
            print(merge(project, package).summary())
    return 0


def _cmd_rename_annotator(args: argparse.Namespace) -> int:
    with closing(open_project(args.project)) as project:
        rename_annotator(project, args.old, args.new)
    print(f"Renamed {args.old} to {args.new}; their labels moved with them.")
    return 0


def _cmd_merge_annotators(args: argparse.Namespace) -> int:
    with closing(open_project(args.project)) as project:
        report = merge_annotators(project, args.source, args.into)
    print(report.summary(args.source, args.into))
    return 0


def _cmd_clusters(args: argparse.Namespace) -> int:
    if args.threshold is not None and not 0 < args.threshold <= 1:
        raise UserError("--threshold must be above 0 and at most 1, such as 0.7")
    with (
        closing(open_project(args.project)) as project,
        _terminal_progress("Finding campaigns") as progress,
    ):
        find_clusters(project, threshold=args.threshold, progress=progress)
        found = list_clusters(project, min_size=args.min_size)
    if args.json:
        print(json.dumps([c.to_json() for c in found], indent=2, ensure_ascii=False))
        return 0
    print(f"{len(found):,} groups of {args.min_size} or more posts with the same text")
    for cluster in found:
        first_line = " ".join(cluster.representative.split())[:90]
        print(
            f"  #{cluster.id:<5} {cluster.size:>6,} posts  {cluster.authors:>5,} accounts  "
            f"{cluster.first or '?'} .. {cluster.last or '?'}  {first_line}"
        )
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    options = ExportOptions(
        what=args.what,
        dataset=args.dataset,
        label=args.label,
        annotator=args.annotator,
        split=parse_split(args.split) if args.split else None,
        seed=args.seed,
        manifest=not args.no_manifest,
    )
    with (
        closing(open_project(args.project)) as project,
        _terminal_progress(f"Exporting {args.out.name}") as progress,
    ):
        result = export_any(project, args.out, options, progress=progress)
    print(result.summary())
    for warning in result.warnings:
        print(f"Warning: {warning}")
    if result.manifest is not None:
        print(f"Manifest: {result.manifest}")
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    names = (
        [n.strip() for n in args.annotators.split(",") if n.strip()] if args.annotators else None
    )
    with closing(open_project(args.project)) as project:
        report = agreement_report(project, dataset=args.dataset, annotators=names)
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print(report.to_table())
    return 0


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": _cmd_init,
    "sample": _cmd_sample,
    "import": _cmd_import,
    "import-labels": _cmd_import_labels,
    "assign": _cmd_assign,
    "clusters": _cmd_clusters,
    "pack": _cmd_pack,
    "merge": _cmd_merge,
    "rename-annotator": _cmd_rename_annotator,
    "merge-annotators": _cmd_merge_annotators,
    "export": _cmd_export,
    "stats": _cmd_stats,
}


def run_cli(
    argv: Sequence[str],
    *,
    launch_gui: GuiLauncher,
    self_test: SelfTestLauncher | None = None,
) -> int:
    """Run one command; user errors become one line on stderr and exit code 2."""
    try:
        args = build_parser().parse_args(list(argv))
        if args.command is None:
            return launch_gui(None, None)
        if args.command == "gui":
            return launch_gui(args.project, args.annotator)
        if args.command == "self-test":
            if self_test is None:
                raise UserError("self-test needs the app's window: run it as 'annotator'")
            return self_test(args.project, args.out)
        return _COMMANDS[args.command](args)
    except UserError as error:
        print(f"annotator: error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # The reader went away (`annotator clusters ... | head`): stop quietly.
        sys.stdout = Path(os.devnull).open("w")  # noqa: SIM115 - open until the exit
        return 0
    except KeyboardInterrupt:
        print("annotator: interrupted; nothing was changed by the unfinished step", file=sys.stderr)
        return 130
