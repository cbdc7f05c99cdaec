"""``gold``: gold decisions taken in a spreadsheet, recorded as the Review tab records them."""

from __future__ import annotations

import argparse
import getpass
from contextlib import closing
from pathlib import Path

from annotator.cli.parsing import Subparsers
from annotator.domain.errors import UserError


def add_parser(subparsers: Subparsers) -> None:
    gold = subparsers.add_parser(
        "gold",
        help="record gold labels from a CSV or xlsx file (post_id, label[, note]; "
        "an xlsx export's Posts sheet with gold_label filled in)",
    )
    gold.add_argument("project", metavar="PROJECT")
    gold.add_argument("file", metavar="FILE", type=Path)
    gold.add_argument("--dataset", metavar="NAME", help="match post ids in this dataset only")
    gold.add_argument("--sheet", metavar="NAME", help="xlsx: the sheet to read (default: first)")
    gold.add_argument(
        "--by", metavar="NAME", help="who decided, for the history (default: your user name)"
    )
    gold.set_defaults(handler=run)


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError) as error:  # no login name in this environment
        raise UserError("cannot tell who you are: name the decider with --by NAME") from error


def run(args: argparse.Namespace) -> int:
    from annotator.services.project.projects import open_project
    from annotator.services.review.gold_import import import_gold

    decided_by = (args.by if args.by is not None else _user_name()).strip()
    if not decided_by:
        raise UserError("--by: give the decider's name")
    with closing(open_project(args.project)) as project:
        report = import_gold(
            project, args.file, decided_by=decided_by, dataset=args.dataset, sheet=args.sheet
        )
    print(report.summary())
    return 0
