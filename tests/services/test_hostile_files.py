"""A corpus of broken and hostile files: each import ends in one clear sentence and
leaves the project's data exactly as it was."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from annotator.domain.errors import UserError
from annotator.services.imports.importing import import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.project.projects import Project

Maker = Callable[[Path], Path]


def _xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["id", "text"])
    book.active.append(["1", "hello"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _entity_bomb(folder: Path) -> Path:
    """An xlsx whose shared strings hold a billion-laughs entity expansion."""
    path = folder / "bomb.xlsx"
    source = zipfile.ZipFile(io.BytesIO(_xlsx_bytes()))
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)
        )
        + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    with zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                data = bomb.encode()
            target.writestr(item, data)
        if "xl/sharedStrings.xml" not in source.namelist():
            target.writestr("xl/sharedStrings.xml", bomb)
    return path


def _write(name: str, data: bytes | str) -> Maker:
    def make(folder: Path) -> Path:
        path = folder / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        return path

    return make


def _formula_xlsx(folder: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "text"])
    sheet.append(["1", '=HYPERLINK("http://evil.example","x")'])
    sheet.append(["2", "=[1]Sheet1!A1"])  # an external link
    path = folder / "formulas.xlsx"
    book.save(path)
    return path


HOSTILE: dict[str, Maker] = {
    "empty": _write("empty.csv", b""),
    "header only": _write("header.csv", "id,text\n"),
    "binary garbage": _write("garbage.csv", bytes(range(256)) * 64),
    "truncated gzip": _write("posts.csv.gz", gzip.compress(b"id,text\n1,a\n")[:20]),
    "zip as csv": _write("archive.csv", zipfile.ZipFile.__name__.encode() + b"PK\x03\x04" * 50),
    "truncated xlsx": _write("cut.xlsx", _xlsx_bytes()[:300]),
    "xml entity bomb in xlsx": _entity_bomb,
    "ragged rows": _write("ragged.csv", "id,text\n1,a\n2,b,c,d,e\n3\n"),
    "unterminated quote": _write("quote.csv", 'id,text\n1,"never closed\n2,b\n'),
    "mixed encodings": _write("mixed.csv", "id,text\n1,Grüße\n".encode() + b"2,caf\xe9\n"),
    "nul bytes": _write("nul.csv", b"id,text\n1,a\x00b\n"),
    "deeply nested json": _write("deep.json", "[" * 100_000 + "]" * 100_000),
    "json duplicate keys": _write(
        "dupe.jsonl",
        '{"id": "1", "text": "a", "id": "2"}\n{"id": "2", "text": "b"}\n'
        '{"id": "2", "text": "c"}\n',
    ),
    "ids colliding after trimming": _write("trim.csv", "id,text\n 7 ,first\n7,second\n"),
    "excel-rounded ids": _write("excel.csv", "id,text\n5.70306E+17,a\n5.70306E+17,b\n"),
}  # fmt: skip


def _data_fingerprint(project: Project) -> str:
    """A hash of every table's rows: the project's data, not the file's bytes."""
    connection = sqlite3.connect(project.location)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE 'post_search%' ORDER BY name"
            )
        ]
        digest = hashlib.sha256()
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        connection.close()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_refused_with_a_sentence_and_changes_nothing(
    small_project: Project, tmp_path: Path, name: str
) -> None:
    path = HOSTILE[name](tmp_path)
    before = _data_fingerprint(small_project)
    started = time.monotonic()
    with pytest.raises(UserError) as caught:
        import_dataset(small_project, path)
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert path.name in message and "\n" not in message and "Traceback" not in message
    assert _data_fingerprint(small_project) == before


def test_formulas_and_external_links_in_xlsx_are_never_evaluated(
    small_project: Project, tmp_path: Path
) -> None:
    report = import_dataset(small_project, _formula_xlsx(tmp_path))
    # calamine reads cached values only; formula cells without one come in empty and are
    # reported, never computed or followed.
    assert report.added == 0
    assert report.empty_text_skipped == [2, 3]


def test_a_10_mb_field_is_kept_whole(small_project: Project, tmp_path: Path) -> None:
    big = "x" * (10 * 1024 * 1024)
    path = tmp_path / "big.csv"
    path.write_text(f"id,text\n1,{big}\n", encoding="utf-8")
    assert import_dataset(small_project, path).added == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("post_id,annotator,label\n42,ana,maybe\n", "not in the codebook"),
        ("post_id,annotator,label\n99999,ana,not_sponsored\n", "no post has the id"),
    ],
)
def test_bad_label_files_change_nothing(
    small_project: Project, tmp_path: Path, body: str, message: str
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(body, encoding="utf-8")
    before = _data_fingerprint(small_project)
    with pytest.raises(UserError, match=message):
        import_labels(small_project, path)
    assert _data_fingerprint(small_project) == before


def test_corpus_size_is_what_the_readme_says() -> None:
    assert len(HOSTILE) == 15
    assert json.dumps(sorted(HOSTILE))


def test_deeply_nested_label_studio_file_is_refused(small_project: Project, tmp_path: Path) -> None:
    from annotator.services.interop import import_label_studio

    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    before = _data_fingerprint(small_project)
    with pytest.raises(UserError, match="too deeply"):
        import_label_studio(small_project, path)
    assert _data_fingerprint(small_project) == before
