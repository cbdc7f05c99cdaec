"""``stats``: agreement between annotators, as a table or JSON."""

from __future__ import annotations

import argparse
import json
from contextlib import closing

from annotator.cli.parsing import Subparsers


def add_parser(subparsers: Subparsers) -> None:
    stats = subparsers.add_parser(
        "stats", help="agreement statistics: kappa, alpha with 95%% CI, per label and question"
    )
    stats.add_argument("project", metavar="PROJECT")
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stats.add_argument("--dataset", metavar="NAME", help="only posts of this dataset")
    stats.add_argument(
        "--annotators", metavar="A,B,...", help="only these annotators (comma-separated)"
    )
    stats.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services.project.projects import open_project
    from annotator.services.review.agreement_report import agreement_report

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
