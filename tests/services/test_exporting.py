"""Exports: posts, annotations and training data in every format, safe, whole and traceable."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange, EvidenceSpan
from annotator.services.exports.exporting import ExportOptions, export_data, parse_split
from annotator.services.imports.importing import import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.labeling.annotating import save_annotation
from annotator.services.project.projects import Project
from annotator.services.review.adjudication import set_gold
from tests.conftest import write_csv

EMOJI_TEXT = "Loving my new serum! #ad\nPaid partnership with GlowCo 👩‍👩‍👧"
FORMULA_TEXT = '=HYPERLINK("http://evil.example","click")'
IDS = ["00123", "1229871234567890123", "1229871234567890124", "42"]


@pytest.fixture
def labeled_project(small_project: Project, tmp_path: Path) -> Project:
    labels = write_csv(
        tmp_path / "labels.csv",
        "post_id,annotator,label,notes,sponsor\n"
        "1229871234567890123,ana,sponsored_disclosed,says #ad,GlowCo\n"
        "1229871234567890123,ben,sponsored_disclosed,,\n"
        "1229871234567890124,ana,not_sponsored,,\n"
        "1229871234567890124,ben,sponsored_undisclosed,copied script,Rivera\n",
    )
    import_labels(small_project, labels)
    return small_project


def _post_id(project: Project, external_id: str) -> int:
    from annotator.store.queries import external_id_index

    with project.session() as session:
        return external_id_index(session)[external_id][0]


# ----- posts ---------------------------------------------------------------------------------


def test_posts_csv_has_every_annotator_gold_resolved_and_extras(
    labeled_project: Project, tmp_path: Path
) -> None:
    set_gold(
        labeled_project,
        post_id=_post_id(labeled_project, "1229871234567890124"),
        label_key="sponsored_undisclosed",
        decided_by="lead",
    )
    out = tmp_path / "posts.csv"
    result = export_data(labeled_project, out)
    assert result.rows == 4
    frame = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("id")
    assert list(frame.columns[:8]) == [
        "dataset", "text", "author", "created_at", "platform", "url", "label_ana", "label_ben",
    ]  # fmt: skip
    assert frame.loc["1229871234567890123", "resolved_label"] == "sponsored_disclosed"
    assert frame.loc["1229871234567890124", "gold_label"] == "sponsored_undisclosed"
    assert frame.loc["1229871234567890124", "resolved_label"] == "sponsored_undisclosed"
    assert frame.loc["1229871234567890124", "needs_review"] == "false"
    assert frame.loc["00123", "needs_review"] == "false"  # nobody labeled it: nothing to review
    assert frame.loc["00123", "likes"] == "5"


def test_needs_review_when_annotators_disagree_without_gold(
    labeled_project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "posts.jsonl"
    export_data(labeled_project, out)
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert rows["1229871234567890124"]["resolved_label"] is None
    assert rows["1229871234567890124"]["needs_review"] is True


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".xlsx"])
def test_round_trip_keeps_text_and_ids_byte_for_byte(
    project: Project, tmp_path: Path, suffix: str
) -> None:
    texts = [
        'She said "it\'s fine", then left',
        "line one\nline two\r\nline three",
        "emoji 👩‍👩‍👧 and flag 🇺🇸 and ünïcödé",
        "  leading and trailing spaces  ",
        "a literal _x000D_ and a bell \x07 stay as they were",
    ]
    ids = ["00123", "1229871234567890123", "000", "7", "8"]
    source = tmp_path / "round.jsonl"
    source.write_text(
        "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in zip(ids, texts, strict=True)),
        encoding="utf-8",
    )
    import_dataset(project, source)
    out = tmp_path / f"posts{suffix}"
    export_data(project, out)
    if suffix == ".csv":
        back = pd.read_csv(out, dtype=str, keep_default_na=False)
    elif suffix == ".jsonl":
        back = pd.read_json(out, lines=True, dtype=False)
    elif suffix == ".parquet":
        back = pd.read_parquet(out)
    else:
        back = pd.read_excel(out, sheet_name="Posts", dtype=str, engine="calamine")
    assert list(back["id"]) == ids
    assert list(back["text"]) == texts


def test_unknown_suffix_and_bad_filters_are_refused_and_nothing_written(
    labeled_project: Project, tmp_path: Path
) -> None:
    with pytest.raises(UserError, match=re.escape(".csv, .jsonl, .parquet, .xlsx")):
        export_data(labeled_project, tmp_path / "posts.docx")
    with pytest.raises(UserError, match="no dataset"):
        export_data(labeled_project, tmp_path / "p.csv", ExportOptions(dataset="nope"))
    with pytest.raises(UserError, match="not in the codebook"):
        export_data(labeled_project, tmp_path / "p.csv", ExportOptions(label="maybe"))
    with pytest.raises(UserError, match="no annotator"):
        export_data(labeled_project, tmp_path / "p.csv", ExportOptions(annotator="zoe"))
    assert list(tmp_path.glob("p*")) == [] and list(tmp_path.glob("posts*")) == []


def test_failed_export_leaves_no_partial_file(
    labeled_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.services.exports import export_writers

    def explode(self: object, frame: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(export_writers.CsvWriter, "write", explode)
    with pytest.raises(OSError):
        export_data(labeled_project, tmp_path / "posts.csv")
    assert [p.name for p in tmp_path.iterdir() if "posts" in p.name] == []


def test_filters_by_label_and_annotator(labeled_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    export_data(labeled_project, out, ExportOptions(label="sponsored_disclosed"))
    assert list(pd.read_csv(out, dtype=str)["id"]) == ["1229871234567890123"]
    export_data(labeled_project, out, ExportOptions(annotator="ben"))
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(frame["id"]) == ["1229871234567890123", "1229871234567890124"]
    assert "label_ana" not in frame.columns
    assert list(frame["resolved_label"]) == ["sponsored_disclosed", "sponsored_undisclosed"]


# ----- safety --------------------------------------------------------------------------------


def test_csv_neutralises_formulas(labeled_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "posts.csv"
    export_data(labeled_project, out)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["id"]: row["text"] for row in rows}["00123"] == "'" + FORMULA_TEXT
    assert not any(
        value.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for value in row.values()
    )


def test_xlsx_cells_are_strings_never_formulas(labeled_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "posts.xlsx"
    export_data(labeled_project, out)
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Posts", "Annotations", "Agreement", "Codebook"]
    sheet = workbook["Posts"]
    header = [cell.value for cell in sheet[1]]
    cells = {row[header.index("id")].value: row[header.index("text")] for row in sheet.iter_rows(2)}
    assert cells["00123"].value == FORMULA_TEXT
    assert cells["00123"].data_type == "s"
    assert cells["1229871234567890123"].value == EMOJI_TEXT
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert not any(c.hyperlink for row in sheet.iter_rows() for c in row)


# ----- the workbook --------------------------------------------------------------------------


def test_workbook_sheets_styles_and_chart(labeled_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    export_data(labeled_project, out)
    workbook = openpyxl.load_workbook(out)
    posts = workbook["Posts"]
    assert posts.freeze_panes == "A2"
    assert posts.auto_filter.ref.startswith("A1:")
    assert posts.column_dimensions["C"].width >= 60  # the text column
    header = [c.value for c in posts[1]]
    resolved = posts.cell(3, header.index("resolved_label") + 1)
    assert resolved.value == "sponsored_disclosed"
    assert resolved.fill.fgColor.rgb.endswith("BDD7EE")
    annotations = workbook["Annotations"]
    assert annotations.max_row == 5  # header + 4 annotations
    agreement = workbook["Agreement"]
    measures = [row[0].value for row in agreement.iter_rows()]
    assert "Krippendorff's alpha" in measures and "Fleiss' kappa" in measures
    assert len(agreement._charts) == 1
    codebook = workbook["Codebook"]
    assert [c.value for c in codebook["A"]][1:] == [
        "not_sponsored", "sponsored_disclosed", "sponsored_undisclosed",
    ]  # fmt: skip


def test_rows_past_the_sheet_limit_continue_on_a_new_sheet(
    labeled_project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "big.xlsx"
    result = export_data(labeled_project, out, ExportOptions(xlsx_max_rows=3))
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[:2] == ["Posts", "Posts (2)"]
    assert workbook["Posts"].max_row == 3 and workbook["Posts (2)"].max_row == 3
    ids = [r[1].value for r in workbook["Posts"].iter_rows(2)] + [
        r[1].value for r in workbook["Posts (2)"].iter_rows(2)
    ]
    assert ids == IDS
    assert result.warnings and "Posts (2)" in result.warnings[0]


# ----- annotations and training ----------------------------------------------------------------


def test_annotations_long_format(labeled_project: Project, tmp_path: Path) -> None:
    post = _post_id(labeled_project, "1229871234567890123")
    save_annotation(
        labeled_project,
        AnnotationChange(
            post_id=post,
            annotator="ana",
            label_key="sponsored_disclosed",
            notes="says #ad",
            sponsor="GlowCo",
            evidence=(EvidenceSpan(21, 24, "#ad"),),
            seconds_spent=4.5,
        ),
    )
    out = tmp_path / "ann.csv"
    export_data(labeled_project, out, ExportOptions(what="annotations"))
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(frame) == 4
    first = frame.iloc[0]
    assert (first["id"], first["annotator"], first["label"], first["sponsor"]) == (
        "1229871234567890123", "ana", "sponsored_disclosed", "GlowCo",
    )  # fmt: skip
    assert json.loads(first["evidence"]) == [{"start": 21, "end": 24, "quote": "#ad"}]
    assert first["evidence_quotes"] == "#ad"
    assert float(first["seconds_spent"]) == 4.5
    assert first["created_at"] and first["updated_at"]


def test_training_keeps_resolved_labels_with_ids_and_evidence(
    labeled_project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "train.jsonl"
    export_data(labeled_project, out, ExportOptions(what="training"))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows == [
        {
            "id": "1229871234567890123",
            "text": EMOJI_TEXT,
            "label": "sponsored_disclosed",
            "label_id": 1,
            "evidence": [],
        }
    ]


def _many_posts(project: Project, tmp_path: Path, start: int, count: int) -> None:
    keys = ["not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"]
    posts = "".join(f"p{i},post number {i}\n" for i in range(start, start + count))
    import_dataset(project, write_csv(tmp_path / f"posts{start}.csv", "id,text\n" + posts))
    labels = "".join(f"p{i},ana,{keys[(i * 7) % 10 // 4]}\n" for i in range(start, start + count))
    import_labels(
        project, write_csv(tmp_path / f"l{start}.csv", "post_id,annotator,label\n" + labels)
    )


def test_split_is_stratified_reproducible_and_stable(project: Project, tmp_path: Path) -> None:
    _many_posts(project, tmp_path, 0, 3000)
    options = ExportOptions(what="training", split=parse_split("0.8,0.1,0.1"), seed=7)
    result = export_data(project, tmp_path / "data.csv", options)
    assert [f.name for f in result.files] == ["data.train.csv", "data.dev.csv", "data.test.csv"]
    parts = {
        n: pd.read_csv(tmp_path / f"data.{n}.csv", dtype=str) for n in ("train", "dev", "test")
    }
    assert sum(len(p) for p in parts.values()) == 3000
    overall = pd.concat(parts.values())["label"].value_counts(normalize=True)
    for name, share in (("train", 0.8), ("dev", 0.1), ("test", 0.1)):
        assert len(parts[name]) / 3000 == pytest.approx(share, abs=0.03)
        within = parts[name]["label"].value_counts(normalize=True)
        for label, expected in overall.items():
            assert within[label] == pytest.approx(expected, abs=0.08)  # about 3 sd
    first = {n: set(p["id"]) for n, p in parts.items()}
    export_data(project, tmp_path / "again.csv", options)
    assert {n: set(pd.read_csv(tmp_path / f"again.{n}.csv", dtype=str)["id"]) for n in first} == (
        first
    )
    _many_posts(project, tmp_path, 3000, 500)
    export_data(project, tmp_path / "more.csv", options)
    grown = {n: set(pd.read_csv(tmp_path / f"more.{n}.csv", dtype=str)["id"]) for n in first}
    for name in first:
        assert first[name] <= grown[name]  # no old post changed split
    other_seed = ExportOptions(what="training", split=(0.8, 0.1, 0.1), seed=8)
    export_data(project, tmp_path / "s8.csv", other_seed)
    assert set(pd.read_csv(tmp_path / "s8.test.csv", dtype=str)["id"]) != grown["test"]


def test_split_in_xlsx_is_a_column(project: Project, tmp_path: Path) -> None:
    _many_posts(project, tmp_path, 0, 100)
    out = tmp_path / "t.xlsx"
    export_data(project, out, ExportOptions(what="training", split=(0.8, 0.1, 0.1)))
    frame = pd.read_excel(out, sheet_name="Training", dtype=str, engine="openpyxl")
    assert set(frame["split"]) == {"train", "dev", "test"}


def test_parse_split_refuses_nonsense() -> None:
    assert parse_split("0.7,0.2,0.1") == (0.7, 0.2, 0.1)
    for bad in ("0.8,0.1", "a,b,c", "0.8,0.3,0.1", "-0.1,0.6,0.5"):
        with pytest.raises(UserError):
            parse_split(bad)


def test_every_export_file_honours_the_umask(labeled_project: Project, tmp_path: Path) -> None:
    """Files a colleague on the same machine or share must read: a new file gets what the
    umask allows (0644 under 022), like any other program's, never owner-only 0600."""
    import os
    import stat

    from annotator.services.exports.export_any import export_any

    kinds = [
        ("posts.csv", ExportOptions()),
        ("posts.jsonl", ExportOptions()),
        ("posts.parquet", ExportOptions()),
        ("posts.xlsx", ExportOptions()),
        ("annotations.csv", ExportOptions(what="annotations")),
        ("train.csv", ExportOptions(what="training", split=(0.5, 0.25, 0.25))),
        ("tasks.json", ExportOptions(what="label-studio")),
        ("doccano.jsonl", ExportOptions(what="doccano")),
    ]
    for umask, expected in ((0o022, 0o644), (0o027, 0o640)):
        folder = tmp_path / f"umask{umask:03o}"
        folder.mkdir()
        previous = os.umask(umask)
        try:
            written: list[Path] = []
            for name, options in kinds:
                result = export_any(labeled_project, folder / name, options)
                written += result.files
                if result.manifest is not None:
                    written.append(result.manifest)
        finally:
            os.umask(previous)
        assert {p.name for p in written} >= {
            "posts.csv", "posts.csv.manifest.json", "posts.jsonl", "posts.parquet", "posts.xlsx",
            "annotations.csv", "train.train.csv", "train.dev.csv", "train.test.csv",
            "train.csv.manifest.json", "tasks.json", "tasks.label_config.xml", "doccano.jsonl",
        }  # fmt: skip
        assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in written)
        modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in written}
        assert set(modes.values()) == {oct(expected)}, modes


# ----- provenance --------------------------------------------------------------------------------


def test_manifest_describes_the_export(labeled_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "posts.parquet"
    result = export_data(labeled_project, out, ExportOptions(dataset="small"))
    assert result.manifest == tmp_path / "posts.parquet.manifest.json"
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["filters"] == {"dataset": "small", "label": None, "annotator": None}
    assert manifest["rows"] == 4
    assert manifest["rows_per_label"] == {"sponsored_disclosed": 1}
    assert manifest["codebook"]["version"] and len(manifest["codebook"]["labels"]) == 3
    [described] = manifest["files"]
    assert described["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    again = export_data(labeled_project, tmp_path / "b.csv")
    assert json.loads(again.manifest.read_text())["project_id"] == manifest["project_id"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_split_files_hold_exactly_the_training_columns(
    project: Project, tmp_path: Path, suffix: str
) -> None:
    _many_posts(project, tmp_path, 0, 200)
    export_data(
        project, tmp_path / f"t{suffix}", ExportOptions(what="training", split=(0.8, 0.1, 0.1))
    )
    reader = pd.read_csv if suffix == ".csv" else pd.read_parquet
    train = reader(tmp_path / f"t.train{suffix}")
    assert list(train.columns) == ["id", "text", "label", "label_id", "evidence"]
    assert len(train) > 100


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"annotator": "ben"},
        {"label": "sponsored_disclosed"},
        {"label": "sponsored_undisclosed", "annotator": "ana"},
        {"dataset": "small"},
    ],
)
@pytest.mark.parametrize("with_gold", [True, False])
def test_arrow_path_gives_the_pandas_path_rows(
    labeled_project: Project, filters: dict[str, str], with_gold: bool
) -> None:
    """CSV and Parquet take posts through Arrow on SQLite; JSON Lines and xlsx through
    pandas. Both must give the same rows for every filter."""
    from annotator.services.exports.export_frames import ChunkSource, Filters
    from annotator.services.exports.export_tables import arrow_ready, post_tables
    from annotator.services.project.projects import codebook_of

    if with_gold:
        set_gold(
            labeled_project,
            post_id=_post_id(labeled_project, "1229871234567890124"),
            label_key="sponsored_undisclosed",
            decided_by="lead",
            notes="script copied from the campaign",
        )
        set_gold(  # a decision without a note: the note is missing on both paths
            labeled_project,
            post_id=_post_id(labeled_project, "00123"),
            label_key="not_sponsored",
            decided_by="ana",
        )
    codebook = codebook_of(labeled_project)
    with labeled_project.session() as session:
        wanted = Filters(**filters)
        by_pandas = ChunkSource(session, codebook, wanted, "posts", size=3)
        columns = by_pandas.columns()
        expected = [row for frame in by_pandas.frames() for row in frame.to_dict("records")]
        by_arrow = ChunkSource(session, codebook, wanted, "posts", size=3)
        assert by_arrow.columns() == columns
        assert arrow_ready(by_arrow)
        got = [row for table in post_tables(by_arrow) for row in table.to_pylist()]
    assert got == expected
    if not filters and not with_gold:  # a disagreement left for review
        assert [row["id"] for row in got if row["needs_review"]] == ["1229871234567890124"]
    if not filters and with_gold:  # unanimity, gold over a disagreement, unlabeled posts
        assert {row["id"]: row["resolved_label"] for row in got} == {
            "00123": "not_sponsored",
            "1229871234567890123": "sponsored_disclosed",
            "1229871234567890124": "sponsored_undisclosed",
            "42": None,
        }
        decided = {row["id"]: (row["gold_note"], row["gold_by"]) for row in got}
        assert decided == {
            "00123": (None, "ana"),
            "1229871234567890123": (None, None),
            "1229871234567890124": ("script copied from the campaign", "lead"),
            "42": (None, None),
        }
        stamps = [row["gold_at"] for row in got if row["gold_label"]]
        assert len(stamps) == 2 and all(re.match(r"\d{4}-\d\d-\d\dT\d\d:", s) for s in stamps)
    if filters.get("annotator"):  # one annotator's labels: nobody's gold
        assert all(row[c] is None for row in got for c in ("gold_label", "gold_note", "gold_at"))


def test_arrow_path_keeps_sqlites_rendering_of_extras_that_are_not_strings(
    small_project: Project, tmp_path: Path
) -> None:
    """Numbers, booleans, nulls and nested values in the extra columns (a JSON Lines
    import) come out as the pandas path gives them, beside a CSV dataset's strings."""
    from annotator.services.exports.export_frames import ChunkSource, Filters
    from annotator.services.exports.export_tables import post_tables
    from annotator.services.project.projects import codebook_of

    lines = [
        {"id": "t1", "text": "a", "likes": 3, "verified": True, "place": None},
        {"id": "t2", "text": "b", "likes": 2.5, "verified": False, "place": {"city": "Reno"}},
        {"id": "t3", "text": "c", "likes": "many", "tags": ["x", "y"]},
    ]
    tweets = tmp_path / "tweets.jsonl"
    tweets.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    import_dataset(small_project, tweets)
    codebook = codebook_of(small_project)
    for wanted in (Filters(), Filters(dataset="tweets"), Filters(dataset="small")):
        with small_project.session() as session:
            by_pandas = ChunkSource(session, codebook, wanted, "posts", size=2)
            by_pandas.columns()
            expected = [row for frame in by_pandas.frames() for row in frame.to_dict("records")]
            by_arrow = ChunkSource(session, codebook, wanted, "posts", size=1)
            by_arrow.columns()
            got = [row for table in post_tables(by_arrow) for row in table.to_pylist()]
        assert got == expected
    tweet_rows = {row["id"]: row for row in got if row["dataset"] == "tweets"}
    assert tweet_rows == {}  # the last filter was the CSV dataset
    with small_project.session() as session:
        everything = ChunkSource(session, codebook, Filters(dataset="tweets"), "posts", size=1)
        everything.columns()
        rows = {r["id"]: r for t in post_tables(everything) for r in t.to_pylist()}
    assert rows["t1"]["likes"] == "3" and rows["t1"]["verified"] == "true"
    assert rows["t1"]["place"] is None and rows["t2"]["likes"] == "2.5"
    assert rows["t3"]["likes"] == "many" and rows["t3"]["tags"] == '["x","y"]'


def test_parquet_dictionary_encodes_repeated_columns_only(project: Project, tmp_path: Path) -> None:
    """Labels and dataset names repeat: dictionary-encoded; texts and ids are unique: plain."""
    import pyarrow.parquet as pq

    _many_posts(project, tmp_path, 0, 200)
    out = tmp_path / "posts.parquet"
    export_data(project, out, ExportOptions(manifest=False))
    metadata = pq.ParquetFile(out).metadata
    names = [metadata.schema.column(i).name for i in range(metadata.num_columns)]
    encodings = {name: metadata.row_group(0).column(i).encodings for i, name in enumerate(names)}
    assert "RLE_DICTIONARY" in encodings["dataset"]
    assert "RLE_DICTIONARY" in encodings["resolved_label"]
    assert "RLE_DICTIONARY" not in encodings["text"]
    assert "RLE_DICTIONARY" not in encodings["id"]
    assert pd.read_parquet(out)["text"].is_unique
