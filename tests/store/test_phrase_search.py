"""Search means what it says: quoted phrases match word for word, on FTS5 and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from annotator.domain.search_terms import parse_search, search_hits
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.projects import Project, init_project
from annotator.store.navigation import QueueMode, fts_query
from tests.conftest import needs_server, write_csv

POSTS = (
    "id,text,author\n"
    "p1,Paid for by Rivera for America,cam\n"
    "p2,I paid for lunch; thanks by the way,dee\n"
    "p3,By the time it was paid for the shop was shut,eve\n"
    "p4,paid  FOR\tby the committee (spacing differs),fay\n"
    "p5,Sponsored post for a bakery,gus\n"
)


def _found(project: Project, query: str) -> set[str]:
    queue = LabelingQueue(project, "ana", QueueMode("search", query))
    found = set()
    if queue.current_id is not None:
        found.add(queue.current_post().external_id)  # type: ignore[union-attr]
        while queue.go_next():
            found.add(queue.current_post().external_id)  # type: ignore[union-attr]
    return found


def _check_meaning(project: Project, folder: Path) -> None:
    import_dataset(project, write_csv(folder / "posts.csv", POSTS))
    assert _found(project, "paid for by") == {"p1", "p2", "p3", "p4"}
    assert _found(project, '"paid for by"') == {"p1", "p4"}
    assert _found(project, '"paid for by" rivera') == {"p1"}
    assert _found(project, 'committee "paid for by"') == {"p4"}
    assert _found(project, "sponso") == {"p5"}  # an unquoted last word is a prefix
    assert _found(project, '"sponso"') == set()  # a quoted word is a whole word
    assert _found(project, '"paid for by') == {"p1", "p4"}  # an open quote runs to the end


def test_phrase_search_on_the_fts5_index(project: Project, tmp_path: Path) -> None:
    _check_meaning(project, tmp_path)


@needs_server
def test_phrase_search_on_postgresql(database: str, tmp_path: Path) -> None:
    opened = init_project(database)
    try:
        _check_meaning(opened, tmp_path)
    finally:
        opened.close()


def test_fts_query_syntax() -> None:
    assert fts_query('"Paid for by" rivera am') == '"Paid for by" "rivera" "am"*'
    assert fts_query('say "no" ') == '"no" "say"'
    assert fts_query('"') == ""


def test_terms_and_hits_for_highlighting() -> None:
    terms = parse_search('#ad "paid for by" spon')
    assert terms.phrases == (("paid", "for", "by"),)
    assert terms.words == ("ad",)
    assert terms.prefix == "spon"
    text = "#ad Paid for\nby us. Sponsored. paid for lunch by"
    hits = [text[s:e] for s, e in search_hits(text, '#ad "paid for by" spon')]
    assert hits == ["ad", "Paid for\nby", "Sponsored"]
