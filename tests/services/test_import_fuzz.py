"""Fuzzing the CSV and JSON Lines importers: any rows either land exactly or not at all."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from annotator.domain.errors import UserError
from annotator.services.imports.importing import import_dataset
from annotator.services.project.projects import init_project
from annotator.store.queries import iter_posts

# Text a spreadsheet or a scraper can produce: any printable character, line breaks,
# quotes, delimiters, emoji; no NUL (refused by design) and no lone surrogates.
CELLS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
ROWS = st.lists(st.tuples(st.integers(0, 10**20), CELLS, CELLS), min_size=1, max_size=12)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _check(path: Path, rows: list[tuple[int, str, str]], folder: Path) -> None:
    project = init_project(folder / f"{path.stem}.annotator")
    try:
        try:
            report = import_dataset(project, path)
        except UserError as error:
            assert str(error)  # one sentence, and nothing landed
            with project.engine.connect() as connection:
                assert connection.execute(text("SELECT count(*) FROM post")).scalar() == 0
            return
        with project.session() as session:
            posts = {p.external_id: p.text for p in iter_posts(session)}
        expected: dict[str, str] = {}
        for number, body, _author in rows:
            if body.strip() and str(number) not in expected:
                expected[str(number)] = body
        assert posts == expected  # nothing lost, nothing changed
        assert report.added == len(posts)
    finally:
        project.close()


@SETTINGS
@given(rows=ROWS)
def test_csv_rows_land_exactly_or_not_at_all(tmp_path_factory, rows) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("csv")
    path = folder / "posts.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "author"])
        writer.writerows(rows)
    _check(path, rows, folder)


@SETTINGS
@given(rows=ROWS)
def test_jsonl_rows_land_exactly_or_not_at_all(tmp_path_factory, rows) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("jsonl")
    path = folder / "posts.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": number, "text": body, "author": author}) + "\n"
            for number, body, author in rows
        ),
        encoding="utf-8",
    )
    _check(path, rows, folder)
