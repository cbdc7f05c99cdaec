"""The wheel works installed outside the repository: version, resources, CLI and window.

The wheel is built from this checkout and installed into a fresh venv. Its dependencies
(PySide6 and the rest) are made visible from the test's own venv by a ``.pth`` line
naming that venv's site-packages, written after the install so pip never sees them:
nothing is downloaded, and only the installed wheel can provide ``annotator``, since a
plain path line does not run the editable install's own ``.pth`` hook.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import annotator
from annotator.domain.codebook import default_codebook
from annotator.domain.markers import load_markers

REPO = Path(__file__).resolve().parents[2]
SAMPLES = ("sample_posts.csv", "sample_labels.csv")

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Installed:
    """A fresh venv holding only the built wheel, and a scratch folder outside the repo."""

    wheel: Path
    venv: Path
    work: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def run(self, *args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
        """A command from the venv's bin/, run in the scratch folder, as a user would."""
        command = [str(self.venv / "bin" / str(args[0])), *map(str, args[1:])]
        result = subprocess.run(
            command,
            cwd=self.work,
            env=_clean_env(self.venv, self.work, env),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
        return result


def _clean_env(venv: Path, work: Path, extra: dict[str, str]) -> dict[str, str]:
    """No PYTHONPATH or venv of the repo's; home and Qt's folders inside the scratch area."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(
        HOME=str(work / "home"),
        XDG_CONFIG_HOME=str(work / "home" / ".config"),
        XDG_DATA_HOME=str(work / "home" / ".local" / "share"),
        QT_QPA_PLATFORM="offscreen",
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
    )
    env.update(extra)
    return env


def _site_packages(python: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    output = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return Path(output.stdout.strip())


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    dist, venv, work = base / "dist", base / "venv", base / "work"
    work.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run(
        [*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", dist, REPO],
        check=True,
        capture_output=True,
    )
    [wheel] = dist.glob("annotator-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    subprocess.run(
        [*pip, "--python", venv / "bin" / "python", "install", "--quiet", "--no-deps",
         "--no-index", wheel],
        check=True,
        capture_output=True,
    )  # fmt: skip
    shared = Path(sysconfig.get_paths()["purelib"])
    (_site_packages(venv / "bin" / "python") / "_test_dependencies.pth").write_text(
        f"{shared}\n", encoding="utf-8"
    )
    return Installed(wheel=wheel, venv=venv, work=work)


def test_one_version_in_the_wheel_the_app_and_export_manifests(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        [metadata] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        lines = wheel.read(metadata).decode().splitlines()
    assert f"Version: {annotator.__version__}" in lines
    assert installed.wheel.name.startswith(f"annotator-{annotator.__version__}-")

    assert installed.run("annotator", "--version").stdout.strip() == (
        f"annotator {annotator.__version__}"
    )

    installed.run("annotator", "sample", "versions.annotator")
    installed.run("annotator", "export", "versions.annotator", "posts.csv")
    manifest = json.loads((installed.work / "posts.csv.manifest.json").read_text("utf-8"))
    assert manifest["app_version"] == annotator.__version__


def _every_resource() -> list[str]:
    root = REPO / "resources"
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


LOAD_EVERYTHING = textwrap.dedent(
    """
    import json, sys
    from importlib.metadata import version

    import annotator
    from annotator.app import ensure_application
    from annotator.domain.codebook import default_codebook
    from annotator.domain.markers import load_markers
    from annotator.resource_files import resource_path, resources_dir, sample_file

    missing = []
    for relative in json.loads(sys.argv[1]):
        try:
            resource_path(relative)
        except FileNotFoundError:
            missing.append(relative)
    app = ensure_application()
    print(json.dumps({
        "module": annotator.__file__,
        "version": version("annotator"),
        "resources": str(resources_dir()),
        "missing": missing,
        "labels": [label.key for label in default_codebook().labels],
        "markers": [marker.source for marker in load_markers()],
        "stylesheet": app.styleSheet(),
        "icon_widths": [app.windowIcon().pixmap(s, s).width() for s in (16, 48, 512, 1024)],
        "samples": [str(sample_file(name)) for name in json.loads(sys.argv[2])],
    }))
    """
)


def test_every_resource_loads_from_the_installed_package(installed: Installed) -> None:
    wanted = _every_resource()
    assert "style.qss" in wanted and "icons/annotator.svg" in wanted
    loaded = installed.run("python", "-c", LOAD_EVERYTHING, json.dumps(wanted), json.dumps(SAMPLES))
    found = json.loads(loaded.stdout)
    venv = installed.venv.resolve()
    # The installed copy, not this checkout: module, resources and samples.
    assert Path(found["module"]).resolve().is_relative_to(venv), found["module"]
    assert Path(found["resources"]).resolve().is_relative_to(venv)
    assert found["missing"] == []
    assert found["version"] == annotator.__version__
    assert found["labels"] == [label.key for label in default_codebook().labels]
    assert found["markers"] == [marker.source for marker in load_markers()]
    assert found["stylesheet"] == (REPO / "resources" / "style.qss").read_text("utf-8")
    # 1024 px is larger than any PNG: only the SVG (Qt's SVG icon engine) gives it.
    assert found["icon_widths"] == [16, 48, 512, 1024]
    for sample, name in zip(found["samples"], SAMPLES, strict=True):
        path = Path(sample).resolve()
        assert path.is_relative_to(venv) and path.name == name
        assert path.read_bytes() == (REPO / "datasets" / name).read_bytes()


def test_sample_project_and_window_from_the_installed_package(installed: Installed) -> None:
    created = installed.run("annotator", "sample", "demo.annotator")
    assert "Created the sample project" in created.stdout
    assert (installed.work / "demo.annotator").stat().st_size > 0
    # The real start-up path (error handlers, log file, event loop), quitting by itself.
    installed.run(
        "annotator", "gui", "demo.annotator", "--annotator", "wheel",
        ANNOTATOR_QUIT_AFTER_MS="800",
    )  # fmt: skip
    logs = list((installed.work / "home").rglob("annotator.log"))
    assert logs, "the GUI start-up did not run to its logging set-up"
