"""``annotator model``, ``suspects`` and ``next`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import CliRunner
from tests.services.model_data import generate


def _labeled_project(tmp_path: Path, cli: CliRunner, **options: int) -> Path:
    made = generate(tmp_path, **options)  # type: ignore[arg-type]
    project = tmp_path / "m.annotator"
    cli("init", project)
    cli("import", project, made.posts_csv)
    cli("import-labels", project, made.labels_csv)
    return project


def test_model_suspects_and_next_print_the_issue_keys(tmp_path: Path, cli: CliRunner) -> None:
    project = _labeled_project(tmp_path, cli, posts=300, labeled=200)
    report = json.loads(cli("model", project, "--json", "--folds", "3", "--seed", "2").stdout)
    assert {"labels_used", "macro_f1", "accuracy", "per_label", "confusion", "learning_curve",
            "predicted_posts", "grouped_by", "model"} <= set(report)  # fmt: skip
    assert report["labels_used"] == 200 and report["predicted_posts"] == 300
    assert report["grouped_by"] == "cluster" and len(report["learning_curve"]) >= 4
    assert set(report["model"]) == {"features", "classifier"}
    suspects = json.loads(cli("suspects", project, "--limit", "5", "--json").stdout)
    assert len(suspects) == 5
    assert set(suspects[0]) >= {"post_id", "label", "suggested", "confidence"}
    assert suspects[0]["post_id"].startswith("posts/")
    batch = json.loads(
        cli("next", project, "--annotator", "ana", "--strategy", "uncertain", "--json").stdout
    )
    assert len(batch) == 10 and all(p["margin"] is not None for p in batch)
    table = cli("model", project, "--group-by", "author", "--folds", "3").stdout
    assert "macro-F1" in table and "grouped by author" in table


def test_too_few_examples_exit_2_naming_the_label(tmp_path: Path, cli: CliRunner) -> None:
    project = _labeled_project(tmp_path, cli, posts=60, labeled=25, campaigns=0)
    result = cli("model", project, "--folds", "10", check=False)
    assert result.returncode == 2
    assert "Label '" in result.stderr and "more (or use --folds" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_suspects_and_next_without_a_model_say_to_train(tmp_path: Path, cli: CliRunner) -> None:
    project = _labeled_project(tmp_path, cli, posts=40, labeled=10, campaigns=0)
    for args in (("suspects", project), ("next", project, "--annotator", "ana", "--strategy",
                                          "uncertain")):  # fmt: skip
        result = cli(*args, check=False)
        assert result.returncode == 2 and "annotator model" in result.stderr
    unlabeled = json.loads(cli("next", project, "--annotator", "ana", "--json").stdout)
    assert len(unlabeled) == 10 and all(p["predicted"] is None for p in unlabeled)


def test_a_limit_below_one_is_refused(tmp_path: Path, cli: CliRunner) -> None:
    project = _labeled_project(tmp_path, cli, posts=40, labeled=10, campaigns=0)
    result = cli("next", project, "--annotator", "ana", "--limit", "0", check=False)
    assert result.returncode == 2 and "--limit must be 1 or more" in result.stderr
