"""Numeric dates ("02/03/2025 17:48:52") of one import made ISO 8601 once the whole
column has been read, keeping the text as written in an extra column.

Rows stream into the database chunk by chunk, but the order of day and month is known
only at the end of the column (row 40,000 may be the first "29/01/2025"). Rather than
read every file twice, the import writes the times as given and, only when the column
held numeric dates, rewrites those rows here, inside the same transaction (measured:
200,000 day-first rows import in 3.7 s against 2.5 s for ISO times; reading the file
twice would cost every import with a time column).
"""

from __future__ import annotations

from sqlalchemy import Connection

from annotator.domain.post_time import (
    DateOrder,
    DateOrderEvidence,
    decide_date_order,
    numeric_time_iso,
)

#: The extra column holding a converted time as the source wrote it.
ORIGINAL_TIME_COLUMN = "created_at_original"
_BATCH = 20_000


def settle_numeric_times(
    connection: Connection,
    evidence: DateOrderEvidence,
    *,
    after_id: int,
    stated: bool | None,
    file: str,
) -> tuple[DateOrder, int]:
    """Decide the column's order and rewrite the posts added after ``after_id`` (this
    import's: it holds the write transaction).

    Returns the order (its note for the summary) and how many posts were rewritten.
    Raises UserError when ``stated`` contradicts a value in the column.
    """
    order = decide_date_order(evidence, stated=stated, file=file)
    if order.day_first is None:
        return order, 0
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    select = f"SELECT id, created_at FROM post WHERE id > {marker} ORDER BY id LIMIT {_BATCH}"
    update = (
        f"UPDATE post SET created_at = {marker}, extra = {_keep_original(connection)} "
        f"WHERE id = {marker}"
    )
    rewritten = 0
    last = after_id
    while rows := connection.exec_driver_sql(select, (last,)).all():
        last = int(rows[-1][0])
        changes = []
        for post_id, created_at in rows:
            iso = numeric_time_iso(created_at, day_first=order.day_first) if created_at else None
            if iso is not None:
                changes.append((iso, post_id))
        if changes:
            connection.exec_driver_sql(update, changes)
            rewritten += len(changes)
    return order, rewritten


def _keep_original(connection: Connection) -> str:
    """SQL for the post's extra with the time as written (the column's value before this
    UPDATE) added; a source column of that name is left as it was. In SQL, not Python:
    decoding and encoding every row's extra doubled the time of a day-first import."""
    key = f"'{ORIGINAL_TIME_COLUMN}'"
    if connection.dialect.name == "sqlite":
        return f"json_insert(extra, '$.{ORIGINAL_TIME_COLUMN}', created_at)"
    return f"(jsonb_build_object({key}, created_at) || extra::jsonb)::json"
