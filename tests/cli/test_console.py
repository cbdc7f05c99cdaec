"""The command line as a real process: what only a fresh interpreter can show."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from annotator import __version__
from tests.cli.conftest import annotator_process
from tests.conftest import SMALL_CSV, write_csv

# Builds the parser (and every command's help) the way `annotator --help` does, then
# reports which heavy libraries and which of the app's lower layers got imported.
_IMPORTS_OF_THE_PARSER = """
import json, sys
from annotator.cli import build_parser
parser = build_parser()
parser.format_help()
for name in ("import", "export", "stats", "clusters"):
    try:
        parser.parse_args([name, "--help"])
    except SystemExit:
        pass
heavy = ("pandas", "pyarrow", "numpy", "tqdm", "sqlalchemy", "sqlmodel", "PySide6", "scipy")
print(json.dumps({
    "heavy": [name for name in heavy if name in sys.modules],
    "layers": sorted(
        name for name in sys.modules if name.startswith(("annotator.services", "annotator.store"))
    ),
}))
"""


def test_version_through_a_real_process() -> None:
    result = annotator_process("--version")
    assert result.stdout == f"annotator {__version__}\n"
    assert result.stderr == ""


def test_building_the_parser_imports_no_heavy_library() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _IMPORTS_OF_THE_PARSER],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert loaded["heavy"] == []
    # Only the plain list of import format names, which `import --format` offers.
    assert loaded["layers"] == [
        "annotator.services",
        "annotator.services.imports",
        "annotator.services.imports.formats",
    ]


def test_import_and_export_round_trip_through_a_real_process(tmp_path: Path) -> None:
    project = tmp_path / "p.annotator"
    annotator_process("init", project)
    said = annotator_process("import", project, write_csv(tmp_path / "p.csv", SMALL_CSV)).stdout
    assert "read 4, imported 4" in said
    annotator_process("export", project, tmp_path / "out.csv")
    frame = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(frame["id"]) == ["00123", "1229871234567890123", "1229871234567890124", "42"]


def test_a_user_error_exits_2_through_the_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("annotator")
    if not script.exists():
        pytest.skip(f"no console script beside {sys.executable}: the package is not installed")
    result = subprocess.run(
        [str(script), "stats", str(tmp_path / "missing.annotator")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("annotator: error:") and "missing.annotator" in line
    assert result.stdout == ""
