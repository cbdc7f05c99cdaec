"""The model's queues walked in SQL: "informative" in (round, margin, id) order among the
posts an annotator has not labeled, "suspects" by own-label probability, on both stores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import inspect, text

from annotator.services.imports.importing import import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.model.queue_order import spread_rounds
from annotator.services.model.report import ModelSettings
from annotator.services.model.suggestions import find_suspects
from annotator.services.model.training import train_model
from annotator.services.project.projects import Project, init_project, open_project
from annotator.store.browse import count_browse
from annotator.store.engine import schema_version
from annotator.store.navigation import (
    QueueMode,
    annotator_id_of,
    contains,
    count_in_mode,
    first_id,
    next_id,
    previous_id,
)
from annotator.store.tables import SCHEMA_VERSION
from tests.services.model_data import generate

INFORMATIVE, SUSPECTS = QueueMode("informative"), QueueMode("suspects")


@pytest.fixture
def trained(store_target: str, tmp_path: Path) -> Project:
    made = generate(tmp_path, posts=160, labeled=100, campaigns=5, copies=6, flip=0.05)
    project = init_project(store_target)
    import_dataset(project, made.posts_csv)
    import_labels(project, made.labels_csv)
    train_model(project, ModelSettings(folds=3, seed=1))
    yield project
    project.close()


def _rows(project: Project) -> list[tuple[int, int, float, float | None, bool]]:
    """(post, round, margin, own-label probability, labeled by ana) of every prediction."""
    with project.engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT p.post_id, p.spread_round, p.margin, p.own_label_probability,"
                " EXISTS (SELECT 1 FROM annotation a JOIN annotator n ON n.id = a.annotator_id"
                "  WHERE a.post_id = p.post_id AND n.name = 'ana')"
                " FROM post_prediction p"
            )
        ).all()
    return [(int(r[0]), int(r[1]), float(r[2]), r[3], bool(r[4])) for r in found]


def _walk(project: Project, mode: QueueMode, who: str) -> tuple[list[int], list[int]]:
    """The mode's posts forwards from the first, and backwards from the last."""
    with project.session() as session:
        annotator = annotator_id_of(session, who)
        forwards: list[int] = []
        step = first_id(session, mode, annotator)
        while step is not None:
            forwards.append(step)
            step = next_id(session, mode, annotator, step, unlabeled=False)
        backwards: list[int] = []
        step = forwards[-1] if forwards else None
        while step is not None:
            backwards.append(step)
            step = previous_id(session, mode, annotator, step)
    return forwards, backwards


def test_informative_walks_round_margin_id_among_my_unlabeled_posts(trained: Project) -> None:
    rows = _rows(trained)
    expected = [r[0] for r in sorted((r for r in rows if not r[4]), key=lambda r: r[1:3] + r[:1])]
    forwards, backwards = _walk(trained, INFORMATIVE, "ana")
    assert forwards == expected and backwards == expected[::-1]
    labeled = {r[0] for r in rows if r[4]}
    assert labeled and not labeled & set(forwards)
    with trained.session() as session:
        ana = annotator_id_of(session, "ana")
        assert count_in_mode(session, INFORMATIVE, ana) == len(expected)
        assert [count_in_mode(session, INFORMATIVE, ana, up_to=p) for p in expected[:5]] == [
            1, 2, 3, 4, 5,
        ]  # fmt: skip
        assert not contains(session, INFORMATIVE, ana, next(iter(labeled)))
        # The Browse tab lists the same posts (in its own column order).
        assert count_browse(session, INFORMATIVE, ana) == len(expected)
        assert count_browse(session, SUSPECTS, ana) == sum(r[3] is not None for r in rows)
        # Someone who labeled nothing walks every prediction, in the same order.
        everyone = sorted(rows, key=lambda r: r[1:3] + r[:1])
        assert count_in_mode(session, INFORMATIVE, None) == len(everyone)
    assert _walk(trained, INFORMATIVE, "bo")[0] == [r[0] for r in everyone]


def test_informative_spreads_clusters_round_by_round(trained: Project) -> None:
    with trained.engine.connect() as connection:
        found = connection.execute(text("SELECT post_id, cluster_id FROM cluster_member"))
        cluster_of = {int(r[0]): int(r[1]) for r in found}
    forwards, _ = _walk(trained, INFORMATIVE, "bo")
    margin = {r[0]: r[2] for r in _rows(trained)}
    first_round = [
        p for p in forwards if not (p in cluster_of and _seen_before(p, forwards, cluster_of))
    ]
    # One post of each cluster (its smallest margin), and every post in no cluster, first.
    assert forwards[: len(first_round)] == first_round
    clusters = [cluster_of[p] for p in first_round if p in cluster_of]
    assert len(clusters) == len(set(clusters)) == len(set(cluster_of.values())) >= 3
    for post in first_round:
        mates = [p for p, c in cluster_of.items() if c == cluster_of.get(post)]
        assert all(margin[post] <= margin[p] for p in mates)
    assert len(forwards) > len(first_round)


def _seen_before(post: int, order: list[int], cluster_of: dict[int, int]) -> bool:
    before = order[: order.index(post)]
    return any(cluster_of.get(p) == cluster_of[post] for p in before)


def test_suspects_walk_least_likely_own_label_first(trained: Project) -> None:
    rows = [r for r in _rows(trained) if r[3] is not None]
    expected = [r[0] for r in sorted(rows, key=lambda r: (r[3], r[0]))]
    forwards, backwards = _walk(trained, SUSPECTS, "ana")
    assert forwards == expected and backwards == expected[::-1]
    assert forwards[:10] == [s.database_id for s in find_suspects(trained, 10)]
    with trained.session() as session:
        ana = annotator_id_of(session, "ana")
        assert count_in_mode(session, SUSPECTS, ana) == len(expected)
        assert count_in_mode(session, SUSPECTS, ana, up_to=expected[3]) == 4


def test_model_queues_are_empty_without_predictions(tmp_path: Path) -> None:
    made = generate(tmp_path, posts=20, labeled=5)
    project = init_project(tmp_path / "p.annotator")
    import_dataset(project, made.posts_csv)
    with project.session() as session:
        for mode in (INFORMATIVE, SUSPECTS):
            assert first_id(session, mode, None) is None
            assert next_id(session, mode, None, 3, unlabeled=True) is None
            assert previous_id(session, mode, None, 3) is None
            assert count_in_mode(session, mode, None) == 0
    project.close()


def test_spread_rounds_count_within_each_cluster_by_margin() -> None:
    clusters = np.array([7, -1, 7, 3, 7, -1, 3])
    margins = np.array([0.5, 0.1, 0.2, 0.9, 0.2, 0.0, 0.3])
    post_ids = np.array([1, 2, 3, 4, 5, 6, 7])
    assert spread_rounds(clusters, margins, post_ids).tolist() == [2, 0, 0, 1, 1, 0, 0]


def _opened_from_version(path: Path, version: int, statements: list[str]) -> Project:
    """A new project made to look as ``version`` left it (``statements``), opened again:
    the upgrade runs, and it must reach today's version."""
    project = init_project(path)
    with project.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
        connection.execute(
            text("UPDATE project_meta SET value = :v WHERE key = 'schema_version'"),
            {"v": str(version)},
        )
    project.close()
    upgraded = open_project(path)
    assert schema_version(upgraded) == SCHEMA_VERSION == 15
    return upgraded


def test_schema_12_project_upgrades_to_13(tmp_path: Path) -> None:
    upgraded = _opened_from_version(
        tmp_path / "v12.annotator",
        12,
        [
            "DROP INDEX ix_post_prediction_informative",
            "DROP INDEX ix_post_prediction_suspects",
            "DROP INDEX ix_annotation_annotator_post",
            "ALTER TABLE post_prediction DROP COLUMN spread_round",
        ],
    )
    with upgraded.engine.connect() as connection:
        table = inspect(connection)
        assert "spread_round" in {c["name"] for c in table.get_columns("post_prediction")}
        assert {"ix_post_prediction_informative", "ix_post_prediction_suspects"} <= {
            i["name"] for i in table.get_indexes("post_prediction")
        }
        assert "ix_annotation_annotator_post" in {
            i["name"] for i in table.get_indexes("annotation")
        }
    upgraded.close()


def test_schema_14_project_upgrades_to_15_without_the_two_covered_indexes(
    tmp_path: Path,
) -> None:
    upgraded = _opened_from_version(
        tmp_path / "v14.annotator",
        14,
        [
            "CREATE INDEX ix_post_prediction_margin ON post_prediction (margin)",
            "CREATE INDEX ix_post_prediction_own_label_probability "
            "ON post_prediction (own_label_probability)",
        ],
    )
    with upgraded.engine.connect() as connection:
        names = {i["name"] for i in inspect(connection).get_indexes("post_prediction")}
    assert names == {"ix_post_prediction_informative", "ix_post_prediction_suspects"}
    upgraded.close()
