from __future__ import annotations

import pytest

from annotator.domain.codebook import Codebook, Label, codebook_from_specs, default_codebook
from annotator.domain.errors import UserError


def test_default_codebook_has_the_three_labels_with_number_keys() -> None:
    codebook = default_codebook()
    assert codebook.keys == ("not_sponsored", "sponsored_disclosed", "sponsored_undisclosed")
    assert [label.shortcut for label in codebook.labels] == ["1", "2", "3"]
    assert all(label.description for label in codebook.labels)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("not_sponsored", "not_sponsored"),
        ("  NOT_SPONSORED ", "not_sponsored"),
        ("Sponsored, disclosed", "sponsored_disclosed"),
        ("sponsored-undisclosed", "sponsored_undisclosed"),
        ("sponsored undisclosed", "sponsored_undisclosed"),
        ("sponsored", None),
        ("", None),
    ],
)
def test_resolve_matches_keys_and_names_ignoring_case(typed: str, key: str | None) -> None:
    assert default_codebook().resolve(typed) == key


def test_specs_build_ordered_labels_with_shortcuts() -> None:
    codebook = codebook_from_specs(["yes=Clearly yes", "no", "unsure=Can't tell"])
    assert codebook.keys == ("yes", "no", "unsure")
    assert [label.display_name for label in codebook.labels] == ["Clearly yes", "No", "Can't tell"]
    assert [label.shortcut for label in codebook.labels] == ["1", "2", "3"]


def test_no_specs_gives_the_default_codebook() -> None:
    assert codebook_from_specs([]) == default_codebook()


@pytest.mark.parametrize("bad", [["a", "a"], ["Yes", "yes"], [" "]])
def test_bad_keys_are_refused(bad: list[str]) -> None:
    with pytest.raises(UserError):
        codebook_from_specs(bad)


def test_codebook_rejects_duplicate_keys_directly() -> None:
    with pytest.raises(UserError, match="repeats"):
        Codebook((Label("x", "X"), Label("x", "Y")))


def test_two_labels_on_one_key_are_refused_with_both_names() -> None:
    with pytest.raises(UserError, match="'2' to both 'Yes' and 'No'"):
        Codebook((Label("yes", "Yes", shortcut="2"), Label("no", "No", shortcut="2")))
