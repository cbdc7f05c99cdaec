"""Offline packages: pack, label in the package, merge back; idempotent, order-free, safe."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange
from annotator.services.labeling.annotating import current_annotation, save_annotation
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.projects import Project, init_project, open_project
from annotator.services.team.assignment import assign_posts
from annotator.services.team.packages import merge
from annotator.services.team.packing import pack
from annotator.store.navigation import QueueMode
from annotator.store.queries import annotation_history, iter_annotations

KEYS = ["not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"]


def _ids(project: Project, who: str) -> list[int]:
    queue = LabelingQueue(project, who, QueueMode("assigned"))
    ids = []
    post = queue.first()
    while post is not None and post not in ids:
        ids.append(post)
        queue.go_to_post(post)
        post = queue.current_id if queue.go_next() else None
    return ids


def _label(project: Project, post_id: int, who: str, key: str | None, notes: str = "") -> None:
    save_annotation(
        project, AnnotationChange(post_id=post_id, annotator=who, label_key=key, notes=notes)
    )


def _state(project: Project) -> dict[tuple[str, str], tuple[str, str]]:
    from annotator.store.queries import get_post

    with project.session() as session:
        return {
            (get_post(session, a.post_id).external_id, a.annotator): (a.label_key, a.notes)
            for a in iter_annotations(session)
        }


@pytest.fixture
def team(small_project: Project) -> Project:
    assign_posts(small_project, ["ana", "ben"], per_post=1, seed=4)
    return small_project


def test_pack_label_offline_and_merge_back(team: Project, tmp_path: Path) -> None:
    mine = _ids(team, "ana")
    _label(team, mine[0], "ana", "not_sponsored", "before packing")
    count = pack(team, tmp_path / "ana.annotator", annotator="ana")
    assert count == len(mine) == 2
    package = open_project(tmp_path / "ana.annotator")
    assert set(_state(package)) == {(k, "ana") for k, _ in _state(team)}
    offline = _ids(package, "ana")
    assert len(offline) == 2
    _label(package, offline[0], "ana", "sponsored_disclosed", "changed my mind")
    from annotator.services.labeling.marks import FLAG, marks_of, set_mark

    set_mark(package, post_id=offline[1], annotator="ana", kind=FLAG, on=True, note="ask lead")
    _label(package, offline[1], "ana", "sponsored_undisclosed", "coordinated")
    package.close()
    report = merge(team, tmp_path / "ana.annotator")
    assert (report.annotations_updated, report.annotations_added) == (1, 1)
    assert report.events_added == 2 and report.events_known == 1
    assert report.marks_added == 1
    flagged = [p for p in mine if marks_of(team, post_id=p, annotator="ana") == {FLAG}]
    assert len(flagged) == 1
    first = current_annotation(team, post_id=mine[0], annotator="ana")
    assert first is not None and (first.label_key, first.notes) == (
        "sponsored_disclosed",
        "changed my mind",
    )
    with team.session() as session:
        history = annotation_history(session, post_id=mine[0])
    assert [key for _, _, key in history] == ["not_sponsored", "sponsored_disclosed"]
    again = merge(team, tmp_path / "ana.annotator")
    assert again.events_added == 0 and again.annotations_updated == 0


def test_the_later_change_wins_whichever_side_made_it(team: Project, tmp_path: Path) -> None:
    post = _ids(team, "ana")[0]
    pack(team, tmp_path / "ana.annotator", annotator="ana")
    package = open_project(tmp_path / "ana.annotator")
    _label(package, _ids(package, "ana")[0], "ana", "sponsored_disclosed", "offline")
    package.close()
    _label(team, post, "ana", "not_sponsored", "at the office, later")
    merge(team, tmp_path / "ana.annotator")
    latest = current_annotation(team, post_id=post, annotator="ana")
    assert latest is not None and latest.notes == "at the office, later"
    with team.session() as session:
        assert len(annotation_history(session, post_id=post)) == 2


def test_foreign_and_altered_packages_are_refused(team: Project, tmp_path: Path) -> None:
    pack(team, tmp_path / "ana.annotator", annotator="ana")
    other = init_project(tmp_path / "other.annotator")
    with pytest.raises(UserError, match="another project"):
        merge(other, tmp_path / "ana.annotator")
    other.close()
    altered = tmp_path / "altered.annotator"
    shutil.copy(tmp_path / "ana.annotator", altered)
    raw = sqlite3.connect(altered)
    raw.execute("DROP TRIGGER post_search_update")  # a forger would
    raw.execute("UPDATE post SET text = text || '!' WHERE id = (SELECT min(id) FROM post)")
    raw.commit()
    raw.close()
    before = _state(team)
    with pytest.raises(UserError, match="altered"):
        merge(team, altered)
    assert _state(team) == before
    with pytest.raises(UserError, match="not an annotator package"):
        merge(team, Path(team.location))
    _label(team, _ids(team, "ana")[0], "zoe", "not_sponsored")
    with pytest.raises(UserError, match="nothing is assigned to zoe"):
        pack(team, tmp_path / "zoe.annotator", annotator="zoe")
    with pytest.raises(UserError, match="no annotator 'yan'"):
        pack(team, tmp_path / "yan.annotator", annotator="yan")


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["ana", "ben"]), st.integers(0, 1), st.sampled_from([*KEYS, None])
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_merging_in_any_order_and_twice_gives_the_same_project(
    small_csv: Path, tmp_path_factory: pytest.TempPathFactory, edits: list
) -> None:
    from annotator.services.imports.importing import import_dataset

    folder = tmp_path_factory.mktemp("merge")
    base = init_project(folder / "base.annotator")
    import_dataset(base, small_csv)
    assign_posts(base, ["ana", "ben"], per_post=2, seed=1)
    packages = {}
    for who in ("ana", "ben"):
        packages[who] = folder / f"{who}.annotator"
        pack(base, packages[who], annotator=who)
    for who, index, key in edits:
        package = open_project(packages[who])
        _label(package, _ids(package, who)[index], who, key, f"{who}-{index}-{key}")
        package.close()
    results = []
    for order in (("ana", "ben"), ("ben", "ana", "ana", "ben")):
        copy = folder / f"copy-{len(results)}.annotator"
        base.close()
        shutil.copy(folder / "base.annotator", copy)
        base = open_project(folder / "base.annotator")
        target = open_project(copy)
        for who in order:
            merge(target, packages[who])
        results.append(_state(target))
        target.close()
    base.close()
    assert results[0] == results[1]


def test_the_package_carries_the_projects_marker_list(team: Project, tmp_path: Path) -> None:
    from annotator.domain.markers import find_markers
    from annotator.services.project.project_settings import marker_list, set_marker_list

    assert find_markers("#werbung", marker_list(team))  # the shipped list by default
    set_marker_list(team, "#teammarker\npaid by the campaign\n")
    pack(team, tmp_path / "ana.annotator", annotator="ana")
    package = open_project(tmp_path / "ana.annotator")
    markers = marker_list(package)
    package.close()
    assert [m.text for m in find_markers("Paid by the campaign #teammarker #werbung", markers)] == [
        "Paid by the campaign",
        "#teammarker",
    ]
