"""Reads that see one state: an export, `stats` and a pack taken while another
connection commits a change to many labels hold all of that change or none of it, on
SQLite and on PostgreSQL (issue 22). The change is committed from a second engine in the
middle of the read (after the first page of an export, between the report's queries)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from annotator.services.exports import export_frames
from annotator.services.exports.export_any import export_any
from annotator.services.exports.exporting import ExportOptions, export_data
from annotator.services.imports.importing import import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.project.projects import Project, init_project, open_project
from annotator.services.review import agreement_report as report_module
from annotator.services.review.agreement_report import agreement_report
from annotator.services.team.assignment import assign_posts
from annotator.services.team.packing import pack
from tests.conftest import write_csv

POSTS = 50


@pytest.fixture
def labeled(store_target: str, tmp_path: Path) -> Iterator[Project]:
    """POSTS posts, each labeled "not sponsored" by ana and by ben."""
    project = init_project(store_target)
    rows = "".join(f"p{i},post number {i},author{i}\n" for i in range(POSTS))
    import_dataset(project, write_csv(tmp_path / "posts.csv", "id,text,author\n" + rows))
    labels = "".join(f"p{i},{who},not_sponsored\n" for i in range(POSTS) for who in ("ana", "ben"))
    import_labels(project, write_csv(tmp_path / "labels.csv", "post_id,annotator,label\n" + labels))
    yield project
    project.close()


def _flip_all_of_ben(project: Project) -> Callable[[], None]:
    """A second program's one transaction that relabels every one of ben's posts."""
    url = project.engine.url
    other = create_engine(url)

    def flip() -> None:
        with other.begin() as connection:
            connection.execute(
                text(
                    "UPDATE annotation SET label_key = 'sponsored_undisclosed' WHERE "
                    "annotator_id = (SELECT id FROM annotator WHERE name = 'ben')"
                )
            )
        other.dispose()

    return flip


def _once(action: Callable[[], None]) -> Callable[..., None]:
    done: list[bool] = []

    def run(*_args: Any) -> None:
        if not done:
            done.append(True)
            action()

    return run


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".xlsx"])
def test_an_export_holds_a_change_made_during_it_wholly_or_not_at_all(
    labeled: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    monkeypatch.setattr(export_frames, "PAGE_ROWS", 10)  # five pages of posts
    flip = _once(_flip_all_of_ben(labeled))
    out = tmp_path / f"annotations{suffix}"
    export_data(labeled, out, ExportOptions(what="annotations"), progress=flip)
    read = {
        ".csv": pd.read_csv,
        ".jsonl": lambda p: pd.read_json(p, lines=True),
        ".parquet": pd.read_parquet,
        ".xlsx": lambda p: pd.read_excel(p, sheet_name="Annotations", engine="openpyxl"),
    }[suffix]
    frame = read(out)
    bens = frame[frame["annotator"] == "ben"]
    assert len(bens) == POSTS
    assert set(bens["label"]) == {"not_sponsored"}  # the state when the export began
    with labeled.session() as session:  # and the flip did land, after
        now = session.connection().exec_driver_sql(
            "SELECT count(*) FROM annotation WHERE label_key = 'sponsored_undisclosed'"
        )
        assert now.scalar() == POSTS


def test_the_manifest_names_the_state_it_holds(labeled: Project, tmp_path: Path) -> None:
    out = tmp_path / "training.jsonl"
    export_data(labeled, out, ExportOptions(what="training"))
    manifest = json.loads(out.with_name(out.name + ".manifest.json").read_text("utf-8"))
    with labeled.session() as session:
        last = session.connection().exec_driver_sql("SELECT max(id) FROM annotation_event")
        assert manifest["snapshot"]["last_history_id"] == last.scalar() == 2 * POSTS
    assert manifest["snapshot"]["taken_at"] <= manifest["exported_at"]


@pytest.mark.parametrize("tool", ["label-studio", "doccano"])
def test_other_tools_exports_hold_the_state_they_began_with(
    labeled: Project, tmp_path: Path, tool: str
) -> None:
    """The flip is committed at the export's first progress report, after it began and
    before it reads the labels: none of it may show."""
    out = tmp_path / ("tasks.json" if tool == "label-studio" else "lines.jsonl")
    flip = _once(_flip_all_of_ben(labeled))
    export_any(labeled, out, ExportOptions(what=tool, annotator="ben"), progress=flip)
    written = out.read_text("utf-8")
    assert "sponsored_undisclosed" not in written
    assert written.count('"not_sponsored"') >= POSTS


def test_stats_hold_a_change_made_during_them_wholly_or_not_at_all(
    labeled: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    flip = _once(_flip_all_of_ben(labeled))
    real = report_module.load_codebook

    def codebook_then_flip(session: Any) -> Any:  # between the report's first and next reads
        found = real(session)
        flip()
        return found

    monkeypatch.setattr(report_module, "load_codebook", codebook_then_flip)
    report = agreement_report(labeled, resamples=10)
    assert report.to_json()["percent_agreement"] == pytest.approx(1.0)
    monkeypatch.setattr(report_module, "load_codebook", real)
    after = agreement_report(labeled, resamples=10)
    assert after.to_json()["percent_agreement"] == pytest.approx(0.0)


def test_a_pack_holds_one_state(
    labeled: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.services.team import packing

    assign_posts(labeled, ["ben"], per_post=1)
    flip = _once(_flip_all_of_ben(labeled))
    real_copy = packing._copy

    def copy_then_flip(source: Any, target: Any, table_name: str, rows: Any) -> None:
        real_copy(source, target, table_name, rows)
        flip()  # after the first table (posts), before the labels are copied

    monkeypatch.setattr(packing, "_copy", copy_then_flip)
    pack(labeled, tmp_path / "ben.pkg", annotator="ben")
    package = open_project(tmp_path / "ben.pkg")
    with package.session() as session:
        labels = session.connection().exec_driver_sql(
            "SELECT DISTINCT label_key FROM annotation a JOIN annotator n ON n.id = a.annotator_id "
            "WHERE n.name = 'ben'"
        )
        assert [key for (key,) in labels] == ["not_sponsored"]
    package.close()
