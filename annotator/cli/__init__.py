"""The command line: one module per command (or small group), its parser beside its handler.

Never imports Qt; heavy libraries and the services load inside the handlers only.
"""

from __future__ import annotations

from annotator.cli.main import EXIT_USER_ERROR, build_parser, run_cli

__all__ = ["EXIT_USER_ERROR", "build_parser", "run_cli"]
