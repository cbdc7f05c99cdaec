"""``export --what label-studio --email-domain`` and ``import-labels --from label-studio
--users / --id-field`` from the command line, with Label Studio 1.23.2's real files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.cli.conftest import CliRunner

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "label_studio"


def _project(cli: CliRunner, tmp_path: Path, name: str = "p") -> Path:
    project = tmp_path / f"{name}.annotator"
    cli("init", project)
    cli("import", project, FIXTURES / "posts.csv", "--no-clusters")
    return project


def _refused(cli: CliRunner, *args: str | Path) -> str:
    result = cli(*args, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("annotator: error:")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    return result.stderr


def _annotations(cli: CliRunner, project: Path, out: Path) -> list[tuple[str, str, str]]:
    cli("export", project, out, "--what", "annotations")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return sorted((r["id"], r["annotator"], r["label"]) for r in csv.DictReader(handle))


def test_numbers_need_users_and_the_latest_of_two_is_said(cli: CliRunner, tmp_path: Path) -> None:
    project = _project(cli, tmp_path)
    export = FIXTURES / "csv_project.json"
    error = _refused(cli, "import-labels", project, export, "--from", "label-studio")
    assert "user number 2" in error and "--users" in error
    assert _annotations(cli, project, tmp_path / "none.csv") == []
    out = cli("import-labels", project, export, "--from", "label-studio",
              "--users", FIXTURES / "users.json").stdout  # fmt: skip
    assert "(annotators: ana, ben, lead)" in out
    assert "task 2 (row 2): ana annotated it 2 times; kept annotations[2] (id 5)" in out
    assert ("4", "ana", "not_sponsored") in _annotations(cli, project, tmp_path / "a.csv")


def test_other_exports_and_misplaced_options_are_refused(cli: CliRunner, tmp_path: Path) -> None:
    project = _project(cli, tmp_path)
    for fixture in ("csv_project.csv", "csv_project_min.json"):
        error = _refused(
            cli, "import-labels", project, FIXTURES / fixture, "--from", "label-studio"
        )
        assert "export the project from Label Studio as JSON" in error
    error = _refused(cli, "import-labels", project, FIXTURES / "posts.csv",
                     "--users", FIXTURES / "users.json")  # fmt: skip
    assert "--users and --id-field are for --from label-studio" in error
    error = _refused(cli, "export", project, tmp_path / "p.csv", "--email-domain", "uni.org")
    assert "--email-domain is for --what label-studio" in error
    error = _refused(cli, "export", project, tmp_path / "t.json", "--what", "label-studio",
                     "--email-domain", "not a domain")  # fmt: skip
    assert "is not a domain name" in error
    assert not list(tmp_path.glob("t.*"))


def test_id_field_names_where_the_post_id_is(cli: CliRunner, tmp_path: Path) -> None:
    project = _project(cli, tmp_path)
    task = {
        "id": 1,
        "data": {"id": 2, "post": "5", "text": "edited"},
        "annotations": [{"completed_by": {"email": "ana@x.org"}, "result": [
            {"from_name": "label", "to_name": "text", "type": "choices",
             "value": {"choices": ["Not sponsored"]}}]}],
    }  # fmt: skip
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    cli("import-labels", project, path, "--from", "label-studio", "--id-field", "data.post")
    assert _annotations(cli, project, tmp_path / "a.csv") == [("5", "ana", "not_sponsored")]


def test_export_round_trip_with_an_email_domain(cli: CliRunner, tmp_path: Path) -> None:
    first = _project(cli, tmp_path, "first")
    cli("import-labels", first, FIXTURES / "csv_project_cli.json", "--from", "label-studio")
    tasks = tmp_path / "tasks.json"
    out = cli("export", first, tasks, "--what", "label-studio", "--email-domain", "uni.example")
    assert "tasks.users.csv" in out.stdout
    users = (tmp_path / "tasks.users.csv").read_text(encoding="utf-8").splitlines()
    assert users == [
        "email,name",
        "ana@uni.example,ana",
        "ben@uni.example,ben",
        "lead@uni.example,lead",
    ]
    second = _project(cli, tmp_path, "second")
    cli("import-labels", second, tasks, "--from", "label-studio")
    before = _annotations(cli, first, tmp_path / "first.csv")
    assert len(before) == 6
    assert _annotations(cli, second, tmp_path / "second.csv") == before
