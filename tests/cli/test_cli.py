"""The command line end to end, run in-process as a script would call it (see conftest)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd

from annotator import __version__
from annotator.cli import run_cli
from tests.cli.conftest import CliRunner, annotator_process
from tests.conftest import DATASETS, SMALL_CSV, write_csv


def test_init_import_labels_stats_export_round_trip(tmp_path: Path, cli: CliRunner) -> None:
    project = tmp_path / "study.annotator"
    source = write_csv(tmp_path / "posts.csv", SMALL_CSV)
    labels = write_csv(
        tmp_path / "labels.csv",
        "post_id,annotator,label,notes,sponsor\n"
        "00123,ana,not_sponsored,,\n"
        "00123,ben,sponsored_undisclosed,looks coordinated,Rivera for America\n"
        "1229871234567890123,ana,sponsored_disclosed,#ad,GlowCo\n",
    )
    assert "Created project" in cli("init", project).stdout
    out = cli("import", project, source, "--dataset", "campaign").stdout
    assert "posts.csv -> dataset 'campaign': read 4, imported 4, duplicates skipped 0" in out
    assert "Columns used: text=text, id=id" in out
    assert "3 labels added" in cli("import-labels", project, labels).stdout

    stats = json.loads(cli("stats", project, "--json").stdout)
    assert set(stats) == {
        "items", "items_multi", "annotators", "labels", "percent_agreement", "cohen_kappa",
        "fleiss_kappa", "krippendorff_alpha", "per_label", "per_question", "confusion", "gold",
    }  # fmt: skip
    assert set(stats["krippendorff_alpha"]) == {"alpha", "ci95"}
    assert stats["cohen_kappa"]["ana|ben"]["n"] == 1
    assert (stats["items"], stats["items_multi"]) == (2, 1)
    assert stats["annotators"] == ["ana", "ben"]
    assert stats["per_label"]["sponsored_undisclosed"]["count"] == 1
    assert stats["confusion"]["ana|ben"]["matrix"][0] == [0, 0, 1]
    table = cli("stats", project).stdout
    assert "ana × ben" in table and "sponsored_undisclosed" in table

    cli("export", project, tmp_path / "out.csv")
    frame = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    row = frame.set_index("id").loc["00123"]
    assert (row["label_ana"], row["label_ben"]) == ("not_sponsored", "sponsored_undisclosed")
    assert row["text"].startswith("'=HYPERLINK")
    assert list(frame["id"]) == ["00123", "1229871234567890123", "1229871234567890124", "42"]

    cli("export", project, tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["Posts"]
    header = [c.value for c in sheet[1]]
    first = [c for c in sheet[2]]
    assert first[header.index("id")].value == "00123"
    assert first[header.index("text")].data_type == "s"
    assert first[header.index("label_ben")].value == "sponsored_undisclosed"


def test_custom_codebook_from_labels(tmp_path: Path, cli: CliRunner) -> None:
    project = tmp_path / "c.annotator"
    cli("init", project, "--label", "political=Political ad", "--label", "other")
    source = write_csv(tmp_path / "p.csv", "id,text\n1,hello\n")
    cli("import", project, source)
    labels = write_csv(tmp_path / "l.csv", "post_id,annotator,label\n1,ana,Political ad\n")
    cli("import-labels", project, labels)
    stats = json.loads(cli("stats", project, "--json").stdout)
    assert stats["labels"] == ["political", "other"]
    assert stats["per_label"]["political"]["count"] == 1
    assert stats["per_question"] == {}


def test_user_errors_are_one_line_exit_2_and_change_nothing(tmp_path: Path, cli: CliRunner) -> None:
    project = tmp_path / "e.annotator"
    cli("init", project)
    before = project.read_bytes()
    bad = write_csv(tmp_path / "bad.csv", "id,text\n1,a\n1,b\n")
    result = cli("import", project, bad, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("annotator: error: bad.csv, row 3, column 'id'")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    stats = json.loads(cli("stats", project, "--json").stdout)
    assert stats["items"] == 0
    assert project.stat().st_size >= len(before)

    for args in (
        ("stats", tmp_path / "missing.annotator"),
        ("import", project, tmp_path / "nope.csv"),
        ("export", project, tmp_path / "x.doc"),
        ("init", project),
        ("frobnicate",),
        ("import", project),
    ):
        result = cli(*args, check=False)
        assert result.returncode == 2, args
        assert result.stderr.startswith("annotator: error:"), result.stderr
        assert "Traceback" not in result.stderr


def test_shipped_sample_imports_whole_with_its_labels(tmp_path: Path, cli: CliRunner) -> None:
    project = tmp_path / "sample.annotator"
    cli("init", project)
    cli("import", project, DATASETS / "sample_posts.csv", "--dataset", "sample")
    cli("import-labels", project, DATASETS / "sample_labels.csv")
    stats = json.loads(cli("stats", project, "--json").stdout)
    source = pd.read_csv(DATASETS / "sample_posts.csv", dtype=str, keep_default_na=False)
    assert len(source) >= 300
    assert (stats["items"], stats["items_multi"]) == (150, 120)
    assert stats["annotators"] == ["ana", "ben", "chloe"]
    assert 0.5 < stats["krippendorff_alpha"]["alpha"] < 0.95
    cli("export", project, tmp_path / "sample.csv")
    exported = pd.read_csv(tmp_path / "sample.csv", dtype=str, keep_default_na=False)
    assert list(exported["id"]) == list(source["id"])
    plain = exported["text"].where(~exported["text"].str.startswith("'"), exported["text"].str[1:])
    assert list(plain) == list(source["text"])


def test_sample_command_builds_the_same_project_as_the_step_by_step_import(
    tmp_path: Path, cli: CliRunner
) -> None:
    cli("sample", tmp_path / "one.annotator")
    stats = json.loads(cli("stats", tmp_path / "one.annotator", "--json").stdout)
    assert (stats["items"], stats["items_multi"]) == (150, 120)
    cli("sample", tmp_path / "bare.annotator", "--no-labels")
    bare = json.loads(cli("stats", tmp_path / "bare.annotator", "--json").stdout)
    assert bare["items"] == 0
    again = cli("sample", tmp_path / "one.annotator", check=False)
    assert again.returncode == 2 and "exists" in again.stderr


def test_version_and_help(cli: CliRunner) -> None:
    assert cli("--version").stdout == f"annotator {__version__}\n"
    help_text = cli("--help").stdout
    for command in ("init", "import", "import-labels", "export", "stats", "gui"):
        assert command in help_text
    assert "--no-clusters" in cli("import", "--help").stdout


def test_no_command_or_gui_opens_the_app_with_its_project() -> None:
    opened: list[tuple[str | None, str | None]] = []

    def launch(project: str | None, annotator_name: str | None) -> int:
        opened.append((project, annotator_name))
        return 7

    assert run_cli([], launch_gui=launch) == 7
    assert run_cli(["gui", "p.annotator", "--annotator", "ana"], launch_gui=launch) == 7
    assert run_cli(["gui"], launch_gui=launch) == 7
    assert opened == [(None, None), ("p.annotator", "ana"), (None, None)]


def test_import_xlsx_with_sheet_and_header_row_flags(tmp_path: Path, cli: CliRunner) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Readme"
    workbook.active.append(["This workbook holds coded posts"])
    sheet = workbook.create_sheet("Coded")
    for row in (["exported 2020-03-01"], ["Tweet ID", "Tweet Text"], ["00123", "hi #ad"]):
        sheet.append(row)
    workbook.save(tmp_path / "coded.xlsx")
    project = tmp_path / "x.annotator"
    cli("init", project)
    out = cli(
        "import", project, tmp_path / "coded.xlsx", "--sheet", "Coded", "--header-row", "2"
    ).stdout
    assert "read 1, imported 1" in out
    assert "text=Tweet Text, id=Tweet ID" in out
    cli("export", project, tmp_path / "back.csv")
    back = pd.read_csv(tmp_path / "back.csv", dtype=str, keep_default_na=False)
    assert list(back["id"]) == ["00123"]
    assert list(back["text"]) == ["hi #ad"]


def test_label_studio_and_doccano_round_trip_through_the_cli(
    tmp_path: Path, cli: CliRunner
) -> None:
    first = tmp_path / "first.annotator"
    cli("init", first)
    cli("import", first, DATASETS / "sample_posts.csv", "--dataset", "sample")
    cli("import-labels", first, DATASETS / "sample_labels.csv")
    out = cli("export", first, tmp_path / "tasks.json", "--what", "label-studio").stdout
    assert "Label Studio tasks" in out
    assert (tmp_path / "tasks.label_config.xml").read_text(encoding="utf-8").startswith("<View")
    second = tmp_path / "second.annotator"
    cli("init", second)
    cli("import", second, tmp_path / "tasks.json", "--id-col", "data.external_id",
              "--dataset", "sample")  # fmt: skip
    cli("import-labels", second, tmp_path / "tasks.json", "--from", "label-studio")
    before = json.loads(cli("stats", first, "--json").stdout)
    after = json.loads(cli("stats", second, "--json").stdout)
    assert after["confusion"] == before["confusion"]
    cli("export", first, tmp_path / "ana.jsonl", "--what", "doccano", "--annotator", "ana")
    third = tmp_path / "third.annotator"
    cli("init", third)
    cli("import", third, DATASETS / "sample_posts.csv", "--dataset", "sample")
    missing = cli("import-labels", third, tmp_path / "ana.jsonl", "--from", "doccano",
                        check=False)  # fmt: skip
    assert missing.returncode == 2 and "--annotator" in missing.stderr
    cli("import-labels", third, tmp_path / "ana.jsonl", "--from", "doccano",
              "--annotator", "ana")  # fmt: skip
    stats = json.loads(cli("stats", third, "--json").stdout)
    assert (
        stats["per_label"]
        == json.loads(cli("stats", first, "--json", "--annotators", "ana").stdout)["per_label"]
    )


def test_stats_filters_and_undefined_values_through_the_cli(tmp_path: Path, cli: CliRunner) -> None:
    project = tmp_path / "s.annotator"
    cli("init", project)
    cli("import", project, DATASETS / "sample_posts.csv", "--dataset", "sample")
    cli("import-labels", project, DATASETS / "sample_labels.csv")
    solo = json.loads(cli("stats", project, "--json", "--annotators", "ana").stdout)
    assert solo["annotators"] == ["ana"]
    assert solo["krippendorff_alpha"]["alpha"] is None
    assert solo["krippendorff_alpha"]["reason"]
    assert solo["fleiss_kappa"] == {"kappa": None, "n": 0, "reason": solo["fleiss_kappa"]["reason"]}
    pair = json.loads(cli("stats", project, "--json", "--annotators", "ana,ben").stdout)
    assert set(pair["cohen_kappa"]) == {"ana|ben"}
    wrong = cli("stats", project, "--dataset", "nope", check=False)
    assert wrong.returncode == 2 and "no dataset 'nope'" in wrong.stderr


def test_assign_through_the_cli(tmp_path: Path, cli: CliRunner) -> None:
    project = tmp_path / "a.annotator"
    cli("init", project)
    cli("import", project, DATASETS / "sample_posts.csv", "--dataset", "sample")
    out = cli(
        "assign", project, "--annotators", "ana,ben,chloe", "--per-post", "2", "--overlap", "0.2"
    ).stdout
    assert out.startswith("Assigned 381 posts")
    again = cli("assign", project, "--annotators", "ana,ben,chloe").stdout
    assert again.startswith("Assigned 0 posts")
    bad = cli("assign", project, "--annotators", "ana", "--per-post", "2", check=False)
    assert bad.returncode == 2 and "--per-post" in bad.stderr


def test_pack_and_merge_through_the_cli(tmp_path: Path, cli: CliRunner) -> None:
    project = tmp_path / "lead.annotator"
    cli("init", project)
    cli("import", project, DATASETS / "sample_posts.csv", "--dataset", "sample")
    cli("assign", project, "--annotators", "ana,ben", "--per-post", "1")
    package = tmp_path / "ana.annotator"
    out = cli("pack", project, package, "--annotator", "ana").stdout
    assert out.startswith("Packed 19") and "posts for ana" in out
    cli("export", package, tmp_path / "mine.csv")
    first_id = pd.read_csv(tmp_path / "mine.csv", dtype=str)["id"][0]
    labels = write_csv(
        tmp_path / "l.csv", f"post_id,annotator,label\n{first_id},ana,sponsored_disclosed\n"
    )
    cli("import-labels", package, labels)
    merged = cli("merge", project, package).stdout
    assert "1 changes added" in merged and "1 added" in merged
    again = cli("merge", project, package).stdout
    assert "0 changes added, 1 already here" in again
    stats = json.loads(cli("stats", project, "--json").stdout)
    assert stats["per_label"]["sponsored_disclosed"]["count"] == 1
    foreign = tmp_path / "foreign.annotator"
    cli("init", foreign)
    refused = cli("merge", foreign, tmp_path / "ana.annotator", check=False)
    assert refused.returncode == 2 and "another project" in refused.stderr


def test_rename_annotator_through_the_cli(tmp_path: Path, cli: CliRunner) -> None:
    project = tmp_path / "r.annotator"
    cli("init", project)
    cli("import", project, DATASETS / "sample_posts.csv", "--dataset", "sample")
    cli("import-labels", project, DATASETS / "sample_labels.csv")
    cli("rename-annotator", project, "chloe", "chloé")
    stats = json.loads(cli("stats", project, "--json").stdout)
    assert stats["annotators"] == ["ana", "ben", "chloé"]
    clash = cli("rename-annotator", project, "ana", "ben", check=False)
    assert clash.returncode == 2 and "already exists" in clash.stderr


def test_merge_annotators_through_the_cli(tmp_path: Path, cli: CliRunner) -> None:
    project = tmp_path / "m.annotator"
    cli("init", project)
    cli("import", project, DATASETS / "sample_posts.csv", "--dataset", "sample")
    cli("import-labels", project, DATASETS / "sample_labels.csv")
    out = cli("merge-annotators", project, "chloe", "ana").stdout
    assert out.startswith("Merged chloe into ana")
    stats = json.loads(cli("stats", project, "--json").stdout)
    assert stats["annotators"] == ["ana", "ben"]


def test_clusters_json_through_the_cli(tmp_path: Path, cli: CliRunner) -> None:
    project = tmp_path / "c.annotator"
    cli("init", project)
    cli("import", project, DATASETS / "sample_posts.csv", "--dataset", "sample")
    found = json.loads(cli("clusters", project, "--json", "--min-size", "5").stdout)
    assert found, "the sample has campaign scripts copied by many accounts"
    for cluster in found:
        assert set(cluster) == {
            "id", "size", "authors", "first", "last", "representative", "post_ids",
        }  # fmt: skip
        assert cluster["size"] == len(cluster["post_ids"]) >= 5
        assert 1 <= cluster["authors"] <= cluster["size"]
    assert found == sorted(found, key=lambda c: -c["size"])
    table = cli("clusters", project).stdout
    assert "near-identical posts" in table
    bad = cli("clusters", project, "--threshold", "2", check=False)
    assert bad.returncode == 2


def test_import_finds_clusters_unless_told_not_to(tmp_path: Path, cli: CliRunner) -> None:
    from annotator.services.clusters.clustering import list_clusters
    from annotator.services.project.projects import open_project

    def stored(location: Path) -> int:
        project = open_project(location)
        try:
            return len(list_clusters(project))
        finally:
            project.close()

    skipped, grouped = tmp_path / "skipped.annotator", tmp_path / "grouped.annotator"
    for project in (skipped, grouped):
        cli("init", project)
    quiet = cli("import", skipped, DATASETS / "sample_posts.csv", "--no-clusters")
    assert "clusters of near-identical posts" not in quiet.stdout
    assert stored(skipped) == 0
    said = cli("import", grouped, DATASETS / "sample_posts.csv").stdout
    found = stored(grouped)
    assert found > 0 and f"{found:,} clusters of near-identical posts" in said


def test_clusters_are_the_same_in_every_run(tmp_path: Path, cli: CliRunner) -> None:
    # Two real processes: string hashing is seeded once per interpreter, at its start.
    project = tmp_path / "d.annotator"
    cli("init", project)
    cli("import", project, DATASETS / "sample_posts.csv", "--dataset", "sample")
    runs = [
        json.loads(
            annotator_process("clusters", project, "--json", env={"PYTHONHASHSEED": seed}).stdout
        )
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and runs[0]
