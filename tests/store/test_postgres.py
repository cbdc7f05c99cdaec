"""The same project through PostgreSQL: create, import, label, search, stats, export.

Runs when ANNOTATOR_TEST_POSTGRES_URL names a server where the user may create
databases (`.ci/run` installs and starts one on loopback); skipped, with the reason
shown, elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from annotator.domain.errors import ProjectError
from annotator.domain.records import AnnotationChange
from annotator.services.exports.exporting import export_data
from annotator.services.imports.importing import import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.labeling.annotating import save_annotation
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.projects import Project, init_project, open_project
from annotator.services.review.agreement_report import agreement_report
from annotator.store.navigation import QueueMode
from tests.conftest import DATASETS, needs_server

pytestmark = needs_server


@pytest.fixture
def sample(database: str) -> Iterator[Project]:
    project = init_project(database)
    import_dataset(project, DATASETS / "sample_posts.csv")
    import_labels(project, DATASETS / "sample_labels.csv")
    yield project
    project.close()


def test_empty_database_is_not_a_project_and_init_refuses_twice(database: str) -> None:
    with pytest.raises(ProjectError, match="holds no annotator project"):
        open_project(database)
    init_project(database).close()
    with pytest.raises(ProjectError, match="already holds"):
        init_project(database)
    open_project(database).close()


def test_import_keeps_ids_and_stats_match_sqlite(sample: Project, tmp_path: Path) -> None:
    local = init_project(tmp_path / "local.annotator")
    import_dataset(local, DATASETS / "sample_posts.csv")
    import_labels(local, DATASETS / "sample_labels.csv")
    server = agreement_report(sample, resamples=100).to_json()
    here = agreement_report(local, resamples=100).to_json()
    local.close()
    assert server == here
    export_data(sample, tmp_path / "posts.csv")
    source = pd.read_csv(DATASETS / "sample_posts.csv", dtype=str, keep_default_na=False)
    exported = pd.read_csv(tmp_path / "posts.csv", dtype=str, keep_default_na=False)
    assert list(exported["id"]) == list(source["id"])


def test_labeling_queue_search_and_history(sample: Project) -> None:
    queue = LabelingQueue(sample, "dana")
    first = queue.current_id
    assert first is not None
    save_annotation(
        sample, AnnotationChange(post_id=first, annotator="dana", label_key="not_sponsored")
    )
    assert LabelingQueue(sample, "dana").current_id != first
    found = LabelingQueue(sample, "dana", QueueMode("search", "paid partnership"))
    assert len(found) > 0
    post = found.current_post()
    assert post is not None and "paid partnership" in post.text.casefold()
    with sample.engine.connect() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("DELETE FROM annotation_event"))


def test_reimport_is_idempotent_on_the_server(sample: Project) -> None:
    again = import_dataset(sample, DATASETS / "sample_posts.csv")
    assert again.added == 0 and again.duplicates_skipped == again.rows_read
    stats = agreement_report(sample, resamples=10).to_json()
    assert json.loads(json.dumps(stats))["items"] == 150


def test_pack_from_the_server_and_merge_back(sample: Project, tmp_path: Path) -> None:
    from annotator.services.team.assignment import assign_posts
    from annotator.services.team.packages import merge
    from annotator.services.team.packing import pack

    assign_posts(sample, ["dana", "eli"], per_post=1, seed=2)
    package = tmp_path / "dana.annotator"
    count = pack(sample, package, annotator="dana")
    offline = open_project(package)
    post = LabelingQueue(offline, "dana", QueueMode("assigned")).current_id
    assert post is not None
    save_annotation(
        offline, AnnotationChange(post_id=post, annotator="dana", label_key="sponsored_disclosed")
    )
    offline.close()
    report = merge(sample, package)
    assert count > 100 and report.events_added == 1 and report.annotations_added == 1
    assert merge(sample, package).events_added == 0


WORKER = """
import sys
from annotator.domain.records import AnnotationChange
from annotator.services.labeling.annotating import save_annotation
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.projects import open_project
project = open_project(sys.argv[1])
queue = LabelingQueue(project, sys.argv[2], None)
done = 0
while queue.current_id is not None and done < 100:
    save_annotation(project, AnnotationChange(post_id=queue.current_id, annotator=sys.argv[2],
                                              label_key="not_sponsored"))
    done += 1
    if not queue.advance():
        break
print(done)
"""


def test_two_annotators_label_at_once_on_the_server(sample: Project, tmp_path: Path) -> None:
    import subprocess
    import sys

    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    url = sample.engine.url.render_as_string(hide_password=False)
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), url, name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("fay", "gus")
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err
        assert out.strip() == "100"
    people = {p.name: p for p in agreement_report(sample, resamples=10).people}
    assert people["fay"].distribution["not_sponsored"] == 100
    assert people["gus"].distribution["not_sponsored"] == 100


def test_location_has_no_password_and_reopens_with_pgpassword(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The location goes into messages and the recent-projects list: no password in it,
    not even masked, so it opens again where libpq finds the password itself."""
    url = make_url(database)
    if not url.password:
        pytest.skip("the test server's URL carries no password")
    init_project(database).close()
    project = open_project(database)
    location = project.location
    project.close()
    assert f":{url.password}@" not in location and "***" not in location
    assert location.startswith(f"{url.drivername}://{url.username}@")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    with pytest.raises(ProjectError, match="PGPASSWORD"):
        open_project(location)
    monkeypatch.setenv("PGPASSWORD", url.password)
    open_project(location).close()
