from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.domain.codebook import MAX_EXAMPLE_CHARS, default_codebook
from annotator.domain.errors import UserError
from annotator.services.exports.exporting import codebook_version, export_data
from annotator.services.project.codebook_editing import set_label_definition, set_label_shortcuts
from annotator.services.project.project_settings import guidelines, set_guidelines
from annotator.services.project.projects import Project, codebook_of, open_project
from annotator.services.team.assignment import assign_posts
from annotator.services.team.packing import pack


def test_shortcuts_change_and_persist(project: Project) -> None:
    codebook = set_label_shortcuts(project, {"not_sponsored": "Q", "sponsored_disclosed": "W"})
    assert [label.shortcut for label in codebook.labels] == ["Q", "W", "3"]
    assert codebook_of(project) == codebook


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"not_sponsored": "3"}, "given to both"),
        ({"not_sponsored": "x", "sponsored_disclosed": "X"}, "given to both"),
        ({"maybe": "9"}, "no label maybe"),
    ],
)
def test_clashes_and_unknown_labels_change_nothing(
    project: Project, change: dict[str, str], message: str
) -> None:
    before = codebook_of(project)
    with pytest.raises(UserError, match=message):
        set_label_shortcuts(project, change)
    assert codebook_of(project) == before


def test_definition_and_examples_change_and_persist(project: Project) -> None:
    codebook = set_label_definition(
        project,
        "sponsored_undisclosed",
        description="  Paid or directed, and the post hides it.  ",
        examples=["  Use code RAE10 for 10% off  ", "", "   ", "Same words as 40 other accounts"],
    )
    label = codebook.get("sponsored_undisclosed")
    assert label is not None
    assert label.description == "Paid or directed, and the post hides it."
    assert label.examples == ("Use code RAE10 for 10% off", "Same words as 40 other accounts")
    assert (label.key, label.display_name, label.shortcut) == (
        "sponsored_undisclosed",
        "Sponsored, undisclosed",
        "3",
    )
    # Other labels keep the shipped definitions and examples.
    assert codebook.get("not_sponsored") == default_codebook().get("not_sponsored")
    reopened = open_project(project.location)
    assert codebook_of(reopened) == codebook
    reopened.close()


@pytest.mark.parametrize(
    ("key", "examples", "message"),
    [
        ("maybe", [], "no label maybe"),
        ("not_sponsored", ["a", "b", "c", "d"], "at most 3 example posts"),
        ("not_sponsored", ["x" * (MAX_EXAMPLE_CHARS + 1)], "characters long"),
    ],
)
def test_bad_definitions_change_nothing(
    project: Project, key: str, examples: list[str], message: str
) -> None:
    before = codebook_of(project)
    with pytest.raises(UserError, match=message):
        set_label_definition(project, key, description="new", examples=examples)
    assert codebook_of(project) == before
    assert before.get("not_sponsored") == default_codebook().get("not_sponsored")


def test_guidelines_are_kept_in_the_project(project: Project) -> None:
    assert guidelines(project) == default_codebook().guidelines
    set_guidelines(project, "# Our rules\n\nQuote the **#ad**.")
    reopened = open_project(project.location)
    assert guidelines(reopened) == "# Our rules\n\nQuote the **#ad**."
    set_guidelines(reopened, "")
    assert guidelines(reopened) == ""  # removed by the lead, not the shipped text again
    reopened.close()


def test_packages_carry_examples_and_guidelines(small_project: Project, tmp_path: Path) -> None:
    assign_posts(small_project, ["ana"], per_post=1)
    set_label_definition(
        small_project, "not_sponsored", description="No sign of payment.", examples=["My lunch"]
    )
    set_guidelines(small_project, "# Team rules")
    pack(small_project, tmp_path / "ana.annotator", annotator="ana")
    package = open_project(tmp_path / "ana.annotator")
    label = codebook_of(package).get("not_sponsored")
    assert label is not None
    assert (label.description, label.examples) == ("No sign of payment.", ("My lunch",))
    assert guidelines(package) == "# Team rules"
    package.close()


def test_export_manifest_names_the_edited_definition(
    small_project: Project, tmp_path: Path
) -> None:
    before = codebook_version(codebook_of(small_project))
    set_label_definition(
        small_project, "not_sponsored", description="No sign of payment.", examples=[]
    )
    result = export_data(small_project, tmp_path / "posts.csv")
    assert result.manifest is not None
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["codebook"]["labels"][0]["definition"] == "No sign of payment."
    assert manifest["codebook"]["version"] != before
