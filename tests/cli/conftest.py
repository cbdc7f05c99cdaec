"""Run the command line in this process (fast), or as a real process where that matters."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotator.cli import run_cli


@dataclass(frozen=True)
class CliResult:
    """What a script sees of one command: named like ``subprocess.CompletedProcess``."""

    returncode: int
    stdout: str
    stderr: str


CliRunner = Callable[..., CliResult]


def _no_window(project: str | None, annotator_name: str | None) -> int:
    raise AssertionError(f"the command line opened the app ({project=}, {annotator_name=})")


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """``cli(*args, check=True)`` runs ``annotator ARGS`` through ``run_cli`` in this process.

    ``check`` asserts exit code 0. argparse's own exits (``--help``, ``--version``) become
    their exit code, as a process would report them.
    """

    def run(*args: str | Path, check: bool = True) -> CliResult:
        capsys.readouterr()  # whatever the test printed before is not this command's output
        try:
            code = run_cli([str(arg) for arg in args], launch_gui=_no_window)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 0
        out, err = capsys.readouterr()
        if check:
            assert code == 0, err
        return CliResult(code, out, err)

    return run


def annotator_process(
    *args: str | Path, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``python -m annotator ARGS`` as a real process, for what only a process shows."""
    result = subprocess.run(
        [sys.executable, "-m", "annotator", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result
