"""Only regular files are read as projects, packages and inputs: opening a FIFO blocks
until some other program writes to it (forever, as a rule), and a device or socket is
never a file a person meant."""

from __future__ import annotations

import stat
from pathlib import Path

from annotator.domain.errors import UserError


def non_regular_kind(path: Path) -> str | None:
    """What ``path`` is when it exists and is not a regular file (``stat.S_ISREG``,
    following links, so a link to a file is a file); None otherwise."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def require_regular_file(path: Path, *, error: type[UserError] = UserError) -> None:
    """Refuse, in one sentence, a path that exists but is not a regular file, before
    anything opens it (and blocks)."""
    kind = non_regular_kind(path)
    if kind is not None:
        raise error(f"{path}: is {kind}, not a file; give the path of a regular file")
