"""``assign``, ``pack``, ``merge``, ``rename-annotator``, ``merge-annotators``: the team's work."""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path

from annotator.cli.parsing import Subparsers


def add_parser(subparsers: Subparsers) -> None:
    """Add the team's commands, in the order ``--help`` lists them."""
    assign = subparsers.add_parser(
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
    assign.set_defaults(handler=run_assign)

    pack_cmd = subparsers.add_parser(
        "pack", help="write one annotator's offline package (a project file of its own)"
    )
    pack_cmd.add_argument("project", metavar="PROJECT")
    pack_cmd.add_argument("out", metavar="OUT", type=Path, help="the package file to create")
    pack_cmd.add_argument("--annotator", required=True, metavar="NAME")
    pack_cmd.set_defaults(handler=run_pack)

    merge_cmd = subparsers.add_parser(
        "merge", help="bring annotators' packages back: every label, note and change"
    )
    merge_cmd.add_argument("project", metavar="PROJECT")
    merge_cmd.add_argument("packages", metavar="PACKAGE", type=Path, nargs="+")
    merge_cmd.set_defaults(handler=run_merge)

    people = subparsers.add_parser("rename-annotator", help="give an annotator a new name")
    people.add_argument("project", metavar="PROJECT")
    people.add_argument("old", metavar="OLD")
    people.add_argument("new", metavar="NEW")
    people.set_defaults(handler=run_rename_annotator)

    combine = subparsers.add_parser(
        "merge-annotators", help="make FROM a spelling of INTO: labels move, later one wins"
    )
    combine.add_argument("project", metavar="PROJECT")
    combine.add_argument("source", metavar="FROM")
    combine.add_argument("into", metavar="INTO")
    combine.set_defaults(handler=run_merge_annotators)


def run_assign(args: argparse.Namespace) -> int:
    from annotator.domain.people import clean_name, name_key
    from annotator.services.project.projects import open_project
    from annotator.services.team.assignment import assign_posts

    team: dict[str, str] = {}
    for raw in args.annotators.split(","):
        if raw.strip():
            name = clean_name(raw)
            team.setdefault(name_key(name), name)
    with closing(open_project(args.project)) as project:
        report = assign_posts(
            project,
            list(team.values()),
            per_post=args.per_post,
            overlap=args.overlap,
            dataset=args.dataset,
            seed=args.seed,
        )
    print(report.summary())
    return 0


def run_pack(args: argparse.Namespace) -> int:
    from annotator.services.project.projects import open_project
    from annotator.services.team.packing import pack

    with closing(open_project(args.project)) as project:
        count = pack(project, args.out, annotator=args.annotator)
    print(f"Packed {count:,} posts for {args.annotator} into {args.out}.")
    return 0


def run_merge(args: argparse.Namespace) -> int:
    from annotator.services.project.projects import open_project
    from annotator.services.team.packages import merge

    with closing(open_project(args.project)) as project:
        for package in args.packages:
            print(merge(project, package).summary())
    return 0


def run_rename_annotator(args: argparse.Namespace) -> int:
    from annotator.services.project.projects import open_project
    from annotator.services.team.annotators import rename_annotator

    with closing(open_project(args.project)) as project:
        new = rename_annotator(project, args.old, args.new)
    print(f"Renamed {args.old} to {new}; their labels moved with them.")
    return 0


def run_merge_annotators(args: argparse.Namespace) -> int:
    from annotator.services.project.projects import open_project
    from annotator.services.team.annotators import merge_annotators

    with closing(open_project(args.project)) as project:
        report = merge_annotators(project, args.source, args.into)
    print(report.summary(args.source, args.into))
    return 0
