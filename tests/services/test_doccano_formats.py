"""doccano's other exports given to the doccano import: one sentence saying to export JSONL."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from annotator.cli import run_cli
from annotator.domain.errors import UserError
from annotator.services.interop import import_doccano
from annotator.services.project.projects import Project
from annotator.store.queries import iter_annotations
from tests.conftest import SMALL_CSV, write_csv

SERUM = "1229871234567890123"
#: doccano 1.8 text classification, as its exporter writes each format (pandas
#: ``to_json(orient="records")``, ``to_csv(index=False)``, labels joined by "#" in CSV).
RECORDS = [
    {"id": 7, "text": "Vote Rivera on Tuesday, our future depends on it", "Comments": [],
     "label": ["not_sponsored"], "external_id": "1229871234567890124"},
    {"id": 8, "text": "<b>not bold</b> &amp; just my lunch", "Comments": [],
     "label": ["not_sponsored", "sponsored_disclosed"], "external_id": "42"},
]  # fmt: skip
EXPORTS = {
    "json": ("all.json", json.dumps(RECORDS, ensure_ascii=False), '"JSON" export'),
    "json-pretty": ("admin.json", json.dumps(RECORDS, indent=4), '"JSON" export'),
    "csv": (
        "all.csv",
        'id,text,Comments,label,external_id\n7,"Vote Rivera on Tuesday, our future depends '
        'on it",[],not_sponsored,1229871234567890124\n8,<b>not bold</b> &amp; just my lunch'
        ",[],not_sponsored#sponsored_disclosed,42\n",
        '"CSV" export',
    ),
    "csv-semicolon-as-txt": (
        "admin.txt",
        "id;text;label\n7;Vote Rivera on Tuesday;not_sponsored\n",
        '"CSV" export',
    ),
    "fasttext": (
        "all.txt",
        "__label__not_sponsored Vote Rivera on Tuesday, our future depends on it\n",
        '"fastText" export',
    ),
}


@pytest.mark.parametrize("export", EXPORTS, ids=list(EXPORTS))
def test_other_doccano_exports_are_named_and_jsonl_asked_for(
    small_project: Project, tmp_path: Path, export: str
) -> None:
    name, content, what = EXPORTS[export]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as refused:
        import_doccano(small_project, path, annotator="ana")
    message = str(refused.value)
    assert message.startswith(f"{name}: is doccano's {what}")
    assert message.endswith(
        "; export JSON Lines instead (in doccano: Dataset > Actions > Export Dataset, "
        'file format "JSONL")'
    )
    assert (refused.value.row, refused.value.column) == (None, None)
    with small_project.session() as session:
        assert list(iter_annotations(session)) == []


def test_the_zip_doccano_downloads_is_named(small_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "doccano_export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ana.jsonl", '{"id": 7, "text": "x", "label": ["not_sponsored"]}\n')
    with pytest.raises(UserError, match=r"is a zip archive .* unzip it and import each"):
        import_doccano(small_project, path, annotator="ana")


def test_json_lines_still_import_whatever_the_suffix(
    small_project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "ana.json"  # JSONL saved as .json: the content decides
    path.write_text(
        "\n".join(
            json.dumps(r) for r in [{"external_id": SERUM, "label": ["sponsored_disclosed"]}]
        ),
        encoding="utf-8",
    )
    assert import_doccano(small_project, path, annotator="ana").added == 1


def test_the_command_line_exits_2_with_the_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_window(project: str | None, annotator_name: str | None) -> int:
        raise AssertionError("the command line opened the app")

    project = tmp_path / "study.annotator"
    posts = write_csv(tmp_path / "posts.csv", SMALL_CSV)
    assert run_cli(["init", str(project)], launch_gui=no_window) == 0
    assert run_cli(["import", str(project), str(posts), "--no-clusters"], launch_gui=no_window) == 0
    export = tmp_path / "all.csv"
    export.write_text(EXPORTS["csv"][1], encoding="utf-8")
    capsys.readouterr()
    args = ["import-labels", str(project), str(export), "--from", "doccano", "--annotator", "ana"]
    assert run_cli(args, launch_gui=no_window) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith('annotator: error: all.csv: is doccano\'s "CSV" export')
    assert err.count("\n") == 0 and '"JSONL"' in err
