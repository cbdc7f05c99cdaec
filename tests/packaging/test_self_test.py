"""The hidden ``annotator self-test`` the bundle's smoke test runs: it passes and fails right."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from annotator.__main__ import main
from annotator.cli import build_parser, run_cli
from annotator.services.labeling.browsing import browse_rows
from annotator.services.project.projects import init_project, open_project
from annotator.services.project.sample_project import build_sample_project
from annotator.store.navigation import QueueMode
from annotator.ui.self_test import SELF_TEST_ANNOTATOR

pytestmark = pytest.mark.gui


def test_self_test_labels_a_post_in_the_window_and_exports_it(
    tmp_path: Path, qapp: object, capsys: pytest.CaptureFixture[str]
) -> None:
    location = tmp_path / "sample.annotator"
    build_sample_project(location).close()
    out = tmp_path / "labels.csv"

    assert main(["self-test", str(location), str(out)]) == 0

    said = capsys.readouterr().out
    assert said.startswith("annotator self-test: OK: labeled post ")
    external_id, key = said.split("labeled post ")[1].split(";")[0].split()
    with out.open(encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert (row["id"], row["annotator"], row["label"]) == (external_id, SELF_TEST_ANNOTATOR, key)
    # The database, read through the services: one post labeled by the self-test.
    project = open_project(location)
    try:
        labeled = browse_rows(project, QueueMode("label", key), SELF_TEST_ANNOTATOR)
    finally:
        project.close()
    assert [(r.external_id, r.label) for r in labeled] == [(external_id, key)]
    assert (tmp_path / "labels.csv.manifest.json").exists()


def test_self_test_fails_with_a_reason_when_there_is_nothing_to_label(
    tmp_path: Path, qapp: object, capsys: pytest.CaptureFixture[str]
) -> None:
    location = tmp_path / "empty.annotator"
    init_project(location).close()

    assert main(["self-test", str(location), str(tmp_path / "out.csv")]) == 1

    assert "annotator self-test: FAILED: the labeling view shows no post" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_self_test_is_hidden_and_needs_the_window(capsys: pytest.CaptureFixture[str]) -> None:
    assert "self-test" not in build_parser().format_help()
    assert run_cli(["self-test", "p", "o.csv"], launch_gui=lambda *_: 0) == 2
    assert "needs the app's window" in capsys.readouterr().err
