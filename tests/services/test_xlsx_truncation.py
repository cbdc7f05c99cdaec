"""xlsx exports say which posts Excel's 32,767-character cell limit cut, in the warnings
(shown by the CLI and the GUI) and in the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from annotator.services.exports.exporting import ExportOptions, export_data
from annotator.services.imports.importing import import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.project.projects import Project
from tests.conftest import write_csv

#: A transcript-length caption: 40,000 characters, past Excel's 32,767 per cell.
LONG_TEXT = ("Paid partnership with GlowCo. Full video transcript follows. " * 700)[:40_000]


def _import(project: Project, tmp_path: Path, posts: dict[str, str]) -> None:
    rows = "".join(f'{key},"{text}",ann\n' for key, text in posts.items())
    import_dataset(project, write_csv(tmp_path / "posts.csv", "id,text,author\n" + rows))
    labels = "".join(f"{key},ana,sponsored_disclosed\n" for key in posts)
    import_labels(project, write_csv(tmp_path / "labels.csv", "post_id,annotator,label\n" + labels))


def test_a_cut_post_is_named_in_warnings_and_manifest(project: Project, tmp_path: Path) -> None:
    _import(project, tmp_path, {"short1": "just my lunch #food", "long1": LONG_TEXT})
    out = tmp_path / "posts.xlsx"
    result = export_data(project, out)
    [warning] = result.warnings
    assert warning.startswith("1 post is longer than an Excel cell holds (32,767 characters)")
    assert warning.endswith("cut in the xlsx: long1; export to CSV, JSON Lines or Parquet"
                            " for the whole text")  # fmt: skip
    manifest = json.loads(out.with_name("posts.xlsx.manifest.json").read_text(encoding="utf-8"))
    assert manifest["truncated"] == {"count": 1, "ids": ["long1"]}
    assert manifest["warnings"] == [warning]
    sheet = openpyxl.load_workbook(out)["Posts"]
    header = [c.value for c in sheet[1]]
    texts = {r[header.index("id")].value: r[header.index("text")].value for r in sheet.iter_rows(2)}
    assert texts["long1"] == LONG_TEXT[:32_767]
    assert texts["short1"] == "just my lunch #food"


def test_many_cut_posts_name_ten_and_count_the_rest(project: Project, tmp_path: Path) -> None:
    posts = {f"long{i:02}": LONG_TEXT for i in range(12)} | {"short": "#ad new serum"}
    _import(project, tmp_path, posts)
    for what in ("training", "annotations"):
        out = tmp_path / f"{what}.xlsx"
        result = export_data(project, out, ExportOptions(what=what))
        [warning] = result.warnings
        named = ", ".join(f"long{i:02}" for i in range(10))
        assert warning.startswith("12 posts are longer than an Excel cell holds")
        assert f"cut in the xlsx: {named} and 2 more;" in warning
        manifest = json.loads(out.with_name(out.name + ".manifest.json").read_text("utf-8"))
        assert manifest["truncated"] == {"count": 12, "ids": [f"long{i:02}" for i in range(12)]}


def test_nothing_cut_means_no_warning(project: Project, tmp_path: Path) -> None:
    _import(project, tmp_path, {"p1": "x" * 32_767, "p2": "#ad"})
    out = tmp_path / "posts.xlsx"
    result = export_data(project, out)
    assert result.warnings == []
    manifest = json.loads(out.with_name("posts.xlsx.manifest.json").read_text(encoding="utf-8"))
    assert manifest["truncated"] == {"count": 0, "ids": []}
    csv_result = export_data(project, tmp_path / "posts.csv")
    assert csv_result.truncated == [] and csv_result.warnings == []
