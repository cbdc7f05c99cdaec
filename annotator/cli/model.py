"""``model``, ``suspects`` and ``next``: the baseline model in the loop."""

from __future__ import annotations

import argparse
import json
from contextlib import closing

from annotator.cli.parsing import Subparsers
from annotator.cli.progress import terminal_progress


def add_parser(subparsers: Subparsers) -> None:
    model = subparsers.add_parser(
        "model", help="train and evaluate the baseline model, and predict every post"
    )
    model.add_argument("project", metavar="PROJECT")
    model.add_argument("--folds", type=int, default=5, metavar="K", help="cross-validation folds")
    model.add_argument("--seed", type=int, default=0, metavar="N", help="random seed")
    model.add_argument(
        "--group-by",
        choices=("cluster", "author", "none"),
        default="cluster",
        help="what stays inside one fold (default: cluster of near-identical posts)",
    )
    model.add_argument("--json", action="store_true", help="print JSON instead of a table")
    model.set_defaults(handler=run_model)
    suspects = subparsers.add_parser(
        "suspects", help="labeled posts whose label the model finds least likely"
    )
    suspects.add_argument("project", metavar="PROJECT")
    suspects.add_argument("--limit", type=int, default=20, metavar="N")
    suspects.add_argument("--json", action="store_true", help="print JSON instead of a table")
    suspects.set_defaults(handler=run_suspects)
    following = subparsers.add_parser("next", help="the posts an annotator's queue shows next")
    following.add_argument("project", metavar="PROJECT")
    following.add_argument("--annotator", required=True, metavar="NAME")
    following.add_argument(
        "--strategy", choices=("unlabeled", "uncertain", "suspects"), default="unlabeled"
    )
    following.add_argument("--limit", type=int, default=10, metavar="N")
    following.add_argument("--json", action="store_true", help="print JSON instead of a table")
    following.set_defaults(handler=run_next)


def run_model(args: argparse.Namespace) -> int:
    from annotator.services.model.report import ModelSettings
    from annotator.services.model.training import train_model
    from annotator.services.project.projects import open_project

    settings = ModelSettings(folds=args.folds, seed=args.seed, group_by=args.group_by)
    with (
        closing(open_project(args.project)) as project,
        terminal_progress("Training the model") as progress,
    ):
        report = train_model(project, settings, progress=progress)
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return 0
    for note in report.notes:
        print(note)
    print(
        f"{report.labels_used:,} labels, {report.folds}-fold grouped by {report.grouped_by}: "
        f"macro-F1 {report.macro_f1:.3f} (majority baseline {report.baseline_macro_f1:.3f}), "
        f"accuracy {report.accuracy:.3f}"
    )
    print(f"  {'label':<28} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
    for label, s in report.per_label.items():
        print(
            f"  {label:<28} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} "
            f"{int(s['support']):>8,}"
        )
    curve = ", ".join(f"{int(p['n']):,}: {p['macro_f1']:.3f}" for p in report.learning_curve)
    print(f"Learning curve (training labels: macro-F1): {curve}")
    print(f"Predicted {report.predicted_posts:,} posts.")
    return 0


def run_suspects(args: argparse.Namespace) -> int:
    from annotator.services.model.suggestions import find_suspects
    from annotator.services.project.projects import open_project

    with closing(open_project(args.project)) as project:
        found = find_suspects(project, args.limit)
    if args.json:
        print(json.dumps([s.to_json() for s in found], indent=2, ensure_ascii=False))
        return 0
    print(f"{len(found)} posts whose label the model finds least likely")
    for s in found:
        print(f"  {s.post_id:<30} {s.label:<24} -> {s.suggested:<24} {s.confidence:.2f}")
    return 0


def run_next(args: argparse.Namespace) -> int:
    from annotator.services.model.suggestions import next_posts
    from annotator.services.project.projects import open_project

    with closing(open_project(args.project)) as project:
        found = next_posts(project, args.annotator, args.strategy, args.limit)
    if args.json:
        print(json.dumps([p.to_json() for p in found], indent=2, ensure_ascii=False))
        return 0
    print(f"Next {len(found)} posts for {args.annotator} ({args.strategy})")
    for p in found:
        guess = "" if p.predicted is None else f"{p.predicted} {p.confidence:.2f}"
        print(f"  {p.post_id:<30} {guess}")
    return 0
