from __future__ import annotations

import pytest

from annotator.domain.errors import UserError
from annotator.services.codebook_editing import set_label_shortcuts
from annotator.services.projects import Project, codebook_of


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
