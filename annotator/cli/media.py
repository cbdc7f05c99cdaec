"""``fetch-media``: fetch the pictures of posts that are web addresses, or turn the
project's switch for it on or off."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import TYPE_CHECKING, Any

from annotator.cli.parsing import Subparsers
from annotator.domain.errors import UserError
from annotator.domain.web_pictures import FETCH_PRIVACY

if TYPE_CHECKING:
    from annotator.domain.progress import CancelToken
    from annotator.services.project.projects import Project


def add_parser(subparsers: Subparsers) -> None:
    fetch = subparsers.add_parser(
        "fetch-media",
        help="fetch the pictures of posts that are web addresses (off until --enable)",
        description="Fetch the pictures that import found as web addresses and store them in "
        "the project, a few per second per site, with timeouts and a size limit. Fetching "
        f"is off for a new project; --enable turns it on. {FETCH_PRIVACY}",
    )
    fetch.add_argument("project", metavar="PROJECT")
    switch = fetch.add_mutually_exclusive_group()
    switch.add_argument(
        "--enable",
        action="store_true",
        help="turn fetching on for this project (and say what it tells the platforms)",
    )
    switch.add_argument("--disable", action="store_true", help="turn fetching off for this project")
    fetch.add_argument(
        "--retry-failed",
        action="store_true",
        help="also try again the pictures whose fetch failed before",
    )
    fetch.add_argument("--json", action="store_true", help="print the counts as JSON")
    fetch.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from annotator.services.project.project_settings import set_fetch_media
    from annotator.services.project.projects import open_project

    if (args.enable or args.disable) and args.retry_failed:
        raise UserError("--retry-failed fetches; run it without --enable or --disable")
    with closing(open_project(args.project)) as project:
        if args.enable or args.disable:
            set_fetch_media(project, bool(args.enable))
            if args.json:
                print(json.dumps({"fetch_media": bool(args.enable)}))
            elif args.enable:
                print(
                    f"Fetching pictures from the web is on for {project.location}. "
                    f"{FETCH_PRIVACY} Run 'annotator fetch-media {args.project}' to fetch."
                )
            else:
                print(f"Fetching pictures from the web is off for {project.location}.")
            return 0
        return _fetch(project, args)


def _fetch(project: Project, args: argparse.Namespace) -> int:
    from annotator.cli.progress import terminal_progress
    from annotator.domain.progress import CancelToken
    from annotator.services.media.fetching import fetch_pictures

    cancel = CancelToken()
    with terminal_progress("Fetching pictures") as progress, _ctrl_c_cancels(cancel):
        report = fetch_pictures(
            project, retry_failed=args.retry_failed, progress=progress, cancel=cancel
        )
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.summary())
    return 0


@contextmanager
def _ctrl_c_cancels(cancel: CancelToken) -> Iterator[None]:
    """The first Ctrl+C stops after the picture under way and keeps what was fetched
    (the summary still prints); a second one interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: Any) -> None:
        print("annotator: stopping after the picture under way…", file=sys.stderr, flush=True)
        cancel.cancel()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
