from __future__ import annotations

import pytest

from annotator.domain.codebook import codebook_from_specs, default_codebook
from annotator.domain.markers import (
    contradicts,
    find_markers,
    load_markers,
    parse_markers,
    undisclosing_labels,
)

MARKERS = load_markers()


def found(text: str) -> list[str]:
    return [m.text for m in find_markers(text, MARKERS)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Loving this serum #ad", ["#ad"]),
        ("#AD at the start", ["#AD"]),
        ("Weekend #adventure with #adidas in #spring", []),
        ("I'd add that the ad in the paper was bad", []),
        ("AD | Why is hotel Wi-Fi so bad?", ["AD"]),
        ("Vote Tuesday!\nPaid for by Rivera for America", ["Paid for by"]),
        ("Paid   partnership with GlowCo", ["Paid   partnership with"]),
        ("#sp #spring #sunset", ["#sp"]),
        ("Danke an Mango #werbung #anzeige", ["#werbung", "#anzeige"]),
        ("nouvelle routine #sponsorisé", ["#sponsorisé"]),
        (
            "Huge thanks to Mango Fizz for sponsoring this video!",
            ["thanks to Mango Fizz for sponsoring"],
        ),
        ("#ad_free living", []),
        ("email me at ad@example.com", []),
    ],
)
def test_markers_respect_word_boundaries(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_offsets_point_at_the_marker() -> None:
    text = "Great day 👩‍👩‍👧 #sponsored"
    [match] = find_markers(text, MARKERS)
    assert text[match.start : match.end] == "#sponsored"
    assert match.marker == "#sponsored"


def test_longer_marker_wins_over_the_shorter_inside_it() -> None:
    [match] = find_markers("Paid partnership with X", MARKERS)
    assert match.marker == "paid partnership with"


def test_comment_lines_are_skipped_and_hashtags_kept() -> None:
    markers = parse_markers("# a comment\n#ad\n\nsponsored by\n#\n")
    assert [m.source for m in markers] == ["#ad", "sponsored by"]


def test_a_disclosure_marker_contradicts_the_labels_that_deny_disclosure() -> None:
    codebook = default_codebook()
    assert undisclosing_labels(codebook) == {"not_sponsored", "sponsored_undisclosed"}
    found = find_markers("Vote Tuesday. Paid for by Rivera for America", load_markers())
    assert [m.text for m in found] == ["Paid for by"]
    assert contradicts(codebook, "sponsored_undisclosed", found)
    assert contradicts(codebook, "not_sponsored", found)
    assert not contradicts(codebook, "sponsored_disclosed", found)
    assert not contradicts(codebook, "sponsored_undisclosed", [])
    # A codebook of its own words, without questions, warns about nothing it cannot know.
    assert undisclosing_labels(codebook_from_specs(["yes=Yes", "no=No"])) == frozenset()
