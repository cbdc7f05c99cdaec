"""One name per person through the command line: label imports, team commands, stats."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.services.project.projects import open_project
from annotator.store.tables import Annotation, Annotator
from tests.cli.conftest import CliRunner
from tests.conftest import write_csv

POSTS = "id,text\n1,first post\n2,second post\n3,third post\n4,fourth post\n"


def _project(tmp_path: Path, cli: CliRunner) -> Path:
    project = tmp_path / "names.annotator"
    cli("init", project)
    cli("import", project, write_csv(tmp_path / "posts.csv", POSTS))
    return project


def test_label_import_and_team_commands_see_one_person_in_any_case(
    tmp_path: Path, cli: CliRunner
) -> None:
    project = _project(tmp_path, cli)
    labels = write_csv(
        tmp_path / "labels.csv",
        "post_id,annotator,label\n"
        "1,Ana,not_sponsored\n"
        "2,ANA ,not_sponsored\n"
        "3,ａｎａ,sponsored_disclosed\n"
        "4,ana\u00a0,not_sponsored\n"
        "1,ben,not_sponsored\n",
    )
    cli("import-labels", project, labels)
    stats = json.loads(cli("stats", project, "--json").stdout)
    assert stats["annotators"] == ["Ana", "ben"]
    assert "look_alike_names" not in stats
    only = json.loads(cli("stats", project, "--json", "--annotators", "ANA").stdout)
    assert only["annotators"] == ["Ana"] and only["items"] == 4

    assert "Assigned" in cli("assign", project, "--annotators", "ana,ANA,Ben").stdout
    out = cli("pack", project, tmp_path / "ana.pkg", "--annotator", "ANA").stdout
    assert "Packed" in out
    cli("merge", project, tmp_path / "ana.pkg")
    assert json.loads(cli("stats", project, "--json").stdout)["annotators"] == ["Ana", "ben"]
    assert "Renamed ana to Ana B;" in cli("rename-annotator", project, "ana", " Ana B ").stdout
    stats = json.loads(cli("stats", project, "--json").stdout)
    assert stats["annotators"] == ["Ana B", "ben"]


def test_refused_names_exit_2_with_the_sentence_and_change_nothing(
    tmp_path: Path, cli: CliRunner
) -> None:
    project = _project(tmp_path, cli)
    cli(
        "import-labels",
        project,
        write_csv(tmp_path / "ok.csv", "post_id,annotator,label\n1,ana,not_sponsored\n"),
    )
    before = project.read_bytes()
    cyrillic = write_csv(
        tmp_path / "bad.csv",
        "post_id,annotator,label\n2,ben,not_sponsored\n3,\u0430na,not_sponsored\n",
    )
    cases = [
        (("import-labels", project, cyrillic), "mixes Cyrillic and Latin letters"),
        (("rename-annotator", project, "ana", "\u202eana"), "U+202E RIGHT-TO-LEFT OVERRIDE"),
        (("rename-annotator", project, "ana", " "), "the annotator name is empty"),
        (("assign", project, "--annotators", "ben,an\u200da"), "U+200D ZERO WIDTH JOINER"),
        (("merge-annotators", project, "an\u200ca", "ana"), "no annotator 'an<U+200C>a'"),
    ]
    for args, sentence in cases:
        result = cli(*args, check=False)
        assert result.returncode == 2, result.stderr
        assert sentence in result.stderr
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
        assert "\u202e" not in result.stderr and "\u200d" not in result.stderr
    assert project.read_bytes() == before


def test_stats_reports_an_old_projects_look_alikes_and_merge_annotators_fixes_them(
    tmp_path: Path, cli: CliRunner
) -> None:
    project = _project(tmp_path, cli)
    opened = open_project(str(project))
    try:
        with opened.session() as session:  # as a project made before names were checked
            for post_id, name in enumerate(["Ana", "ANA", "ana "], start=1):
                row = Annotator(name=name)
                session.add(row)
                session.flush()
                assert row.id is not None
                session.add(
                    Annotation(post_id=post_id, annotator_id=row.id, label_key="not_sponsored")
                )
    finally:
        opened.close()
    table = cli("stats", project).stdout
    assert (
        "names that look like one person: Ana / ANA / ana␣ — merge them with annotator "
        "merge-annotators PROJECT FROM INTO"
    ) in table
    assert (
        "Merged ANA into Ana: 1 labels moved"
        in cli("merge-annotators", project, "ANA", "Ana").stdout
    )
    cli("merge-annotators", project, "ana ", "Ana")
    stats = json.loads(cli("stats", project, "--json").stdout)
    assert stats["annotators"] == ["Ana"] and stats["items"] == 3
    assert "look like one person" not in cli("stats", project).stdout


def test_label_files_and_exports_name_people_in_any_spelling(
    tmp_path: Path, cli: CliRunner
) -> None:
    project = _project(tmp_path, cli)
    cyrillic = write_csv(
        tmp_path / "bad.csv",
        "post_id,annotator,label\n2,ben,not_sponsored\n3,\u0430na,not_sponsored\n",
    )
    refused = cli("import-labels", project, cyrillic, check=False)
    assert refused.returncode == 2
    assert "bad.csv, row 3, column 'annotator': the annotator name" in refused.stderr
    twice = write_csv(
        tmp_path / "twice.csv",
        "post_id,annotator,label\n1,Ana,not_sponsored\n1,ana,sponsored_disclosed\n",
    )
    conflict = cli("import-labels", project, twice, check=False)
    assert conflict.returncode == 2 and "labels the same post twice" in conflict.stderr
    cli(
        "import-labels",
        project,
        write_csv(tmp_path / "ok.csv", "post_id,annotator,label\n1,ana,not_sponsored\n"),
    )
    out = tmp_path / "ana.csv"
    cli("export", project, out, "--what", "annotations", "--annotator", "ANA ")
    assert "not_sponsored" in out.read_text(encoding="utf-8-sig")
