"""The rows an export writes, as pandas frames a chunk at a time (memory stays flat).

- posts: one row per post, each annotator's label, the gold decision (label, note, who,
  when), resolved label, extras;
- annotations: one row per (post, annotator) with notes, evidence, sponsor, time, and the
  post's gold decision;
- training: text, label, label_id, evidence quotes, id; resolved labels only, with a
  reproducible split.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select, text
from sqlmodel import Session, col

from annotator.domain.codebook import Codebook
from annotator.store.media import stored_images_of_posts
from annotator.store.tables import (
    CLUSTERS_SEARCHED_AT,
    Annotation,
    Annotator,
    Dataset,
    GoldLabel,
    Post,
    ProjectMeta,
)

POST_COLUMNS = ["dataset", "id", "text", "author", "created_at", "platform", "url"]
#: The gold decision beside its label in every export that carries gold: why, who, when.
GOLD_COLUMNS = ["gold_label", "gold_note", "gold_by", "gold_at"]
#: The model's prediction, in posts exports of a project whose model was trained.
MODEL_COLUMNS = ["model_label", "model_confidence"]
SPLITS = ("train", "dev", "test")


@dataclass(frozen=True)
class Filters:
    """Which posts (and annotations) an export takes."""

    dataset: str | None = None
    label: str | None = None
    annotator: str | None = None


def label_column(annotator: str) -> str:
    return f"label_{annotator}"


def split_of(key: str, seed: int, fractions: tuple[float, float, float]) -> str:
    """The split a key falls in: a hash of (seed, key) against the cumulative fractions.

    ``key`` is the post's cluster anchor's (``cluster_anchors``) or the post's own, so it
    depends on nothing but the seed and posts already there: adding posts never moves an
    existing one; per label the shares match the fractions in expectation (exact quotas
    per label would reshuffle old posts whenever new ones arrive).
    """
    digest = hashlib.sha256(f"{seed}\x1f{key}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    total = sum(fractions)
    edge = 0.0
    for name, fraction in zip(SPLITS, fractions, strict=True):
        edge += fraction / total
        if point < edge:
            return name
    return SPLITS[-1]


def extra_columns(session: Session, filters: Filters) -> list[str]:
    """Every extra source column of the exported datasets, in first-seen order (each
    dataset's own list, kept by the import: no pass over the posts' JSON)."""
    statement = select(col(Dataset.extra_columns)).order_by(col(Dataset.id))
    if filters.dataset is not None:
        statement = statement.where(col(Dataset.name) == filters.dataset)
    names: dict[str, None] = {}
    for keys in session.execute(statement).scalars():
        names.update(dict.fromkeys(str(key) for key in keys or []))
    return list(names)


def annotator_names(session: Session, filters: Filters) -> list[str]:
    names = sorted(str(n) for n in session.execute(select(col(Annotator.name))).scalars())
    return [n for n in names if filters.annotator in (None, n)]


def _posts_window(
    session: Session, filters: Filters, after: int, size: int
) -> list[tuple[Any, ...]]:
    statement = (
        select(
            col(Post.id),
            col(Dataset.name),
            col(Post.external_id),
            col(Post.text),
            col(Post.author),
            col(Post.created_at),
            col(Post.platform),
            col(Post.url),
            col(Post.extra),
        )
        .join(Dataset, col(Dataset.id) == col(Post.dataset_id))
        .where(col(Post.id) > after)
        .order_by(col(Post.id))
        .limit(size)
    )
    if filters.dataset is not None:
        statement = statement.where(col(Dataset.name) == filters.dataset)
    return list(session.execute(statement).all())


def _annotations_between(session: Session, first: int, last: int) -> list[tuple[Any, ...]]:
    statement = (
        select(
            col(Annotation.post_id),
            col(Annotator.name),
            col(Annotation.label_key),
            col(Annotation.notes),
            col(Annotation.sponsor),
            col(Annotation.evidence),
            col(Annotation.seconds_spent),
            col(Annotation.created_at),
            col(Annotation.updated_at),
        )
        .join(Annotator, col(Annotator.id) == col(Annotation.annotator_id))
        .where(col(Annotation.post_id) >= first, col(Annotation.post_id) <= last)
        .order_by(col(Annotation.post_id), col(Annotator.name))
    )
    return list(session.execute(statement).all())


def _gold_between(session: Session, first: int, last: int) -> dict[int, tuple[Any, ...]]:
    """post -> (label, note, decided by, decided at) as ``GOLD_COLUMNS`` writes them."""
    statement = select(
        col(GoldLabel.post_id),
        col(GoldLabel.label_key),
        col(GoldLabel.notes),
        col(GoldLabel.decided_by),
        col(GoldLabel.decided_at),
    ).where(col(GoldLabel.post_id) >= first, col(GoldLabel.post_id) <= last)
    return {
        int(post): (str(key), note or None, who or None, stamp(at))
        for post, key, note, who, at in session.execute(statement).all()
    }


def gold_sql(alias: str, *, sqlite: bool) -> str:
    """SQL for ``GOLD_COLUMNS`` of the gold_label row ``alias``: blank note and decider as
    missing, the time in ISO 8601 (SQLite stores ``YYYY-MM-DD HH:MM:SS.ffffff``; other
    databases give a datetime, which ``stamp`` renders)."""
    at = f"replace({alias}.decided_at, ' ', 'T')" if sqlite else f"{alias}.decided_at"
    return f"{alias}.label_key, NULLIF({alias}.notes, ''), NULLIF({alias}.decided_by, ''), {at}"


def _text(value: Any) -> Any:
    """Extras keep strings as they are; other JSON values become JSON text."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def has_predictions(session: Session) -> bool:
    """Whether the project's model has stored predictions (posts exports then carry them)."""
    found = session.connection().execute(text("SELECT 1 FROM post_prediction LIMIT 1"))
    return found.first() is not None


def predictions_for(connection: Any, post_ids: list[int]) -> tuple[list[Any], list[Any]]:
    """The model's label and confidence (rounded to 4 places) of each post, None where it
    has none: one read per window of posts, the same on both stores."""
    if not post_ids:
        return [], []
    rows = fetch_rows(
        connection,
        text(
            "SELECT post_id, label, confidence FROM post_prediction"
            " WHERE post_id BETWEEN :first AND :last"
        ),
        {"first": min(post_ids), "last": max(post_ids)},
    )
    found = {int(r[0]): (str(r[1]), round(float(r[2]), 4)) for r in rows}
    pairs = [found.get(int(p), (None, None)) for p in post_ids]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def resolved_label(labels: dict[str, str], gold: str | None) -> str | None:
    """Gold, else the label every annotator gave, else None (needs review)."""
    if gold:
        return gold
    given = set(labels.values())
    return given.pop() if len(given) == 1 else None


def count_posts(session: Session, filters: Filters) -> int:
    statement = select(func.count()).select_from(Post)
    if filters.dataset is not None:
        statement = statement.join(Dataset, col(Dataset.id) == col(Post.dataset_id)).where(
            col(Dataset.name) == filters.dataset
        )
    return int(session.execute(statement).scalar_one())


@dataclass
class _Window:
    """One window of posts as the database gave it, with their labels and gold labels."""

    rows: list[tuple[Any, ...]]
    labels: list[tuple[Any, ...]]
    #: (post id, *GOLD_COLUMNS) per post with a gold label.
    gold: list[tuple[Any, ...]]


#: Posts per page an export reads and writes at a time (memory stays flat).
def cluster_anchors(session: Session) -> dict[int, str]:
    """Post id -> split key of its cluster's anchor (the member with the smallest post id).

    Splitting by the anchor's key keeps every copy-paste cluster inside one split, so a
    campaign cannot leak from train into test. New posts get higher ids, so an existing
    cluster keeps its anchor and its posts keep their split; posts in no cluster keep
    their own key (and today's split). Known limit: when re-clustering merges two
    existing clusters, the posts of the one whose anchor changed move together.
    One query, built once per export: a dict lookup per row costs nothing at 1M rows.
    """
    rows = session.connection().execute(
        text(
            "SELECT m.post_id, d.name, p.external_id FROM cluster_member m"
            " JOIN (SELECT cluster_id, MIN(post_id) AS anchor FROM cluster_member"
            " GROUP BY cluster_id) a ON a.cluster_id = m.cluster_id"
            " JOIN post p ON p.id = a.anchor JOIN dataset d ON d.id = p.dataset_id"
        )
    )
    return {int(post_id): f"{dataset}\x1f{external_id}" for post_id, dataset, external_id in rows}


def has_clusters(session: Session) -> bool:
    """Whether the posts were searched for clusters (``annotator clusters``, or an import
    that clusters): noted when searched, or any post is in a cluster (a project made
    before the note existed)."""
    connection = session.connection()
    noted = connection.execute(
        select(col(ProjectMeta.key)).where(col(ProjectMeta.key) == CLUSTERS_SEARCHED_AT)
    ).first()
    if noted is not None:
        return True
    return connection.execute(text("SELECT 1 FROM cluster_member LIMIT 1")).first() is not None


PAGE_ROWS = 20_000


def media_column(media: str) -> str:
    """The training export's picture column for ``--media hashes|paths``."""
    return "media_paths" if media == "paths" else "media_hashes"


@dataclass
class ChunkSource:
    """Yields frames of at most ``size`` rows of one kind of export."""

    session: Session
    codebook: Codebook
    filters: Filters
    what: str
    split: tuple[float, float, float] | None = None
    seed: int = 0
    #: training: "hashes" or "paths" adds a column of each post's stored pictures (hashes;
    #: ``export_media`` turns them into paths); "none" adds nothing.
    media: str = "none"
    size: int = field(default_factory=lambda: PAGE_ROWS)
    _anchors: dict[int, str] = field(default_factory=dict, init=False, repr=False)
    _media: dict[int, list[str]] = field(default_factory=dict, init=False, repr=False)

    def columns(self) -> list[str]:
        if self.what == "annotations":
            return [
                "dataset", "id", "text", "annotator", "label", "notes", "sponsor",
                "evidence", "evidence_quotes", "seconds_spent", "created_at", "updated_at",
                *GOLD_COLUMNS,
            ]  # fmt: skip
        if self.what == "training":
            return [
                "id",
                "text",
                "label",
                "label_id",
                "evidence",
                *([media_column(self.media)] if self.media != "none" else []),
                *(["split"] if self.split else []),
            ]
        self._names = annotator_names(self.session, self.filters)
        self._extras = [
            c for c in extra_columns(self.session, self.filters)
            if c not in POST_COLUMNS
        ]  # fmt: skip
        self._model = has_predictions(self.session)
        model = MODEL_COLUMNS if self._model else []
        fixed = [*POST_COLUMNS, *(label_column(n) for n in self._names), *GOLD_COLUMNS,
                 "resolved_label", "needs_review", *model]  # fmt: skip
        return [*fixed, *(e if e not in fixed else f"extra.{e}" for e in self._extras)]

    @property
    def annotators(self) -> list[str]:
        """The annotators whose labels a posts export has columns for (after ``columns``)."""
        return self._names

    @property
    def with_model(self) -> bool:
        """Whether a posts export carries ``MODEL_COLUMNS`` (after ``columns``)."""
        return self._model

    @property
    def extras(self) -> list[str]:
        """The extra source columns a posts export carries (after ``columns``)."""
        return self._extras

    def frames(self) -> Iterator[pd.DataFrame]:
        if self.what == "posts":
            yield from self._post_frames()
            return
        columns = self.columns()
        label_ids = {key: i for i, key in enumerate(self.codebook.keys)}
        self._anchors = cluster_anchors(self.session) if self.split else {}
        after = 0
        while True:
            posts = _posts_window(self.session, self.filters, after, self.size)
            if not posts:
                return
            first, last = int(posts[0][0]), int(posts[-1][0])
            after = last
            notes: dict[int, list[tuple[Any, ...]]] = {}
            for row in _annotations_between(self.session, first, last):
                notes.setdefault(int(row[0]), []).append(row)
            gold = _gold_between(self.session, first, last)
            self._media = (
                stored_images_of_posts(self.session.connection(), [int(p[0]) for p in posts])
                if self.what == "training" and self.media != "none"
                else {}
            )
            rows = [
                r
                for post in posts
                for r in self._rows(post, notes.get(int(post[0]), []), gold, label_ids)
            ]
            yield pd.DataFrame(rows, columns=columns)

    def _rows(
        self,
        post: tuple[Any, ...],
        annotations: list[tuple[Any, ...]],
        gold: dict[int, tuple[Any, ...]],
        label_ids: dict[str, int],
    ) -> list[list[Any]]:
        """Rows of the annotations and training exports (posts: ``_post_frames``)."""
        post_id, dataset, external_id, text, *_ = post
        wanted = self.filters
        decision = gold.get(int(post_id))
        if self.what == "annotations":
            # The post's gold decision on every annotator's row, whoever is exported:
            # it is what each annotator's label is compared with.
            decided = list(decision) if decision else [None] * len(GOLD_COLUMNS)
            return [
                [dataset, external_id, text, name, key, note, sponsor,
                 json.dumps(evidence or [], ensure_ascii=False),
                 " | ".join(span["quote"] for span in evidence or []),
                 seconds, stamp(created), stamp(updated), *decided]
                for _, name, key, note, sponsor, evidence, seconds, created, updated in annotations
                if wanted.annotator in (None, name) and wanted.label in (None, key)
            ]  # fmt: skip
        labels = {str(a[1]): str(a[2]) for a in annotations}
        if wanted.annotator is not None:
            if wanted.annotator not in labels:
                return []
            labels = {wanted.annotator: labels[wanted.annotator]}
        gold_label = decision[0] if decision and wanted.annotator is None else None
        resolved = resolved_label(labels, gold_label)
        if resolved is None or wanted.label not in (None, resolved):
            return []
        quotes = [
            span["quote"]
            for a in annotations
            if str(a[2]) == resolved and wanted.annotator in (None, str(a[1]))
            for span in a[5] or []
        ]
        row = [external_id, text, resolved, label_ids[resolved], list(dict.fromkeys(quotes))]
        if self.media != "none":
            row.append(self._media.get(int(post_id), []))
        if self.split:
            key = self._anchors.get(int(post_id), f"{dataset}\x1f{external_id}")
            row.append(split_of(key, self.seed, self.split))
        return [row]

    def _post_frames(self) -> Iterator[pd.DataFrame]:
        """Posts, vectorised: SQL does the joins and pulls the extra columns out of the
        JSON (SQLite's json functions, in C); pandas pivots and resolves the labels."""
        columns = self.columns()
        connection = self.session.connection()
        sqlite = connection.dialect.name == "sqlite"
        in_sql = sqlite and extras_in_sql(self._extras)
        extra_sql = "".join(f", {json_text(e)}" for e in self._extras) if in_sql else ""
        on_server = not sqlite and bool(self._extras) and extras_in_sql(self._extras)
        extra_column = "p.extra"
        if on_server:
            extra_column, extra_sql = server_extras_sql(self._extras)
        dataset_sql = " AND d.name = :dataset" if self.filters.dataset is not None else ""
        statement = text(
            "SELECT p.id, d.name, p.external_id, p.text, p.author, p.created_at, p.platform,"
            f" p.url, {extra_column}{extra_sql} FROM post p JOIN dataset d ON d.id = p.dataset_id"
            f" WHERE p.id > :after{dataset_sql} ORDER BY p.id LIMIT :size"
        )
        for window in self._windows(connection, statement):
            rows = window.rows
            # Column-wise, dtype=object throughout: pandas' Arrow-backed strings cost a
            # conversion per element in the row-wise steps below (measured 20x slower),
            # and building from columns skips pandas' per-row type checks.
            values = list(zip(*rows, strict=True))
            frame = pd.DataFrame(
                {
                    name: np.array(values[i], dtype=object)
                    for i, name in enumerate(["post_id", *POST_COLUMNS])
                },
                dtype=object,
            )
            if on_server:
                extras = pd.DataFrame(
                    server_extras(values, self._extras), index=frame.index, dtype=object
                )
            elif in_sql:
                extras = pd.DataFrame(
                    {e: np.array(values[9 + i], dtype=object) for i, e in enumerate(self._extras)},
                    index=frame.index,
                    dtype=object,
                )
            else:
                decoded = [json.loads(r[8]) if isinstance(r[8], str) else r[8] or {} for r in rows]
                extras = pd.DataFrame(
                    [[_text(d.get(e)) for e in self._extras] for d in decoded],
                    columns=self._extras,
                    dtype=object,
                )
            if self._model:
                model = predictions_for(connection, [int(p) for p in frame["post_id"]])
                for name, values in zip(MODEL_COLUMNS, model, strict=True):
                    frame[name] = np.array(values, dtype=object)
            frame = self._with_labels(frame, window)
            if frame is None:
                continue
            extras = extras.loc[frame.index]
            extras.columns = columns[len(columns) - len(self._extras) :]
            result = pd.concat([frame.drop(columns=["post_id"]), extras], axis=1)
            yield result[columns].reset_index(drop=True)

    def _read_window(self, connection: Any, statement: Any, after: int) -> _Window | None:
        """The next window of posts after ``after``, with their labels and gold labels."""
        params: dict[str, Any] = {"after": after, "size": self.size}
        if self.filters.dataset is not None:
            params["dataset"] = self.filters.dataset
        rows = fetch_rows(connection, statement, params, json_as_text=True)
        if not rows:
            return None
        span = {"first": int(rows[0][0]), "last": int(rows[-1][0])}
        labels = fetch_rows(
            connection,
            text(
                "SELECT a.post_id, n.name, a.label_key FROM annotation a"
                " JOIN annotator n ON n.id = a.annotator_id"
                " WHERE a.post_id BETWEEN :first AND :last"
            ),
            span,
        )
        gold: list[tuple[Any, ...]] = []
        if self.filters.annotator is None:
            sqlite = connection.dialect.name == "sqlite"
            gold = fetch_rows(
                connection,
                text(
                    f"SELECT g.post_id, {gold_sql('g', sqlite=sqlite)} FROM gold_label g"
                    " WHERE g.post_id BETWEEN :first AND :last"
                ),
                span,
            )
            if not sqlite:
                gold = [(*row[:-1], stamp(row[-1])) for row in gold]
        return _Window(rows, labels, gold)

    def _windows(self, connection: Any, statement: Any) -> Iterator[_Window]:
        """Windows in id order (keyset paging: each starts after the last id seen).

        Reading the next window on a second thread while this one is written was tried
        and gained nothing: building the rows' Python strings holds the GIL."""
        after = 0
        while (window := self._read_window(connection, statement, after)) is not None:
            after = int(window.rows[-1][0])
            yield window

    def _with_labels(self, frame: pd.DataFrame, window: _Window) -> pd.DataFrame | None:
        given_rows = window.labels
        labels = pd.DataFrame(
            {
                name: np.array(column, dtype=object)
                for name, column in zip(
                    ["post_id", "name", "label"],
                    zip(*given_rows, strict=True) if given_rows else ((), (), ()),
                    strict=True,
                )
            },
            dtype=object,
        )
        names = self._names
        wide = (
            labels[labels["name"].isin(names)].pivot(
                index="post_id", columns="name", values="label"
            )
            if len(labels)
            else pd.DataFrame(columns=names)
        )
        wide = wide.reindex(index=frame["post_id"], columns=names)
        wide.index = frame.index
        given_array = wide.notna().to_numpy()
        values = wide.to_numpy(dtype=object)
        decided = pd.DataFrame(
            {
                name: np.array(column, dtype=object)
                for name, column in zip(
                    ["post_id", *GOLD_COLUMNS],
                    zip(*window.gold, strict=True) if window.gold else [()] * 5,
                    strict=True,
                )
            },
            dtype=object,
        ).set_index("post_id")
        decided = decided.reindex(frame["post_id"])
        decided.index = frame.index
        gold = decided["gold_label"]
        given = pd.Series(given_array.any(axis=1), index=frame.index)
        unanimous = pd.Series(None, index=frame.index, dtype=object)
        if names:
            rows = np.arange(len(frame))
            first_label = values[rows, given_array.argmax(axis=1)]
            same = ((values == first_label[:, None]) | ~given_array).all(axis=1)
            unanimous[same & given_array.any(axis=1)] = first_label[same & given_array.any(axis=1)]
        resolved = gold.where(gold.notna(), unanimous)
        keep = pd.Series(True, index=frame.index)
        if self.filters.annotator is not None:
            keep &= given
        if self.filters.label is not None:
            keep &= resolved == self.filters.label
        if not keep.any():
            return None
        for name in names:
            frame[label_column(name)] = wide[name].astype(object).where(wide[name].notna(), None)
        for name in GOLD_COLUMNS:
            frame[name] = decided[name].astype(object).where(decided[name].notna(), None)
        frame["resolved_label"] = resolved.astype(object).where(resolved.notna(), None)
        frame["needs_review"] = given & resolved.isna()
        return frame[keep]


def fetch_rows(
    connection: Any, statement: Any, params: dict[str, Any], *, json_as_text: bool = False
) -> list[tuple[Any, ...]]:
    """Rows as plain tuples. On SQLite straight from the driver's cursor: SQLAlchemy's
    row objects cost as much as the query itself on a million posts. ``json_as_text``:
    a server's JSON columns come as their text, for a caller that decodes them (SQLite
    has no JSON type: its JSON is text already)."""
    if connection.dialect.name != "sqlite":
        return fetch_server_rows(connection, statement, params, json_as_text=json_as_text)
    compiled = statement.compile(dialect=connection.dialect)
    ordered = [params[name] for name in compiled.positiontup]
    cursor = connection.connection.driver_connection.cursor()
    try:
        return list(cursor.execute(str(compiled), ordered).fetchall())
    finally:
        cursor.close()


def fetch_server_rows(
    connection: Any, statement: Any, params: dict[str, Any], *, json_as_text: bool = False
) -> list[tuple[Any, ...]]:
    """``fetch_rows`` on a database server. Over psycopg from the driver's cursor as on
    SQLite (a ``text()`` statement has no result types, so the values are the same), and
    JSON optionally left as text: SQLAlchemy's rows and psycopg's JSON loader took two
    thirds of a 100,000-post PostgreSQL export's read (0.9 s against 0.2 s)."""
    if connection.dialect.driver != "psycopg":
        return [tuple(row) for row in connection.execute(statement, params).all()]
    from psycopg.types.string import TextLoader

    compiled = statement.compile(dialect=connection.dialect)
    cursor = connection.connection.driver_connection.cursor()
    if json_as_text:
        cursor.adapters.register_loader("json", TextLoader)
        cursor.adapters.register_loader("jsonb", TextLoader)
    try:
        return list(cursor.execute(compiled.string, compiled.construct_params(params)).fetchall())
    finally:
        cursor.close()


def server_extras_sql(names: list[str]) -> tuple[str, str]:
    """PostgreSQL's part of the posts statement for these extra columns: (the JSON column,
    given only for posts ``server_extras`` must decode; each extra as text or NULL).

    Strings and booleans come out of the JSON on the server as ``_text`` gives them;
    numbers, objects and arrays (rare: JSON sources) are left to Python, so their text
    stays ``_text``'s. Decoding every post's JSON in Python took a third of an export."""
    typed = [f"json_typeof((p.extra -> {_literal(name)})::json)" for name in names]
    texts = "".join(
        f", CASE {kind} WHEN 'string' THEN p.extra ->> {_literal(name)}"
        f" WHEN 'boolean' THEN p.extra ->> {_literal(name)} END"
        for kind, name in zip(typed, names, strict=True)
    )
    needs_python = " OR ".join(f"{kind} IN ('number', 'object', 'array')" for kind in typed)
    return f"CASE WHEN {needs_python} THEN p.extra END", texts


def _literal(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def server_extras(values: list[tuple[Any, ...]], names: list[str]) -> dict[str, Any]:
    """The extra columns of a window read with ``server_extras_sql`` (``values``: its
    columns), each post's JSON decoded only where the server left a value to Python."""
    columns = [list(values[9 + i]) for i in range(len(names))]
    for row, raw in enumerate(values[8]):
        if raw is not None:
            for i, value in enumerate(decoded_extras(raw, names)):
                columns[i][row] = value
    return {
        name: np.array(column, dtype=object) for name, column in zip(names, columns, strict=True)
    }


def decoded_extras(raw: Any, names: list[str]) -> list[Any]:
    """One post's extra columns from its JSON, as the row path renders them."""
    decoded = json.loads(raw) if isinstance(raw, str) else raw
    return [_text(decoded.get(name)) for name in names]


def extras_in_sql(names: list[str]) -> bool:
    """Whether SQLite can pull these extra columns out of the JSON (names it can quote)."""
    return all('"' not in name and "\\" not in name for name in names)


def json_text(key: str) -> str:
    """SQLite expression: an extra column as text, the way the row path gives it."""
    path = f"'$.\"{key.replace(chr(39), chr(39) * 2)}\"'"
    value = f"json_extract(p.extra, {path})"
    return (
        f"CASE json_type(p.extra, {path}) WHEN 'text' THEN {value} WHEN 'null' THEN NULL"
        f" WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'"
        f" WHEN 'integer' THEN CAST({value} AS TEXT) WHEN 'real' THEN CAST({value} AS TEXT)"
        f" ELSE {value} END"
    )


def stamp(value: Any) -> str | None:
    """A time as the exports write it: ISO 8601 in UTC without an offset, or None. Every
    stored time is UTC; SQLite gives it back naive and PostgreSQL aware, and an export
    must not depend on the store (it wrote ``+00:00`` from PostgreSQL only)."""
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return str(value.isoformat())
