"""Forged packages: a real ``pack`` output edited with sqlite3, as a careless or dishonest
annotator would; merge refuses it naming the row, or applies only what the annotator may say."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange
from annotator.services.labeling.annotating import current_annotation, save_annotation
from annotator.services.project.projects import Project, open_project
from annotator.services.team.assignment import assign_posts
from annotator.services.team.packages import merge
from annotator.services.team.packing import pack
from annotator.store.queries import iter_annotations


@pytest.fixture
def team(small_project: Project) -> Project:
    assign_posts(small_project, ["ana", "ben"], per_post=1, seed=4)
    return small_project


def _state(project: Project) -> set[tuple[int, str, str]]:
    with project.session() as session:
        return {(a.post_id, a.annotator, a.label_key) for a in iter_annotations(session)}


def _packed(team: Project, folder: Path) -> Path:
    out = folder / "ana.annotator"
    pack(team, out, annotator="ana")
    return out


def _forge(package: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Edit the package as a forger would, removing the guards that stand in the way."""
    raw = sqlite3.connect(package)
    raw.execute("DROP TRIGGER IF EXISTS annotation_event_no_update")
    raw.execute("DROP TRIGGER IF EXISTS post_search_update")
    for sql, parameters in statements:
        raw.execute(sql, parameters)
    raw.commit()
    raw.close()


def _add_event(package: Path, *, who: str, post_id: int | None = None, **values: object) -> None:
    """Insert an event (a copy of nothing: every column given) by ``who``."""
    raw = sqlite3.connect(package)
    raw.execute(
        "INSERT OR IGNORE INTO annotator(name, created_at) VALUES (?, '2026-01-01 00:00:00')",
        (who,),
    )
    who_id = raw.execute("SELECT id FROM annotator WHERE name = ?", (who,)).fetchone()[0]
    post = post_id or raw.execute("SELECT min(id) FROM post").fetchone()[0]
    row = {
        "action": "set",
        "label_key": "sponsored_disclosed",
        "notes": "",
        "sponsor": "",
        "evidence": "[]",
        "seconds_spent": 1.0,
        "at": "2026-01-01 10:00:00.000000",
        "uid": f"forged-{time.monotonic_ns()}",
    } | values
    raw.execute(
        "INSERT INTO annotation_event (post_id, annotator_id, action, label_key, notes, sponsor,"
        " evidence, seconds_spent, at, uid) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (post, who_id, *row.values()),
    )
    raw.commit()
    raw.close()


def _refused(team: Project, package: Path, match: str) -> None:
    before = _state(team)
    backups = Path(team.location).parent / f".{Path(team.location).name}.backups"
    kept = sorted(backups.iterdir()) if backups.exists() else []
    with pytest.raises(UserError, match=match):
        merge(team, package)
    assert _state(team) == before
    assert (sorted(backups.iterdir()) if backups.exists() else []) == kept  # no backup either


@pytest.mark.parametrize("who", ["ben", "mallory", "\u0430na"])  # Cyrillic a
def test_an_event_by_another_annotator_refuses_the_package(
    team: Project, tmp_path: Path, who: str
) -> None:
    package = _packed(team, tmp_path)
    _add_event(package, who=who)
    _refused(team, package, rf"annotation_event row \d+ is by '{who}', not by .*'ana'")


def test_a_removal_of_bens_label_is_refused(team: Project, tmp_path: Path) -> None:
    package = _packed(team, tmp_path)
    _add_event(package, who="ben", action="remove", label_key=None)
    _refused(team, package, "is by 'ben'")


def test_an_event_on_a_post_not_assigned_to_the_annotator_is_refused(
    team: Project, tmp_path: Path
) -> None:
    package = _packed(team, tmp_path)
    with team.session() as session:
        theirs = (
            session.connection()
            .exec_driver_sql(
                "SELECT p.external_id, p.dataset_id, p.text, p.content_hash FROM post p WHERE p.id "
                "NOT IN (SELECT post_id FROM assignment a JOIN annotator n ON n.id = a.annotator_id"
                " WHERE n.name = 'ana')"
            )
            .first()
        )
    assert theirs is not None
    raw = sqlite3.connect(package)
    dataset = raw.execute("SELECT min(id) FROM dataset").fetchone()[0]
    cursor = raw.execute(
        "INSERT INTO post (dataset_id, external_id, text, extra, content_hash) "
        "VALUES (?, ?, ?, '{}', ?)",
        (dataset, theirs[0], theirs[2], theirs[3]),
    )
    raw.commit()
    raw.close()
    _add_event(package, who="ana", post_id=cursor.lastrowid)
    _refused(team, package, r"annotation_event row \d+ is on a post not assigned to 'ana'")


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ({"evidence": json.dumps("abc")}, "evidence 'abc'; it must be a list of spans"),
        (
            {"evidence": json.dumps([{"start": -5, "end": 999999, "quote": "x"}])},
            "evidence span -5-999999, outside the post text",
        ),
        (
            {"evidence": json.dumps([{"start": 0, "end": 2, "quote": "zz"}])},
            "quoting 'zz'",
        ),
        ({"seconds_spent": float("inf")}, "seconds_spent inf; it must be a finite"),
        ({"seconds_spent": -1.0}, "seconds_spent -1.0"),
        ({"action": "erase"}, "action 'erase'"),
        ({"label_key": "bribed"}, "label 'bribed', which is not in the project's codebook"),
        ({"at": "yesterday"}, "time 'yesterday', not a date"),
    ],
)
def test_a_bad_value_refuses_the_package_naming_the_row(
    team: Project, tmp_path: Path, values: dict[str, object], match: str
) -> None:
    package = _packed(team, tmp_path)
    _add_event(package, who="ana", **values)
    _refused(team, package, rf"ana.annotator: annotation_event row \d+ .*{match}")


def test_a_blank_package_annotator_is_refused(team: Project, tmp_path: Path) -> None:
    package = _packed(team, tmp_path)
    _forge(package, ("UPDATE project_meta SET value = ' ' WHERE key = 'package_annotator'", ()))
    _refused(team, package, "does not say whose package it is")


def test_changed_text_with_the_kept_hash_is_refused(team: Project, tmp_path: Path) -> None:
    package = _packed(team, tmp_path)
    _forge(
        package,
        ("UPDATE post SET text = 'Paid by nobody' WHERE id = (SELECT min(id) FROM post)", ()),
    )
    _refused(team, package, r"post row \d+: the text of post .* differs")


def test_a_future_clock_never_wins_and_a_second_merge_changes_nothing(
    team: Project, tmp_path: Path
) -> None:
    package = _packed(team, tmp_path)
    raw = sqlite3.connect(package)
    external = raw.execute("SELECT external_id FROM post ORDER BY id LIMIT 1").fetchone()[0]
    raw.close()
    _add_event(package, who="ana", at="2099-01-01 00:00:00.000000", label_key="not_sponsored")
    report = merge(team, package)
    assert report.events_added == 1 and report.events_future == 1
    assert "more than a day ahead of this computer's clock: 1" in report.summary()
    with team.session() as session:
        post_id = (
            session.connection()
            .exec_driver_sql("SELECT id FROM post WHERE external_id = ?", (external,))
            .scalar_one()
        )
    save_annotation(
        team,
        AnnotationChange(post_id=post_id, annotator="ana", label_key="sponsored_undisclosed"),
    )
    again = merge(team, package)
    assert (again.events_added, again.annotations_updated, again.events_future) == (0, 0, 0)
    latest = current_annotation(team, post_id=post_id, annotator="ana")
    assert latest is not None and latest.label_key == "sponsored_undisclosed"


def test_an_honest_package_still_merges(team: Project, tmp_path: Path) -> None:
    package = _packed(team, tmp_path)
    raw = sqlite3.connect(package)
    text = raw.execute("SELECT text FROM post ORDER BY id LIMIT 1").fetchone()[0]
    raw.close()
    span = [{"start": 0, "end": 3, "quote": text[:3]}]
    _add_event(package, who="ana", evidence=json.dumps(span), seconds_spent=4)
    report = merge(team, package)
    assert (report.events_added, report.annotations_added, report.annotators) == (1, 1, ["ana"])


_PACK = """
import sys
from pathlib import Path
from annotator.services.project.projects import open_project
from annotator.services.team.packing import pack
project = open_project(Path(sys.argv[1]))
print("ready", flush=True)
pack(project, Path(sys.argv[2]), annotator="ana")
"""


def test_a_killed_pack_leaves_no_package_and_the_retry_works(team: Project, tmp_path: Path) -> None:
    source, target = Path(team.location), tmp_path / "out" / "ana.annotator"
    target.parent.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    rng = random.Random(21)
    for _ in range(4):
        child = subprocess.Popen(
            [sys.executable, "-c", _PACK, str(source), str(target)],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.15))
        child.send_signal(signal.SIGKILL)
        child.wait()
        if target.exists():  # it finished before the kill: whole, then
            package = open_project(target)
            assert package.location == str(target)
            package.close()
            target.unlink()
    assert not target.exists()
    assert pack(team, target, annotator="ana") == 2
    package = open_project(target)
    package.close()
    with pytest.raises(UserError, match="already exists"):
        pack(team, target, annotator="ana")


def test_a_package_missing_its_history_table_is_refused(team: Project, tmp_path: Path) -> None:
    package = _packed(team, tmp_path)
    _forge(package, ("DROP TABLE annotation_event", ()))
    _refused(team, package, "ana.annotator: is damaged or not an annotator package")
