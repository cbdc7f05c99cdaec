"""Progress of long commands on a terminal, without loading tqdm until a command runs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from annotator.domain.progress import ProgressCallback, no_progress


@contextmanager
def terminal_progress(label: str) -> Iterator[ProgressCallback]:
    """A tqdm bar on stderr when it is a terminal; silent otherwise (scripts, CI)."""
    if not sys.stderr.isatty():
        yield no_progress
        return
    from tqdm import tqdm

    bar: tqdm[Any] | None = None

    def update(done: int, total: int, message: str) -> None:
        nonlocal bar
        if total <= 0:
            return
        if bar is None:
            bar = tqdm(total=total, desc=label, unit_scale=True, leave=False)
        bar.set_postfix_str(message, refresh=False)
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()
