"""Entry point: no arguments opens the app, a subcommand runs the command line."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def _launch_gui(project: str | None, annotator_name: str | None) -> int:
    """Import Qt only when a window is wanted, so the command line stays Qt-free."""
    from annotator.app import run_app

    return run_app(project=project, annotator_name=annotator_name)


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the GUI or the command line."""
    from annotator.cli import run_cli

    args = list(sys.argv[1:] if argv is None else argv)
    return run_cli(args, launch_gui=_launch_gui)


if __name__ == "__main__":
    sys.exit(main())
