"""What every command module shares with the parser: the subcommand table and handler type."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeAlias

#: What ``add_parser(subparsers)`` adds its commands to (argparse names the class privately).
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
#: A command's handler: the parsed arguments in, the exit code out.
Handler = Callable[[argparse.Namespace], int]
