"""Hostile sizes in input files are refused in a sentence before any reader allocates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.domain.errors import UserError
from annotator.services.imports.importing import import_dataset
from annotator.services.imports.sources import sheet_extent, spreadsheet
from annotator.services.imports.sources.opening import open_source
from annotator.services.interop import import_label_studio
from annotator.services.project.projects import Project

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Posts" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _sheet(rows: str, dimension: str = "A1:B3") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


_POSTS = (
    f'<row r="1">{_cell("A1", "post_id")}{_cell("B1", "text")}</row>'
    f'<row r="2">{_cell("A2", "p1")}{_cell("B2", "Use code ANA10")}</row>'
    f'<row r="3">{_cell("A3", "p2")}{_cell("B3", "Sunset at the lake")}</row>'
)


def _xlsx(path: Path, sheet_xml: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def _stray_cell(path: Path) -> Path:
    """The 1.5 KB workbook of the issue: real posts and one stray cell at XFD1048576."""
    stray = f'<row r="1048576">{_cell("XFD1048576", "x")}</row>'
    return _xlsx(path, _sheet(_POSTS + stray, dimension="A1:XFD1048576"))


@pytest.fixture
def no_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """calamine may list the sheets but must never read one: reading fails the test
    (rather than aborting the whole test run if the check ever goes missing)."""

    class Listing:
        sheet_names = ("Posts",)

        def get_sheet_by_name(self, name: str) -> None:
            raise AssertionError(f"calamine was asked to read sheet {name!r}")

    class Workbook:
        @staticmethod
        def from_path(path: str) -> Listing:
            return Listing()

    monkeypatch.setattr(spreadsheet, "CalamineWorkbook", Workbook)


def test_a_sheet_of_ordinary_size_still_reads(tmp_path: Path) -> None:
    source = open_source(_xlsx(tmp_path / "posts.xlsx", _sheet(_POSTS)))
    assert source.columns == ["post_id", "text"]
    assert source.size == 2


@pytest.mark.usefixtures("no_reader")
def test_a_stray_far_cell_is_refused_in_a_sentence(tmp_path: Path) -> None:
    path = _stray_cell(tmp_path / "posts.xlsx")
    assert path.stat().st_size < 2_000
    with pytest.raises(UserError) as caught:
        open_source(path)
    assert str(caught.value) == (
        "posts.xlsx: sheet 'Posts' has a cell at XFD1048576: 16,384 columns × 1,048,576 rows "
        "is more than annotator reads (at most 1,000 columns and 20,000,000 cells); delete the "
        "stray cell in Excel (Ctrl+End shows it) or save the data as CSV"
    )


@pytest.mark.usefixtures("no_reader")
def test_an_understated_dimension_does_not_hide_the_far_cell(tmp_path: Path) -> None:
    stray = f'<row r="900000">{_cell("ZZ900000", "x")}</row>'
    path = _xlsx(tmp_path / "posts.xlsx", _sheet(_POSTS + stray, dimension="A1:B3"))
    with pytest.raises(UserError, match="has a cell at ZZ900000: 702 columns × 900,000 rows"):
        open_source(path)


@pytest.mark.usefixtures("no_reader")
def test_cells_without_references_are_counted_too(tmp_path: Path) -> None:
    """Cells may omit ``r``; they then follow the one before, and still make the rectangle."""
    wide = '<row r="20000">' + "<c><v>1</v></c>" * 1_001 + "</row>"
    path = _xlsx(tmp_path / "posts.xlsx", _sheet(_POSTS + wide, dimension="A1:B3"))
    with pytest.raises(UserError, match=r"1,001 columns × 20,000 rows"):
        open_source(path)


@pytest.mark.usefixtures("no_reader")
def test_a_huge_cell_is_refused_from_the_zip_directory(tmp_path: Path) -> None:
    """A megabyte-sized file that unpacks to more than 200 MB is refused before reading."""
    assert sheet_extent.MAX_MEMBER_BYTES == 200 * 1024 * 1024
    path = _xlsx(tmp_path / "posts.xlsx", _sheet(_POSTS))
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member,
    ):
        member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        member.write(b"<si><t>")
        block = b"a" * (1024 * 1024)
        for _ in range(201):
            member.write(block)
        member.write(b"</t></si></sst>")
    assert path.stat().st_size < 2_000_000
    with pytest.raises(UserError) as caught:
        open_source(path)
    assert str(caught.value) == (
        "posts.xlsx: holds xl/sharedStrings.xml of 201 MB once unpacked, more than the 200 MB "
        "annotator reads from one part of a workbook (probably a cell of enormous text); save "
        "the data as CSV"
    )


def test_opening_the_stray_cell_file_stays_within_two_gigabytes(tmp_path: Path) -> None:
    """Run in a process limited to 2 GiB of address space: the 512 GiB allocation the
    reader would make aborts the process (exit 134); refusing first exits cleanly."""
    path = _stray_cell(tmp_path / "posts.xlsx")
    script = textwrap.dedent(
        f"""
        import resource, sys
        limit = 2 * 1024 ** 3
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from pathlib import Path
        from annotator.domain.errors import UserError
        from annotator.services.imports.sources.opening import open_source
        try:
            open_source(Path({str(path)!r}))
        except UserError as error:
            print(error)
            sys.exit(2)
        """
    )
    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert result.returncode == 2, result.stderr
    assert "has a cell at XFD1048576" in result.stdout


# ---------------------------------------------------------------- Label Studio values

LS_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "label_studio"


@pytest.fixture
def ls_posts(project: Project) -> Project:
    import_dataset(project, LS_FIXTURES / "posts.csv")
    return project


def _task(lead_time: str = "4.5", email: str = "ana@uni.example") -> str:
    """One Label Studio task as raw JSON text, so values json.dumps never writes fit in."""
    return (
        '{"id": 1, "data": {"id": 1, "text": "Echo post weekend hike with the kids"}, '
        f'"annotations": [{{"completed_by": {{"email": "{email}"}}, "lead_time": {lead_time}, '
        '"result": [{"from_name": "label", "to_name": "text", "type": "choices", '
        '"value": {"choices": ["not_sponsored"]}}]}]}'
    )


def _annotations(project: Project) -> int:
    with project.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM annotation")).scalar_one())


def test_an_ordinary_task_still_imports(ls_posts: Project, tmp_path: Path) -> None:
    path = tmp_path / "ls.json"
    path.write_text(f"[{_task()}]", encoding="utf-8")
    assert import_label_studio(ls_posts, path).added == 1


@pytest.mark.parametrize(
    ("lead_time", "said"),
    [
        ("NaN", "lead_time is nan, not a number of seconds of zero or more"),
        ("Infinity", "lead_time is inf, not a number of seconds of zero or more"),
        ("-12.5", "lead_time is -12.5, not a number of seconds of zero or more"),
    ],
)
def test_a_lead_time_that_is_no_duration_is_refused_by_its_row(
    ls_posts: Project, tmp_path: Path, lead_time: str, said: str
) -> None:
    path = tmp_path / "ls.json"
    path.write_text(f"[{_task(lead_time=lead_time)}]", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        import_label_studio(ls_posts, path)
    assert str(caught.value) == f"ls.json, row 1, column 'annotations[0].lead_time': {said}"
    assert _annotations(ls_posts) == 0


def test_a_number_of_five_thousand_digits_is_refused_in_a_sentence(
    ls_posts: Project, tmp_path: Path
) -> None:
    path = tmp_path / "ls.json"
    path.write_text(f"[{_task(lead_time='1' + '0' * 5_000)}]", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        import_label_studio(ls_posts, path)
    message = str(caught.value)
    assert message.startswith("ls.json: holds a number too long to read")
    assert len(message) < 300
    assert _annotations(ls_posts) == 0


def test_a_lone_surrogate_is_refused_naming_the_task(ls_posts: Project, tmp_path: Path) -> None:
    path = tmp_path / "ls.json"
    cut = _task(email="b\\ud800n@uni.example")  # JSON's own escape for half a character
    path.write_text(f"[{_task()}, {cut}]", encoding="utf-8")
    assert "\\ud800" in path.read_text(encoding="utf-8")
    with pytest.raises(UserError) as caught:
        import_label_studio(ls_posts, path)
    assert str(caught.value) == (
        "ls.json: Label Studio tasks item 2 holds a lone UTF-16 surrogate ('\\ud800'), half of "
        "a character that was cut in two; fix or remove that text and import again"
    )
    assert _annotations(ls_posts) == 0


def test_the_summary_names_twenty_annotators_then_counts_the_rest(
    ls_posts: Project, tmp_path: Path
) -> None:
    annotations = [
        {
            "completed_by": {"email": f"user{n:02d}@uni.example"},
            "result": [
                {
                    "from_name": "label",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": ["not_sponsored"]},
                }
            ],
        }
        for n in range(50)
    ]
    task = {"id": 1, "data": {"id": 1, "text": "Echo post weekend hike with the kids"}}
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{**task, "annotations": annotations}]), encoding="utf-8")
    summary = import_label_studio(ls_posts, path).summary()
    names = ", ".join(f"user{n:02d}" for n in range(20))
    assert summary.endswith(f"(annotators: {names} and 30 more).")
