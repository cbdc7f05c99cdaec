"""``gui`` (and no command at all) opens the app; the hidden ``self-test`` drives its window.

Both need Qt, which the command line never imports: ``annotator.__main__`` passes in the
launchers that do.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from annotator.cli.parsing import Subparsers
from annotator.domain.errors import UserError

GuiLauncher = Callable[[str | None, str | None], int]
SelfTestLauncher = Callable[[str, Path], int]


def add_parser(subparsers: Subparsers) -> None:
    """Add ``gui`` and the hidden ``self-test``; neither sets a handler, see :func:`run`."""
    gui = subparsers.add_parser("gui", help="open the app, optionally on a project")
    gui.add_argument("project", metavar="PROJECT", nargs="?")
    gui.add_argument("--annotator", metavar="NAME", help="label as this annotator")

    # Hidden (no help): the packaged app's smoke test, run by packaging/smoke.sh. It
    # opens PROJECT in the real window offscreen, labels a post, exports it to OUT.
    self_test = subparsers.add_parser("self-test")
    self_test.add_argument("project", metavar="PROJECT")
    self_test.add_argument("out", metavar="OUT", type=Path)


def run(
    args: argparse.Namespace,
    *,
    launch_gui: GuiLauncher,
    self_test: SelfTestLauncher | None,
) -> int:
    """Open the app (no command or ``gui``) or run the self-test through the given launchers."""
    if args.command == "self-test":
        if self_test is None:
            raise UserError("self-test needs the app's window: run it as 'annotator'")
        return self_test(args.project, args.out)
    if args.command == "gui":
        from annotator.domain.people import clean_name

        return launch_gui(args.project, clean_name(args.annotator) if args.annotator else None)
    return launch_gui(None, None)
