"""Importing long-format label files: matched by external id, checked first, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.domain.errors import UserError
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.project.projects import Project
from annotator.store.queries import get_annotation
from tests.conftest import write_csv


def _annotation_count(project: Project) -> int:
    with project.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM annotation")).scalar_one())


def _post_id(project: Project, external_id: str) -> int:
    with project.engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT id FROM post WHERE external_id = :e"), {"e": external_id}
            ).scalar_one()
        )


def test_labels_land_with_notes_and_sponsor(small_project: Project, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "labels.csv",
        "post_id,annotator,label,notes,sponsor\n"
        '1229871234567890123,ana,sponsored_disclosed,"says #ad, clearly",GlowCo\n'
        "1229871234567890123,ben,Sponsored Disclosed,,GlowCo\n"
        "00123,ana,NOT_SPONSORED,,\n"
        "42,ben,,,\n",
    )
    report = import_labels(small_project, path)
    assert (report.added, report.updated, report.blank_skipped) == (3, 0, 1)
    assert report.annotators == ["ana", "ben"]
    with small_project.session() as session:
        ana = get_annotation(
            session, post_id=_post_id(small_project, "1229871234567890123"), annotator="ana"
        )
    assert ana is not None
    assert (ana.label_key, ana.notes, ana.sponsor) == (
        "sponsored_disclosed",
        "says #ad, clearly",
        "GlowCo",
    )


def test_reimport_is_unchanged_and_a_changed_label_updates(
    small_project: Project, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "a.csv", "post_id,annotator,label\n00123,ana,not_sponsored\n")
    import_labels(small_project, first)
    again = import_labels(small_project, first)
    assert (again.added, again.unchanged) == (0, 1)
    second = write_csv(
        tmp_path / "b.csv", "post_id,annotator,label\n00123,ana,sponsored_undisclosed\n"
    )
    changed = import_labels(small_project, second)
    assert changed.updated == 1
    assert _annotation_count(small_project) == 1


@pytest.mark.parametrize(
    ("body", "row", "column", "message"),
    [
        ("00123,ana,maybe\n", 3, "label", "not in the codebook"),
        ("99999,ana,not_sponsored\n", 3, "post_id", "no post has the id"),
        (",ana,not_sponsored\n", 3, "post_id", "post id is empty"),
        ("00123,,not_sponsored\n", 3, "annotator", "annotator is empty"),
    ],
)
def test_bad_row_is_named_and_nothing_lands(
    small_project: Project, tmp_path: Path, body: str, row: int, column: str, message: str
) -> None:
    path = write_csv(tmp_path / "bad.csv", "post_id,annotator,label\n42,ana,not_sponsored\n" + body)
    with pytest.raises(UserError) as caught:
        import_labels(small_project, path)
    assert (caught.value.row, caught.value.column) == (row, column)
    assert message in str(caught.value)
    assert _annotation_count(small_project) == 0


def test_missing_columns_are_listed(small_project: Project, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wide.csv", "id,coder,code\n1,a,b\n")
    with pytest.raises(UserError, match="missing post_id, annotator, label"):
        import_labels(small_project, path)


def test_shared_ids_across_datasets_need_a_dataset(
    small_project: Project, small_csv: Path, tmp_path: Path
) -> None:
    import_dataset(small_project, small_csv, ImportOptions(dataset="other"))
    path = write_csv(tmp_path / "l.csv", "post_id,annotator,label\n42,ana,not_sponsored\n")
    with pytest.raises(UserError, match="--dataset"):
        import_labels(small_project, path)
    report = import_labels(small_project, path, dataset="other")
    assert report.added == 1


def test_contradicting_rows_for_one_annotator_are_refused(
    small_project: Project, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "twice.csv",
        "post_id,annotator,label\n42,ana,not_sponsored\n42,ana,sponsored_disclosed\n",
    )
    with pytest.raises(UserError, match="twice"):
        import_labels(small_project, path)
    assert _annotation_count(small_project) == 0
