"""Labels as people write them (`0`/`1`, `Yes`/`No`/`Not sure`): created, typed in any case,
imported, filtered and exported as the same texts."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from annotator.domain.codebook import codebook_from_specs
from annotator.domain.errors import UserError
from annotator.services.project.projects import codebook_of, open_project
from tests.cli.conftest import CliRunner
from tests.cli.conftest import cli as in_process_cli
from tests.conftest import write_csv

cli = in_process_cli  # the command line run in this process, as in tests/cli

POSTS = (
    "id,text\n"
    "101,Loving this serum from @glowco use code GLOW20\n"
    "102,Proud to stand with Dana Rivera! #Rivera2020\n"
    "103,Herfstwandeling in het bos\n"
)


def _labels(project: Path) -> list[tuple[str, str, str]]:
    with closing(open_project(project)) as opened:
        return [(lb.key, lb.display_name, lb.shortcut) for lb in codebook_of(opened).labels]


def _export(cli: CliRunner, project: Path, out: Path, *args: str) -> pd.DataFrame:
    cli("export", project, out, *args)
    return pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_numbers_as_labels(cli: CliRunner, tmp_path: Path) -> None:
    project = tmp_path / "binary.annotator"
    cli("init", project, "--label", "0", "--label", "1")
    assert _labels(project) == [("0", "0", "1"), ("1", "1", "2")]

    cli("import", project, write_csv(tmp_path / "posts.csv", POSTS), "--no-clusters")
    labels = write_csv(
        tmp_path / "coded.csv",
        "post_id,annotator,label\n101,ana,1\n102,ana,0\n103,ana,0\n101,ben,1\n102,ben,1\n",
    )
    assert "5 labels added" in cli("import-labels", project, labels).stdout

    exported = _export(cli, project, tmp_path / "out.csv").set_index("id")
    assert exported["label_ana"].to_dict() == {"101": "1", "102": "0", "103": "0"}
    assert exported["label_ben"].to_dict() == {"101": "1", "102": "1", "103": ""}

    training = _export(cli, project, tmp_path / "train.csv", "--what", "training")
    assert training.set_index("id")["label"].to_dict() == {"101": "1", "103": "0"}
    stats = json.loads(cli("stats", project, "--json").stdout)
    assert stats["labels"] == ["0", "1"]


def test_words_with_capitals_and_spaces(cli: CliRunner, tmp_path: Path) -> None:
    project = tmp_path / "yesno.annotator"
    cli("init", project, "--label", "Yes", "--label", "No", "--label", "Not sure")
    assert _labels(project) == [
        ("Yes", "Yes", "1"),
        ("No", "No", "2"),
        ("Not sure", "Not sure", "3"),
    ]

    cli("import", project, write_csv(tmp_path / "posts.csv", POSTS), "--no-clusters")
    labels = write_csv(
        tmp_path / "coded.csv",
        "post_id,annotator,label\n101,ana,Yes\n102,ana,Not sure\n103,ana,no\n102,ben,NOT SURE\n",
    )
    cli("import-labels", project, labels)

    exported = _export(cli, project, tmp_path / "out.csv").set_index("id")
    assert exported["label_ana"].to_dict() == {"101": "Yes", "102": "Not sure", "103": "No"}
    assert exported.loc["102", "resolved_label"] == "Not sure"

    # --label takes the text as a person types it, in any case
    chosen = _export(cli, project, tmp_path / "unsure.csv", "--label", "not sure")
    assert chosen["id"].tolist() == ["102"]


def test_doccano_round_trip_keeps_the_texts(cli: CliRunner, tmp_path: Path) -> None:
    project = tmp_path / "yesno.annotator"
    cli("init", project, "--label", "Yes", "--label", "Not sure")
    cli("import", project, write_csv(tmp_path / "posts.csv", POSTS), "--no-clusters")
    labels = write_csv(
        tmp_path / "l.csv", "post_id,annotator,label\n101,ana,Yes\n102,ana,Not sure\n"
    )
    cli("import-labels", project, labels)
    out = tmp_path / "ana.jsonl"
    cli("export", project, out, "--what", "doccano", "--annotator", "ana")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["label"] for line in lines] == [["Yes"], ["Not sure"], []]
    cli("import-labels", project, out, "--from", "doccano", "--annotator", "cy")
    exported = _export(cli, project, tmp_path / "out.csv").set_index("id")
    assert exported["label_cy"].to_dict() == {"101": "Yes", "102": "Not sure", "103": ""}


def test_labels_differing_only_in_case_are_refused(cli: CliRunner, tmp_path: Path) -> None:
    project = tmp_path / "dup.annotator"
    result = cli("init", project, "--label", "Positive", "--label", "positive", check=False)
    assert result.returncode == 2
    assert result.stderr == (
        "annotator: error: the labels 'Positive' and 'positive' differ only in case or "
        "spacing; give each label a name of its own\n"
    )
    assert not project.exists()


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        (["A", "B"], [("A", "A"), ("B", "B")]),
        (["not_sure", "pos=Positive"], [("not_sure", "Not sure"), ("pos", "Positive")]),
        ([" Not sure ", "=Maybe"], [("Not sure", "Not sure"), ("Maybe", "Maybe")]),
    ],
)
def test_label_texts_are_trimmed_and_keep_the_key_form(
    specs: list[str], expected: list[tuple[str, str]]
) -> None:
    codebook = codebook_from_specs(specs)
    assert [(label.key, label.display_name) for label in codebook.labels] == expected
    assert codebook.resolve(expected[0][1].upper()) == expected[0][0]


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (["Yes", " "], "label 2 has no text"),
        (["Yes", "Yes"], "repeats the label 'Yes'"),
        (["Not sure", "not_sure"], "'Not sure' and 'not_sure' differ only in case or spacing"),
        (["a=Yes", "b=yes"], "'Yes' and 'yes' differ only in case"),
    ],
)
def test_labels_a_person_cannot_tell_apart_are_refused(specs: list[str], message: str) -> None:
    with pytest.raises(UserError, match=message):
        codebook_from_specs(specs)


def test_the_tenth_label_has_no_shortcut() -> None:
    codebook = codebook_from_specs([str(n) for n in range(10)])
    assert [label.shortcut for label in codebook.labels] == [*"123456789", ""]
