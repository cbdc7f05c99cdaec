"""Posts as Arrow tables straight from SQLite, for the CSV and Parquet writers.

The same rows as ``ChunkSource``'s pandas path (``export_frames``), built without pandas:
SQLite pivots each annotator's label, finds the gold and the unanimous label per post
(scalar subqueries on the (post, annotator) index, in C), and Arrow compute resolves the
label and filters. On a million posts this halves the time of a CSV or Parquet export;
the pandas path stays for PostgreSQL, JSON Lines and xlsx.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import text

from annotator.services.export_frames import (
    POST_COLUMNS,
    ChunkSource,
    extras_in_sql,
    fetch_rows,
    json_text,
    label_column,
)


def arrow_ready(source: ChunkSource) -> bool:
    """Whether ``post_tables`` can build this export (posts, on SQLite, plain extra names)."""
    connection = source.session.connection()
    return (
        source.what == "posts"
        and connection.dialect.name == "sqlite"
        and extras_in_sql(source.extras)
    )


def _annotator_ids(source: ChunkSource) -> list[int]:
    rows = source.session.connection().execute(text("SELECT name, id FROM annotator")).all()
    ids = {str(name): int(number) for name, number in rows}
    return [ids[name] for name in source.annotators]


def _statement(source: ChunkSource, ids: list[int]) -> str:
    """Keyset-paged posts with their labels; the unanimous label and whether any label
    exists are computed over the exported annotators only."""
    among = f"a.annotator_id IN ({', '.join(map(str, ids))})" if ids else "0"
    labels = "".join(
        f", (SELECT a.label_key FROM annotation a WHERE a.post_id = p.id"
        f" AND a.annotator_id = {number})"
        for number in ids
    )
    gold = (
        "(SELECT g.label_key FROM gold_label g WHERE g.post_id = p.id)"
        if source.filters.annotator is None
        else "NULL"
    )
    # One subquery for both: NULL when nobody labeled the post, '' when the labels
    # differ (no label key is empty), else the label everyone gave.
    agreed = (
        "(SELECT CASE WHEN count(*) = 0 THEN NULL WHEN count(DISTINCT a.label_key) = 1"
        f" THEN min(a.label_key) ELSE '' END FROM annotation a WHERE a.post_id = p.id"
        f" AND {among})"
    )
    labeled = f"EXISTS (SELECT 1 FROM annotation a WHERE a.post_id = p.id AND {among})"
    extras = "".join(f", {json_text(e)}" for e in source.extras)
    dataset = " AND d.name = :dataset" if source.filters.dataset is not None else ""
    only_labeled = f" AND {labeled}" if source.filters.annotator is not None else ""
    return (
        "SELECT p.id, d.name, p.external_id, p.text, p.author, p.created_at, p.platform,"
        f" p.url{labels}, {gold}, {agreed}{extras}"
        " FROM post p JOIN dataset d ON d.id = p.dataset_id"
        f" WHERE p.id > :after{dataset}{only_labeled} ORDER BY p.id LIMIT :size"
    )


def post_tables(source: ChunkSource) -> Iterator[pa.Table]:
    """The posts export in Arrow tables of at most ``source.size`` rows."""
    columns = source.columns()
    ids = _annotator_ids(source)
    statement = text(_statement(source, ids))
    connection = source.session.connection()
    names = [label_column(n) for n in source.annotators]
    extra_names = columns[len(columns) - len(source.extras) :]
    string = pa.string()
    after = 0
    while True:
        params: dict[str, Any] = {"after": after, "size": source.size}
        if source.filters.dataset is not None:
            params["dataset"] = source.filters.dataset
        rows = fetch_rows(connection, statement, params)
        if not rows:
            return
        after = int(rows[-1][0])
        values = list(zip(*rows, strict=True))
        posts = {name: pa.array(values[1 + i], type=string) for i, name in enumerate(POST_COLUMNS)}
        first_label = 1 + len(POST_COLUMNS)
        labels = {
            name: pa.array(values[first_label + i], type=string) for i, name in enumerate(names)
        }
        gold = pa.array(values[first_label + len(names)], type=string)
        agreed = pa.array(values[first_label + len(names) + 1], type=string)
        labeled = pc.is_valid(agreed)
        resolved = pc.coalesce(gold, pc.if_else(pc.equal(agreed, ""), None, agreed))
        extras = {
            name: pa.array(values[first_label + len(names) + 2 + i], type=string)
            for i, name in enumerate(extra_names)
        }
        table = pa.table(
            {
                **posts,
                **labels,
                "gold_label": gold,
                "resolved_label": resolved,
                "needs_review": pc.and_(labeled, pc.is_null(resolved)),
                **extras,
            }
        )
        if source.filters.label is not None:
            table = table.filter(pc.equal(table["resolved_label"], source.filters.label))
        if table.num_rows:
            yield table.select(columns)
