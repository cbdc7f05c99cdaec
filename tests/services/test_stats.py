from __future__ import annotations

from pathlib import Path

from annotator.services.label_import import import_labels
from annotator.services.projects import Project
from annotator.services.stats import label_counts
from tests.conftest import write_csv


def test_counts_per_annotator_and_label(small_project: Project, tmp_path: Path) -> None:
    import_labels(
        small_project,
        write_csv(
            tmp_path / "l.csv",
            "post_id,annotator,label\n"
            "00123,ana,not_sponsored\n42,ana,not_sponsored\n"
            "1229871234567890123,ana,sponsored_disclosed\n"
            "1229871234567890123,ben,sponsored_undisclosed\n",
        ),
    )
    counts = label_counts(small_project)
    assert counts.posts == 4
    assert counts.labeled_posts == 3
    data = counts.to_json()
    assert data["labels"] == {
        "not_sponsored": 2,
        "sponsored_disclosed": 1,
        "sponsored_undisclosed": 1,
    }
    assert data["annotators"]["ana"] == {
        "not_sponsored": 2,
        "sponsored_disclosed": 1,
        "total": 3,
    }
    table = counts.to_table().splitlines()
    assert table[0] == "4 posts, 3 labeled by at least one annotator"
    assert table[-1].split() == ["all", "2", "1", "1", "4"]


def test_empty_project_counts_zero(project: Project) -> None:
    data = label_counts(project).to_json()
    assert data["posts"] == 0
    assert data["annotators"] == {}
    assert set(data["labels"].values()) == {0}
