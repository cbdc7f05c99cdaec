"""The baseline model: it learns, finds flipped labels, evaluates without leaks, and its
predictions are stored on both stores and survive a schema upgrade."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import inspect, text

from annotator.domain.errors import UserError
from annotator.services.imports.importing import import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.model.evaluation import fold_assignment
from annotator.services.model.report import ModelSettings
from annotator.services.model.stored_predictions import latest_report
from annotator.services.model.suggestions import find_suspects, next_posts
from annotator.services.model.training import train_model
from annotator.services.model.training_data import read_training_data, training_label
from annotator.services.project.project_settings import (
    retrain_after_labels,
    set_retrain_after_labels,
    set_show_model_suggestion,
    show_model_suggestion,
)
from annotator.services.project.projects import Project, init_project, open_project
from annotator.store.engine import schema_version
from annotator.store.tables import SCHEMA_VERSION, PostPrediction
from tests.services.model_data import LabeledSet, generate


def _project(target: str | Path, folder: Path, **options: object) -> tuple[Project, LabeledSet]:
    made = generate(folder, **options)  # type: ignore[arg-type]
    project = init_project(target)
    import_dataset(project, made.posts_csv)
    import_labels(project, made.labels_csv)
    return project, made


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, LabeledSet]:
    folder = tmp_path_factory.mktemp("model")
    project, made = _project(folder / "m.annotator", folder, posts=700, labeled=450, flip=0.06)
    train_model(project, ModelSettings(folds=5, seed=1))
    return project, made


def _external(post_id: str) -> str:
    return post_id.split("/", 1)[1]


def test_training_label_is_gold_else_a_strict_majority() -> None:
    assert training_label(["a", "b"], "c") == "c"
    assert training_label(["a", "a", "b"], None) == "a"
    assert training_label(["a", "b"], None) is None
    assert training_label([], None) is None


def test_model_beats_the_majority_baseline(trained: tuple[Project, LabeledSet]) -> None:
    project, made = trained
    report = latest_report(project)
    assert report is not None
    assert report.macro_f1 > report.baseline_macro_f1 + 0.3
    assert report.labels_used == len(made.given)
    assert report.predicted_posts == len(made.truth)
    assert report.grouped_by == "cluster" and len(report.learning_curve) >= 4
    assert set(report.to_json()) >= {
        "labels_used", "macro_f1", "accuracy", "per_label", "confusion", "learning_curve",
        "predicted_posts", "grouped_by", "model",
    }  # fmt: skip


def test_flipped_labels_rank_first_among_suspects(trained: tuple[Project, LabeledSet]) -> None:
    project, made = trained
    top = find_suspects(project, len(made.flipped))
    hits = sum(_external(s.post_id) in made.flipped for s in top)
    assert hits >= 0.6 * len(made.flipped)
    assert all(s.label != s.suggested for s in top[:5])


def test_uncertain_posts_are_unlabeled_and_less_confident(
    trained: tuple[Project, LabeledSet],
) -> None:
    project, made = trained
    found = next_posts(project, "ana", "uncertain", 20)
    assert len(found) == 20
    assert not {_external(p.post_id) for p in found} & set(made.given)
    pool = next_posts(project, "ana", "unlabeled", 1000)
    assert np.mean([p.margin for p in found]) < np.mean([p.margin for p in pool])
    assert np.mean([p.confidence for p in found]) < np.mean([p.confidence for p in pool])
    clusters = [p.cluster for p in found if p.cluster is not None]
    assert len(clusters) == len(set(clusters))


def test_no_cluster_straddles_folds(trained: tuple[Project, LabeledSet]) -> None:
    project, made = trained
    data = read_training_data(project, "cluster")
    labeled = np.flatnonzero(data.labeled)
    y = np.array([data.labels[i] for i in labeled])
    folds = fold_assignment(y, data.groups[labeled], 5, 1)
    by_key = dict(zip([data.keys[i] for i in labeled], folds.tolist(), strict=True))
    seen: dict[int, set[int]] = {}
    for key, fold in by_key.items():
        campaign = made.campaign_of.get(_external(key))
        if campaign is not None:
            seen.setdefault(campaign, set()).add(fold)
    assert seen and all(len(f) == 1 for f in seen.values())


def test_too_few_examples_of_a_label_names_it(tmp_path: Path) -> None:
    project, _ = _project(tmp_path / "few.annotator", tmp_path, posts=60, labeled=25, campaigns=0)
    with pytest.raises(
        UserError, match=r"Label '\w+' has \d resolved posts; 10-fold .* label \d+ more"
    ):
        train_model(project, ModelSettings(folds=10))
    project.close()


def test_too_few_labels(tmp_path: Path) -> None:
    project, _ = _project(tmp_path / "tiny.annotator", tmp_path, posts=30, labeled=8, campaigns=0)
    with pytest.raises(UserError, match="needs at least 20, so label 12 more"):
        train_model(project, ModelSettings())
    project.close()


def test_model_settings_default_to_no_suggestion(tmp_path: Path) -> None:
    project = init_project(tmp_path / "s.annotator")
    assert show_model_suggestion(project) is False
    set_show_model_suggestion(project, True)
    set_retrain_after_labels(project, 25)
    assert show_model_suggestion(project) and retrain_after_labels(project) == 25
    project.close()


def test_predictions_are_stored_and_replaced_on_both_stores(
    store_target: str, tmp_path: Path
) -> None:
    project, made = _project(store_target, tmp_path, posts=200, labeled=150, campaigns=4)
    train_model(project, ModelSettings(folds=3, group_by="author"))
    train_model(project, ModelSettings(folds=3, group_by="none"))
    with project.engine.connect() as connection:
        runs = connection.execute(text("SELECT count(*) FROM model_run")).scalar_one()
        rows = connection.execute(
            text("SELECT count(DISTINCT run_id), count(*) FROM post_prediction")
        ).one()
    assert runs == 2 and tuple(rows) == (1, len(made.truth))
    report = latest_report(project)
    assert report is not None and report.grouped_by == "none"
    # The write rebuilds the table's indexes on SQLite: all of them are back.
    found = {index["name"] for index in inspect(project.engine).get_indexes("post_prediction")}
    assert found == {index.name for index in PostPrediction.__table__.indexes}
    project.close()


def test_a_label_can_be_saved_while_the_predictions_are_being_written(tmp_path: Path) -> None:
    """On SQLite the rows are staged before the write lock is taken: another writer that
    does not wait at all (busy timeout 0) still gets through while they are made."""
    from datetime import UTC, datetime

    from annotator.services.model.stored_predictions import store_run
    from annotator.store.engine import busy_timeout

    project, _made = _project(tmp_path / "p.annotator", tmp_path, posts=60, labeled=40)
    other = open_project(tmp_path / "p.annotator")
    with project.engine.connect() as connection:
        ids = [row[0] for row in connection.execute(text("SELECT id FROM post ORDER BY id"))]
    written: list[int] = []

    def chunks():  # type: ignore[no-untyped-def]
        for start in range(0, len(ids), 20):
            with busy_timeout(0), other.session() as session:
                session.execute(
                    text("UPDATE project_meta SET value = :v WHERE key = 'probe'"),
                    {"v": str(start)},
                )
            written.append(start)
            yield [
                (post_id, "a", 0.9, 0.8, None, None, None, '{"a": 0.9}', 0)
                for post_id in ids[start : start + 20]
            ]

    store_run(
        project,
        trained_at=datetime.now(UTC),
        settings={},
        labels_hash="h",
        report={},
        chunks=chunks(),
    )
    assert written == [0, 20, 40]
    with project.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM post_prediction")).scalar() == 60
        assert connection.execute(text("SELECT count(*) FROM model_run")).scalar() == 1
    other.close()
    project.close()


def test_schema_11_project_upgrades_to_12(tmp_path: Path) -> None:
    path = tmp_path / "v11.annotator"
    project = init_project(path)
    with project.engine.begin() as connection:
        connection.execute(text("DROP TABLE post_prediction"))
        connection.execute(text("DROP TABLE model_run"))
        connection.execute(
            text("UPDATE project_meta SET value = '11' WHERE key = 'schema_version'")
        )
    project.close()
    upgraded = open_project(path)
    assert schema_version(upgraded) == SCHEMA_VERSION == 15
    with upgraded.engine.connect() as connection:
        assert inspect(connection).has_table("post_prediction")
    assert latest_report(upgraded) is None
    upgraded.close()


def test_predictions_appear_in_posts_exports_the_same_on_both_paths(
    store_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.services.exports import exporting
    from annotator.services.exports.exporting import ExportOptions, export_data

    project, made = _project(store_target, tmp_path, posts=120, labeled=90, campaigns=3)
    export_data(project, tmp_path / "before.csv", ExportOptions())
    assert "model_label" not in (tmp_path / "before.csv").read_text(encoding="utf-8-sig")
    train_model(project, ModelSettings(folds=3))
    export_data(project, tmp_path / "arrow.csv", ExportOptions())
    monkeypatch.setattr(exporting, "arrow_ready", lambda source: False)
    export_data(project, tmp_path / "frames.csv", ExportOptions())
    arrow = (tmp_path / "arrow.csv").read_text(encoding="utf-8-sig")
    assert arrow == (tmp_path / "frames.csv").read_text(encoding="utf-8-sig")
    header, first = list(csv.reader(io.StringIO(arrow)))[:2]
    assert header[-2:] == ["model_label", "model_confidence"]
    assert first[-2] in set(made.truth.values())
    assert 0 < float(first[-1]) <= 1
    project.close()


def test_large_projects_predict_in_two_processes_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.services.model import training

    project, _ = _project(tmp_path / "p.annotator", tmp_path, posts=150, labeled=100)
    train_model(project, ModelSettings(folds=3))
    serial = _predictions(project)
    monkeypatch.setattr(training, "PARALLEL_FROM", 0)
    monkeypatch.setattr(training, "PREDICT_CHUNK", 40)
    train_model(project, ModelSettings(folds=3))
    assert _predictions(project) == serial
    project.close()


def _predictions(project: Project) -> list[tuple[object, ...]]:
    with project.engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT post_id, label, round(margin, 5) FROM post_prediction ORDER BY post_id"
                )
            )
        ]


def test_a_cancelled_training_stores_nothing(tmp_path: Path) -> None:
    from annotator.domain.errors import CancelledError
    from annotator.domain.progress import CancelToken

    project, _ = _project(tmp_path / "c.annotator", tmp_path, posts=120, labeled=90)
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        train_model(project, ModelSettings(folds=3, group_by="none"), cancel=token)
    assert latest_report(project) is None
    project.close()


def test_a_project_without_near_copies_is_searched_for_clusters_once(tmp_path: Path) -> None:
    """No cluster is stored when no post has a near-copy; the search is still noted, so
    retraining (every N labels in the app) does not search the posts again each time."""
    from annotator.services.clusters.clustering import find_clusters

    project, _ = _project(tmp_path / "n.annotator", tmp_path, posts=120, labeled=90, campaigns=0)
    assert find_clusters(project, threshold=0.99) == 0
    report = train_model(project, ModelSettings(folds=3))
    assert report.grouped_by == "cluster"
    assert report.notes == []
    project.close()


def test_an_unreadable_stored_report_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    project, _ = _project(tmp_path / "r.annotator", tmp_path, posts=120, labeled=90)
    train_model(project, ModelSettings(folds=3, group_by="none"))
    with project.session() as session:
        session.execute(text("UPDATE model_run SET report = '{\"labels_used\": 3'"))
    with pytest.raises(UserError, match="stored model report is unreadable"):
        latest_report(project)
    with project.session() as session:
        session.execute(text("UPDATE model_run SET report = '{\"labels_used\": 3}'"))
    with pytest.raises(UserError, match="stored model report is unreadable"):
        latest_report(project)
    project.close()


def test_training_shares_the_machine_and_gives_its_settings_back(tmp_path: Path) -> None:
    """scipy's L-BFGS-B on several OpenBLAS threads made each fit 2-4x slower on two cores;
    the default 5 ms GIL switch interval made a keypress wait behind the training thread."""
    import sys

    from threadpoolctl import threadpool_info  # type: ignore[import-untyped]

    def blas_threads() -> set[int]:
        return {
            int(pool["num_threads"]) for pool in threadpool_info() if pool["user_api"] == "blas"
        }

    project, _ = _project(tmp_path / "t.annotator", tmp_path, posts=120, labeled=90)
    before = blas_threads(), sys.getswitchinterval()
    seen: list[tuple[set[int], float]] = []
    train_model(
        project, ModelSettings(folds=3, group_by="none"),
        progress=lambda done, total, message: seen.append(
            (blas_threads(), sys.getswitchinterval())
        ),
    )  # fmt: skip
    project.close()
    assert seen and all(found == ({1}, 0.001) for found in seen)
    assert (blas_threads(), sys.getswitchinterval()) == before
