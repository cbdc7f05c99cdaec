"""``clusters``: clusters of posts with the same or nearly the same text."""

from __future__ import annotations

import argparse
import json
from contextlib import closing

from annotator.cli.parsing import Subparsers
from annotator.cli.progress import terminal_progress
from annotator.domain.errors import UserError


def add_parser(subparsers: Subparsers) -> None:
    clusters = subparsers.add_parser(
        "clusters", help="clusters of posts with the same or nearly the same text"
    )
    clusters.add_argument("project", metavar="PROJECT")
    clusters.add_argument("--min-size", type=int, default=2, metavar="N", help="smallest group")
    clusters.add_argument(
        "--threshold",
        type=float,
        metavar="J",
        help="near-duplicate similarity, above 0 and at most 1 (default: the project's, "
        "set in the Clusters tab, else 0.55)",
    )
    clusters.add_argument("--json", action="store_true", help="print JSON instead of a table")
    clusters.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services.clusters.clustering import find_clusters, list_clusters
    from annotator.services.project.projects import open_project

    if args.threshold is not None and not 0 < args.threshold <= 1:
        raise UserError("--threshold must be above 0 and at most 1, such as 0.7")
    with (
        closing(open_project(args.project)) as project,
        terminal_progress("Finding clusters") as progress,
    ):
        find_clusters(project, threshold=args.threshold, progress=progress)
        found = list_clusters(project, min_size=args.min_size)
    if args.json:
        print(json.dumps([c.to_json() for c in found], indent=2, ensure_ascii=False))
        return 0
    print(f"{len(found):,} clusters of {args.min_size} or more near-identical posts")
    for cluster in found:
        first_line = " ".join(cluster.representative.split())[:90]
        print(
            f"  #{cluster.id:<5} {cluster.size:>6,} posts  {cluster.authors:>5,} accounts  "
            f"{cluster.first or '?'} .. {cluster.last or '?'}  {first_line}"
        )
    return 0
