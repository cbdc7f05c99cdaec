"""Several programs writing one project at once wait their turn; none fails, none loses."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli.main import run_waiting_for_writers
from annotator.domain.errors import ProjectBusyError
from annotator.services.imports.importing import import_dataset
from annotator.services.project.projects import init_project, open_project
from annotator.store.queries import iter_annotations
from tests.conftest import write_csv

POSTS = 6000


def test_a_busy_project_is_waited_for_then_the_command_runs_once_more(
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = [0.0]
    attempts: list[float] = []

    def handler(_args: argparse.Namespace) -> int:
        attempts.append(now[0])
        if len(attempts) < 6:
            raise ProjectBusyError("p: another program is writing to the project")
        return 0

    def sleep(seconds: float) -> None:
        now[0] += seconds

    args = argparse.Namespace(project="study.annotator")
    assert run_waiting_for_writers(handler, args, clock=lambda: now[0], sleep=sleep) == 0
    assert len(attempts) == 6
    said = capsys.readouterr().err
    assert said.count("another program is writing to study.annotator; waiting") == 1


def test_the_wait_has_a_limit(capsys: pytest.CaptureFixture[str]) -> None:
    now = [0.0]

    def handler(_args: argparse.Namespace) -> int:
        raise ProjectBusyError("p: another program is writing to the project")

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(ProjectBusyError):
        run_waiting_for_writers(
            handler, argparse.Namespace(), limit=5, clock=lambda: now[0], sleep=sleep
        )


@pytest.mark.slow
def test_three_label_imports_at_once_all_land(tmp_path: Path) -> None:
    location = tmp_path / "team.annotator"
    project = init_project(location)
    rows = "".join(f"p{i},post number {i} about things\n" for i in range(POSTS))
    import_dataset(project, write_csv(tmp_path / "posts.csv", "id,text\n" + rows))
    project.close()
    keys = ["not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"]
    files = []
    for who in ("ana", "ben", "cam"):
        lines = "".join(f"p{i},{who},{keys[(i + len(who)) % 3]}\n" for i in range(POSTS))
        files.append(write_csv(tmp_path / f"{who}.csv", "post_id,annotator,label\n" + lines))
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "annotator", "import-labels", str(location), str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    outcomes = [child.communicate(timeout=300) for child in children]
    for child, (_out, err) in zip(children, outcomes, strict=True):
        assert child.returncode == 0, err
        assert "database is locked" not in err
    project = open_project(location)
    try:
        with project.session() as session:
            saved = list(iter_annotations(session))
    finally:
        project.close()
    assert len(saved) == 3 * POSTS
    assert {a.annotator for a in saved} == {"ana", "ben", "cam"}
