"""Reading SQLite into Arrow on threads: rows as stored, read-only, results in order."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pyarrow as pa
import pytest

from annotator.services.sqlite_arrow import SqliteArrowReader, in_order_parallel


def _database(path: Path) -> Path:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, note TEXT)")
        connection.executemany(
            "INSERT INTO t VALUES (?, ?, NULL)", [(i, f"név {i} 👩‍👩‍👧") for i in range(1, 101)]
        )
    connection.close()
    return path


def test_reader_gives_the_rows_and_refuses_to_write(tmp_path: Path) -> None:
    path = _database(tmp_path / "t.db")
    reader = SqliteArrowReader(path)
    try:
        table = reader.table(
            "SELECT id, name, note FROM t WHERE id > 90 ORDER BY id", batch_rows=64
        )
        assert table.column("id").to_pylist() == list(range(91, 101))
        assert table.column("name").to_pylist()[0] == "név 91 👩‍👩‍👧"
        assert table.column("note").null_count == 10  # all NULL: the caller casts
        with pytest.raises(Exception, match="readonly"):
            reader.table("DELETE FROM t", batch_rows=1)
    finally:
        reader.close()
    check = sqlite3.connect(path)
    assert check.execute("SELECT count(*) FROM t").fetchone() == (100,)
    check.close()


def test_in_order_parallel_yields_in_order_though_later_items_finish_first() -> None:
    finished: list[int] = []
    lock = threading.Lock()

    def slow_first(item: int) -> int:
        time.sleep(0.05 if item == 0 else 0.0)
        with lock:
            finished.append(item)
        return item * 10

    assert list(in_order_parallel(slow_first, range(6), threads=3)) == [0, 10, 20, 30, 40, 50]
    assert finished[0] != 0  # the first item really finished after others


def test_in_order_parallel_stops_early_without_running_everything() -> None:
    started: list[int] = []

    def work(item: int) -> pa.Array:
        started.append(item)
        return pa.array([item])

    results = in_order_parallel(work, range(1000), threads=2)
    assert next(results).to_pylist() == [0]
    results.close()
    assert len(started) <= 8  # at most twice the threads wait at once
