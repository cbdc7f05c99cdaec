"""One name per person: labels, marks, drafts, renames and merges see one annotator per
person, and an old project's look-alike spellings are reported and can be merged."""

from __future__ import annotations

import re
import unicodedata

import pytest
from sqlmodel import select

from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange, Draft
from annotator.services.labeling.annotating import save_annotation
from annotator.services.labeling.marks import set_mark
from annotator.services.project.projects import Project
from annotator.services.review.agreement_report import agreement_report, format_report
from annotator.services.team.annotators import merge_annotators, rename_annotator
from annotator.store.drafts import get_draft, put_draft
from annotator.store.queries import annotator_names
from annotator.store.tables import Annotation, Annotator

SAME_AS_ANA = ["Ana", "ANA", "ana ", "ana\u00a0", "ａｎａ", "ana"]
REFUSED = {
    "\u0430na": "mixes Cyrillic and Latin",
    "an\u200da": "U+200D ZERO WIDTH JOINER",
    "\u202eana": "U+202E RIGHT-TO-LEFT OVERRIDE",
}
NFC_ANA = unicodedata.normalize("NFC", "ána")
NFD_ANA = unicodedata.normalize("NFD", "ána")


def _label(project: Project, name: str, post_id: int = 1) -> None:
    save_annotation(
        project, AnnotationChange(post_id=post_id, annotator=name, label_key="not_sponsored")
    )


def test_the_issues_eleven_spellings_are_three_people_or_refused(small_project: Project) -> None:
    for post_id, name in enumerate(SAME_AS_ANA, start=1):
        _label(small_project, name, post_id=post_id % 4 + 1)
    _label(small_project, NFC_ANA)
    _label(small_project, NFD_ANA.upper())
    for name, sentence in REFUSED.items():
        with pytest.raises(UserError, match=re.escape(sentence)):
            _label(small_project, name)
    with small_project.session() as session:
        assert annotator_names(session) == ["Ana", NFC_ANA]
    report = agreement_report(small_project, resamples=10)
    assert report.annotators == ["Ana", NFC_ANA]
    assert report.look_alike == []


def test_marks_and_drafts_find_the_person_in_any_case(small_project: Project) -> None:
    _label(small_project, "Ana")
    set_mark(small_project, post_id=1, annotator="ANA ", kind="flag", on=True)
    with small_project.session() as session:
        put_draft(session, Draft(post_id=2, annotator="ａｎａ", notes="half typed"))
    with small_project.session() as session:
        draft = get_draft(session, post_id=2, annotator="ana")
        assert draft is not None and draft.notes == "half typed"
        assert list(session.exec(select(Annotator.name)).all()) == ["Ana"]
    with pytest.raises(UserError, match=re.escape("U+200B ZERO WIDTH SPACE")):
        set_mark(small_project, post_id=1, annotator="an\u200ba", kind="flag", on=True)


def test_rename_cleans_the_name_and_refuses_another_persons_in_any_case(
    small_project: Project,
) -> None:
    _label(small_project, "ana")
    _label(small_project, "ben", post_id=2)
    assert rename_annotator(small_project, "ANA", " Ana\u00a0") == "Ana"  # a change of case
    with pytest.raises(UserError, match="'ben' already exists"):
        rename_annotator(small_project, "Ana", "BEN")
    with pytest.raises(UserError, match="RIGHT-TO-LEFT OVERRIDE"):
        rename_annotator(small_project, "Ana", "\u202eben")
    with pytest.raises(UserError, match="name is empty"):
        rename_annotator(small_project, "Ana", " ")
    assert agreement_report(small_project, resamples=10).annotators == ["Ana", "ben"]


OLD_SPELLINGS = ["Ana", "ANA", "ana ", "an\u200da", "\u0430na", "ben"]


def _old_project(project: Project) -> None:
    """Rows as a project made before names were checked holds them: one label each."""
    with project.session() as session:
        for post_id, name in enumerate(OLD_SPELLINGS, start=1):
            row = Annotator(name=name)
            session.add(row)
            session.flush()
            assert row.id is not None
            session.add(
                Annotation(post_id=post_id % 4 + 1, annotator_id=row.id, label_key="not_sponsored")
            )


def test_an_old_projects_look_alikes_are_reported_and_merged(small_project: Project) -> None:
    _old_project(small_project)
    report = agreement_report(small_project, resamples=10)
    assert report.look_alike == [["Ana", "ANA", "ana ", "an\u200da", "\u0430na"]]
    table = format_report(report)
    assert (
        "names that look like one person: Ana / ANA / ana␣ / an<U+200D>a / \u0430na — merge "
        "them with annotator merge-annotators PROJECT FROM INTO"
    ) in table
    assert "  ana␣: " in table  # two spellings no longer look identical on screen
    assert report.to_json()["look_alike_names"] == report.look_alike

    # A label given now under "ana" goes to the first spelling, not a new annotator.
    _label(small_project, "ana", post_id=4)
    for source in ["ANA", "ana ", "an\u200da", "\u0430na"]:  # FROM exactly as stored
        merge_annotators(small_project, source, "Ana")
    after = agreement_report(small_project, resamples=10)
    assert after.look_alike == []
    assert after.annotators == ["Ana", "ben"]
    assert "look like one person" not in format_report(after)
    assert after.to_json().get("look_alike_names") is None


def test_merge_refuses_two_spellings_of_one_stored_name(small_project: Project) -> None:
    _label(small_project, "Ana")
    with pytest.raises(UserError, match="one annotator already"):
        merge_annotators(small_project, "ana", "Ana")
