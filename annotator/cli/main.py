"""The command line's parser and dispatcher: each command lives in its own module.

Building the parser imports only argparse and the command modules; a command's handler
imports the services (and so pandas, pyarrow, SQLAlchemy) when it runs, which keeps
``annotator --version`` and ``--help`` fast. Errors the user can fix go to stderr as one
sentence with exit code 2.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from annotator import __version__
from annotator.cli import (
    clusters,
    exporting,
    gold,
    gui,
    importing,
    media,
    model,
    project,
    stats,
    team,
)
from annotator.cli.gui import GuiLauncher, SelfTestLauncher
from annotator.cli.parsing import Handler, Subparsers
from annotator.domain.errors import ProjectBusyError, UserError, machine_error

EXIT_USER_ERROR = 2
#: Each command module's ``add_parser``, in the order ``annotator --help`` lists the commands.
_ADD_PARSERS = (
    project.add_parser,
    importing.add_parser,
    media.add_parser,
    team.add_parser,
    gold.add_parser,
    clusters.add_parser,
    exporting.add_parser,
    stats.add_parser,
    model.add_parser,
    gui.add_parser,
)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage mistakes the same way as every other user error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{message} (see 'annotator {self.prog.split()[-1]} --help')")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; each module adds its commands and their handlers."""
    parser = _Parser(
        prog="annotator",
        description="Label social-media posts as not sponsored, sponsored and disclosed, "
        "or sponsored but undisclosed. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    commands: Subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser
    )
    for add_parser in _ADD_PARSERS:
        add_parser(commands)
    return parser


#: How long a command waits for other programs writing to the same project (a lead's
#: script running several imports at once): generous, as a person would wait.
WRITER_WAIT_SECONDS = 600.0
#: A wait shorter than this goes unmentioned.
SAY_WAITING_AFTER_SECONDS = 1.0
#: Pause between attempts while another program writes.
WRITER_RETRY_SECONDS = 0.25


def run_waiting_for_writers(
    handler: Handler,
    args: argparse.Namespace,
    *,
    limit: float = WRITER_WAIT_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run the command; while another program holds the project's write lock, wait for
    it (saying so once on stderr) and run it again, up to ``limit`` seconds.

    Safe to repeat: every command that writes lands whole or not at all (a busy project
    raises before anything is committed), and merging a package twice changes nothing.
    SQLite's own busy wait does not cover this: in WAL mode a transaction that read
    before it writes gets "database is locked" at once when another writer went first.
    """
    started = clock()
    said = False
    while True:
        try:
            return handler(args)
        except ProjectBusyError:
            waited = clock() - started
            if waited >= limit:
                raise
            if not said and waited >= SAY_WAITING_AFTER_SECONDS:
                project = getattr(args, "project", "the project")
                print(
                    f"annotator: another program is writing to {project}; waiting for it "
                    f"(up to {limit / 60:.0f} minutes, Ctrl+C stops)…",
                    file=sys.stderr,
                    flush=True,
                )
                said = True
            sleep(WRITER_RETRY_SECONDS * (1 + random.random()))


def run_cli(
    argv: Sequence[str],
    *,
    launch_gui: GuiLauncher,
    self_test: SelfTestLauncher | None = None,
) -> int:
    """Run one command; user errors become one line on stderr and exit code 2."""
    try:
        args = build_parser().parse_args(list(argv))
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:  # no command, `gui` or `self-test`: they need the window
            return gui.run(args, launch_gui=launch_gui, self_test=self_test)
        return run_waiting_for_writers(handler, args)
    except UserError as error:
        print(f"annotator: error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # The reader went away (`annotator clusters ... | head`): stop quietly.
        sys.stdout = Path(os.devnull).open("w")  # noqa: SIM115 - open until the exit
        return 0
    except Exception as error:
        # A disk or a database server failing outside a project session: still one
        # sentence (never a traceback with the statement's parameters) when it is one;
        # anything else is a bug and keeps its traceback. (Caught broadly so that the
        # parser never imports SQLAlchemy to name its error class.)
        found = machine_error(error)
        if found is None:
            raise
        print(f"annotator: error: {found}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("annotator: interrupted; nothing was changed by the unfinished step", file=sys.stderr)
        return 130
