"""The one place that knows where shipped resources (codebooks, icons, styles) live.

In a wheel they sit inside the package (``annotator/resources``); in a source
checkout or an editable install they are the repository's top-level ``resources/``.
The sample data is the repository's ``datasets/``, shipped as ``resources/samples``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    installed = _PACKAGE_DIR / "resources"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "resources"


def resource_path(relative: str) -> Path:
    """Path of a shipped resource; raises FileNotFoundError naming it when missing."""
    path = resources_dir() / relative
    if not path.exists():
        raise FileNotFoundError(f"resource {relative!r} is missing from {resources_dir()}")
    return path


def sample_file(name: str) -> Path:
    """Path of a shipped sample data file (``sample_posts.csv``, ``sample_labels.csv``)."""
    for folder in (_PACKAGE_DIR / "resources" / "samples", _PACKAGE_DIR.parent / "datasets"):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"sample file {name!r} is missing from the installed package")
