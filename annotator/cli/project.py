"""``init`` and ``sample``: commands that create a project."""

from __future__ import annotations

import argparse

from annotator.cli.parsing import Subparsers


def add_parser(subparsers: Subparsers) -> None:
    """Add ``init`` and ``sample``, in the order ``--help`` lists them."""
    init = subparsers.add_parser("init", help="create a new project")
    init.add_argument("project", metavar="PROJECT", help="project file or database URL")
    init.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="LABEL",
        help="a codebook label as you write it (0, Yes, 'Not sure') or KEY=DISPLAY NAME, in "
        "order; repeat it (keys 1-9 apply the first nine). Without it: the default codebook",
    )
    init.set_defaults(handler=run_init)

    sample = subparsers.add_parser(
        "sample", help="create a project holding the shipped sample posts and labels"
    )
    sample.add_argument("project", metavar="PROJECT", help="new project file or database URL")
    sample.add_argument("--no-labels", action="store_true", help="posts only, nobody's labels")
    sample.set_defaults(handler=run_sample)


def run_init(args: argparse.Namespace) -> int:
    from annotator.services.project.projects import init_project

    project = init_project(args.project, args.label)
    project.close()
    print(f"Created project {project.location}.")
    return 0


def run_sample(args: argparse.Namespace) -> int:
    from annotator.services.project.sample_project import build_sample_project

    project = build_sample_project(args.project, with_labels=not args.no_labels)
    project.close()
    print(f"Created the sample project {project.location}.")
    return 0
