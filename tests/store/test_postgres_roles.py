"""The README's team setup on a real server: the lead owns the project's database, each
annotator logs in as a role that may read and write rows but not change tables."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from annotator.cli import run_cli
from tests.conftest import DATASETS, needs_server

pytestmark = needs_server


def _cli(*args: str) -> int:
    return run_cli(list(args), launch_gui=lambda *_: 0)


@pytest.fixture
def team_roles(database: str) -> Iterator[tuple[str, str, str]]:
    """(lead's URL, an annotator's URL with the README's grants, one without any)."""
    suffix = uuid.uuid4().hex[:8]
    team, ana, eve = f"team_{suffix}", f"ana_{suffix}", f"eve_{suffix}"
    admin = create_engine(database, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {team} NOLOGIN"))
        connection.execute(text(f"CREATE ROLE {ana} LOGIN PASSWORD 'pw' IN ROLE {team}"))
        connection.execute(text(f"CREATE ROLE {eve} LOGIN PASSWORD 'pw'"))
    url = make_url(database)
    as_role = lambda role: url.set(username=role, password="pw").render_as_string(  # noqa: E731
        hide_password=False
    )
    assert _cli("init", database) == 0
    with admin.connect() as connection:  # the README's grants, run by the owner
        project = create_engine(database, isolation_level="AUTOCOMMIT")
        with project.connect() as owner:
            owner.execute(
                text(
                    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {team}"
                )
            )
            owner.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {team}"))
        project.dispose()
    try:
        yield database, as_role(ana), as_role(eve)
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE usename IN (:a, :e)"
                ),
                {"a": ana, "e": eve},
            )
            for role in (ana, eve):
                connection.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}"))
            connection.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {team}"))
            connection.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {team}"))
            connection.execute(text(f"DROP OWNED BY {ana}, {eve}, {team}"))
            for role in (ana, eve, team):
                connection.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


def test_an_annotator_role_with_row_rights_labels_exports_and_reads_stats(
    team_roles: tuple[str, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lead, ana, _ = team_roles
    assert _cli("import", lead, str(DATASETS / "sample_posts.csv")) == 0
    assert _cli("import-labels", ana, str(DATASETS / "sample_labels.csv")) == 0
    capsys.readouterr()
    assert _cli("stats", ana, "--json") == 0
    assert '"percent_agreement"' in capsys.readouterr().out
    out = tmp_path / "annotations.csv"
    assert _cli("export", ana, str(out), "--what", "annotations") == 0
    assert len(out.read_text("utf-8-sig").splitlines()) > 300


def test_a_role_without_rights_is_told_so_in_one_sentence(
    team_roles: tuple[str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, eve = team_roles
    capsys.readouterr()
    assert _cli("stats", eve) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "Traceback" not in error
    assert "permission" in error
