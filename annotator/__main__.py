"""Entry point: no arguments opens the app, a subcommand runs the command line."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def _launch_gui(project: str | None, annotator_name: str | None) -> int:
    """Import Qt only when a window is wanted, so the command line stays Qt-free."""
    from annotator.app import run_app

    return run_app(project=project, annotator_name=annotator_name)


def _launch_self_test(project: str, out: Path) -> int:
    """The packaged app's smoke test drives the real window, so it also lives behind Qt."""
    from annotator.app import run_self_test

    return run_self_test(project, out)


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the GUI or the command line."""
    from annotator.cli import run_cli

    args = list(sys.argv[1:] if argv is None else argv)
    return run_cli(args, launch_gui=_launch_gui, self_test=_launch_self_test)


if __name__ == "__main__":
    sys.exit(main())
