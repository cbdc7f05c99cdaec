"""Kill the labeling process at random moments: every acknowledged label must survive.

A child process labels posts through the store API and prints "ack POST" after each
save returns (the moment the app would show it saved). The parent kills it with SIGKILL
at a random time, then checks that every acknowledged label is in the project and that
SQLite's integrity check passes.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.services.imports.importing import import_dataset
from annotator.services.project.projects import Project
from tests.conftest import write_csv

KILL_POINTS = 12

CHILD = """
import sys
from annotator.domain.records import AnnotationChange, EvidenceSpan
from annotator.services.labeling.annotating import save_annotation
from annotator.services.project.projects import open_project
project = open_project(sys.argv[1])
print("ready", flush=True)
keys = ["not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"]
round_ = int(sys.argv[2])
for post_id in range(1, 2001):
    save_annotation(project, AnnotationChange(
        post_id=post_id, annotator=f"r{round_}", label_key=keys[post_id % 3],
        notes=f"note {post_id}", evidence=(EvidenceSpan(0, 4, "post"),)))
    print(f"ack {post_id}", flush=True)
"""


@pytest.mark.slow
def test_no_acknowledged_label_is_lost_to_sigkill(project: Project, tmp_path: Path) -> None:
    rows = "".join(f"{i},post number {i}\n" for i in range(1, 2001))
    import_dataset(project, write_csv(tmp_path / "p.csv", "id,text\n" + rows))
    location = project.location
    project.close()
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    rng = random.Random(20200214)
    total_acknowledged = 0
    for round_ in range(KILL_POINTS):
        child = subprocess.Popen(
            [sys.executable, str(script), location, str(round_)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        # The kill timer starts once the child has opened the project: a loaded machine
        # (CI's two cores) can take longer than the whole window just to import Python.
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(0.3 + rng.random() * 1.2)
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate()
        acknowledged = [int(line.split()[1]) for line in out.splitlines() if line.startswith("ack")]
        assert acknowledged, "the child never got to label"
        connection = sqlite3.connect(location)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            saved = {
                int(post)
                for (post,) in connection.execute(
                    "SELECT a.post_id FROM annotation a JOIN annotator n ON n.id = a.annotator_id"
                    " WHERE n.name = ?",
                    (f"r{round_}",),
                )
            }
        finally:
            connection.close()
        missing = set(acknowledged) - saved
        assert not missing, f"round {round_}: acknowledged but lost: {sorted(missing)[:5]}"
        total_acknowledged += len(acknowledged)
    assert total_acknowledged > KILL_POINTS
