"""CSV meant for spreadsheets starts with a UTF-8 byte-order mark, or Excel on Windows shows
accents and emoji as mojibake; training CSV, read by scripts, has none."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from annotator.domain.errors import UserError
from annotator.services.exports.export_any import export_any
from annotator.services.exports.exporting import ExportOptions, export_data
from annotator.services.imports.importing import import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.project.projects import Project
from tests.conftest import write_csv

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def labeled(small_project: Project, tmp_path: Path) -> Project:
    import_labels(
        small_project,
        write_csv(
            tmp_path / "labels.csv",
            "post_id,annotator,label\n1229871234567890123,ana,sponsored_disclosed\n"
            "42,ana,not_sponsored\n",
        ),
    )
    return small_project


@pytest.mark.parametrize("what", ["posts", "annotations"])
def test_posts_and_annotations_csv_start_with_a_bom_by_default(
    labeled: Project, tmp_path: Path, what: str
) -> None:
    out = tmp_path / f"{what}.csv"
    result = export_data(labeled, out, ExportOptions(what=what, manifest=False))
    raw = out.read_bytes()
    assert raw[:3] == BOM
    assert raw[3:4] == b'"'  # the header follows the mark directly
    assert "byte-order mark" in result.summary()
    text = raw.decode("utf-8-sig")
    assert "👩‍👩‍👧" in text and text.startswith('"dataset"')


def test_posts_csv_through_pandas_has_the_same_bytes_as_through_arrow(
    project: Project, tmp_path: Path
) -> None:
    """An extra column whose name SQLite cannot quote sends posts through the pandas path;
    the same dataset under an ordinary name goes through Arrow. Same mark, same text."""
    header = 'id,text,"say ""hi"""\n'
    body = "p1,Café crème ✨ #ad,yes\np2,Naïve test,no\n"
    import_dataset(project, write_csv(tmp_path / "quoted.csv", header + body))
    pandas_out = tmp_path / "pandas.csv"
    export_data(project, pandas_out, ExportOptions(manifest=False))
    other = tmp_path / "other"
    other.mkdir()
    from annotator.services.project.projects import init_project

    plain = init_project(other / "plain.annotator")
    try:
        import_dataset(plain, write_csv(tmp_path / "quoted.csv", "id,text,say\n" + body))
        arrow_out = tmp_path / "arrow.csv"
        export_data(plain, arrow_out, ExportOptions(manifest=False))
    finally:
        plain.close()
    pandas_bytes, arrow_bytes = pandas_out.read_bytes(), arrow_out.read_bytes()
    assert pandas_bytes[:3] == arrow_bytes[:3] == BOM
    assert pandas_bytes.replace(b'"say ""hi"""', b'"say"') == arrow_bytes
    frame = pd.read_csv(pandas_out, dtype=str, encoding="utf-8-sig")
    assert list(frame.columns[:2]) == ["dataset", "id"]


def test_encoding_utf8_writes_no_bom_and_says_nothing_of_one(
    labeled: Project, tmp_path: Path
) -> None:
    out = tmp_path / "posts.csv"
    result = export_data(labeled, out, ExportOptions(encoding="utf-8", manifest=False))
    assert out.read_bytes()[:9] == b'"dataset"'
    assert "byte-order mark" not in result.summary()


def test_training_csv_has_no_bom_unless_asked(labeled: Project, tmp_path: Path) -> None:
    out = tmp_path / "train.csv"
    export_data(labeled, out, ExportOptions(what="training", manifest=False))
    assert out.read_bytes()[:4] == b'"id"'
    split = tmp_path / "split.csv"
    export_data(
        labeled, split, ExportOptions(what="training", split=(0.5, 0.25, 0.25), manifest=False)
    )
    for name in ("train", "dev", "test"):
        assert (tmp_path / f"split.{name}.csv").read_bytes()[:4] == b'"id"'
    asked = tmp_path / "asked.csv"
    export_data(labeled, asked, ExportOptions(what="training", encoding="utf-8-sig"))
    assert asked.read_bytes()[:3] == BOM


@pytest.mark.parametrize("name", ["posts.jsonl", "posts.xlsx", "tasks.json"])
def test_a_bom_is_refused_where_it_does_not_belong(
    labeled: Project, tmp_path: Path, name: str
) -> None:
    what = "label-studio" if name.endswith(".json") else "posts"
    with pytest.raises(UserError, match="utf-8-sig applies to CSV"):
        export_any(labeled, tmp_path / name, ExportOptions(what=what, encoding="utf-8-sig"))
    assert list(tmp_path.glob("posts.*")) == list(tmp_path.glob("tasks.*")) == []
