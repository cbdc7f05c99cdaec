"""The bulk annotation write gives exactly what one change at a time gives: the same
outcomes, the same annotations and the same history, in the same order."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from annotator.domain.records import AnnotationChange, EvidenceSpan
from annotator.services.imports.importing import import_dataset
from annotator.services.project.projects import Project, init_project
from annotator.store.bulk_annotations import apply_annotation_changes
from annotator.store.queries import annotator_id, apply_annotation_change, load_codebook
from tests.conftest import needs_server, write_csv

POSTS = 8
#: "ana (laptop)" is a spelling the lead merged into "ana": both write ana's annotations.
NAMES = ("ana", "ben", "Cem", "ana (laptop)")


def _project(folder: Path, target: str | None = None) -> Project:
    folder.mkdir(exist_ok=True)
    rows = "".join(f"p{i},post number {i} #ad,user{i}\n" for i in range(POSTS))
    project = init_project(target or folder / "test.annotator")
    import_dataset(project, write_csv(folder / "posts.csv", "id,text,author\n" + rows))
    with project.session() as session:
        ana = annotator_id(session, "ana")
        session.execute(
            text("INSERT INTO annotator (name, created_at, merged_into) VALUES (:n, :t, :m)"),
            {"n": "ana (laptop)", "t": "2026-01-01 00:00:00", "m": ana},
        )
        session.commit()
    return project


def _random_changes(rng: random.Random, keys: tuple[str, ...], n: int) -> list[AnnotationChange]:
    """Few posts and few states, so the same pair comes back often: adds, updates,
    unchanged repeats, removals and removals of nothing all occur."""
    changes = []
    for _ in range(n):
        label = rng.choice((*keys, None))
        changes.append(
            AnnotationChange(
                post_id=rng.randint(1, POSTS),
                annotator=rng.choice(NAMES),
                label_key=label,
                notes=rng.choice(("", "says #ad")),
                sponsor=rng.choice(("", "GlowCo")) if label else "",
                evidence=rng.choice(((), (EvidenceSpan(0, 4, "post"),))),
                seconds_spent=rng.choice((0.0, 4.5)),
            )
        )
    return changes


def _annotations(project: Project) -> list[tuple[Any, ...]]:
    with project.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT a.post_id, n.name, a.label_key, a.notes, a.sponsor, a.evidence, "
                "a.seconds_spent FROM annotation a JOIN annotator n ON n.id = a.annotator_id "
                "ORDER BY a.post_id, n.name"
            )
        )
        return [_plain(row) for row in rows]


def _history(project: Project) -> list[tuple[Any, ...]]:
    with project.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT e.post_id, n.name, e.action, e.label_key, e.previous_label_key, e.notes, "
                "e.sponsor, e.evidence, e.seconds_spent FROM annotation_event e "
                "JOIN annotator n ON n.id = e.annotator_id ORDER BY e.id"
            )
        )
        return [_plain(row) for row in rows]


def _plain(row: Any) -> tuple[Any, ...]:
    """A row with its JSON as values: SQLite gives the text, PostgreSQL the parsed value."""
    return tuple(json.loads(value) if isinstance(value, str) and value[:1] == "[" else value
                 for value in row)  # fmt: skip


def _times(project: Project) -> dict[tuple[int, str], tuple[str, str]]:
    with project.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT a.post_id, n.name, a.created_at, a.updated_at FROM annotation a "
                "JOIN annotator n ON n.id = a.annotator_id"
            )
        )
        return {(int(row[0]), row[1]): (str(row[2]), str(row[3])) for row in rows}


@pytest.mark.parametrize("seed", range(6))
def test_bulk_equals_one_by_one(tmp_path: Path, seed: int) -> None:
    _compare(_project(tmp_path / "one"), _project(tmp_path / "bulk"), seed)


@needs_server
@pytest.mark.parametrize("seed", range(2))
def test_bulk_on_postgresql_equals_one_by_one(tmp_path: Path, database: str, seed: int) -> None:
    """The bulk write on PostgreSQL against one change at a time on SQLite."""
    _compare(_project(tmp_path / "one"), _project(tmp_path / "bulk", database), seed)


def _compare(one: Project, bulk: Project, seed: int) -> None:
    rng = random.Random(seed)
    with one.session() as session:
        keys = load_codebook(session).keys
    before = _random_changes(rng, keys, 12)
    batch = _random_changes(rng, keys, 80)
    for project in (one, bulk):
        with project.session() as session:
            for change in before:
                apply_annotation_change(session, change)
            session.commit()
    times_before = _times(bulk)

    with one.session() as session:
        expected = [apply_annotation_change(session, change) for change in batch]
        session.commit()
    with bulk.session() as session:
        outcomes = apply_annotation_changes(session, batch)
        session.commit()

    assert outcomes.each == expected
    assert {"added", "updated", "unchanged", "removed"} <= set(expected)
    assert (outcomes.added, outcomes.updated, outcomes.unchanged, outcomes.removed) == tuple(
        expected.count(name) for name in ("added", "updated", "unchanged", "removed")
    )
    assert _annotations(bulk) == _annotations(one)
    assert _history(bulk) == _history(one)
    removed = {
        (change.post_id, "ana" if change.annotator == "ana (laptop)" else change.annotator)
        for change, outcome in zip(batch, expected, strict=True)
        if outcome == "removed"
    }
    after = _times(bulk)
    assert after.keys() == _times(one).keys()
    for pair, (created, updated) in after.items():
        assert created <= updated
        if pair in times_before and pair not in removed:  # kept rows keep when they were made
            assert created == times_before[pair][0]
    with bulk.engine.connect() as connection:
        uids, distinct = connection.execute(
            text("SELECT count(uid), count(DISTINCT uid) FROM annotation_event")
        ).one()
    assert uids == distinct == len(_history(bulk))
    one.close()
    bulk.close()


def test_a_failing_batch_writes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path)
    good = AnnotationChange(post_id=1, annotator="ana", label_key="not_sponsored")
    bad = AnnotationChange(post_id=2, annotator="ben", label_key="not_sponsored", seconds_spent=-1)
    with pytest.raises(IntegrityError), project.session() as session:
        apply_annotation_changes(session, [good, bad])
        session.commit()
    assert _annotations(project) == []
    assert _history(project) == []
    project.close()
