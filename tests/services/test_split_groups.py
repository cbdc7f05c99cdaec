"""Training splits keep every copy-paste cluster in one split, and old posts never move."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest

from annotator.services.clusters.clustering import find_clusters
from annotator.services.exports.export_frames import split_of
from annotator.services.exports.exporting import ExportOptions, export_data
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.project.projects import Project, init_project
from tests.conftest import write_csv

KEYS = ["not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"]
SPLIT = (0.8, 0.1, 0.1)
OPTIONS = ExportOptions(what="training", split=SPLIT, seed=3)


def _script(rng: random.Random) -> str:
    return " ".join(f"w{rng.randrange(100_000)}" for _ in range(30))


def _posts(clusters: int, members: int, singles: int, seed: int) -> dict[str, str]:
    """id -> text: ``clusters`` copy-paste scripts of ``members`` posts (the same scripts
    whatever ``seed``), then singletons (new ones per ``seed``)."""
    scripts = [_script(random.Random(c)) for c in range(clusters)]
    rng = random.Random(f"singles{seed}")
    posts = {f"c{c}m{m}": scripts[c] for m in range(members) for c in range(clusters)}
    posts.update({f"s{seed}_{i}": _script(rng) for i in range(singles)})
    return posts


def _add(project: Project, tmp_path: Path, name: str, posts: dict[str, str]) -> None:
    rows = "".join(f"{i},{t}\n" for i, t in posts.items())
    path = write_csv(tmp_path / f"{name}.csv", "id,text\n" + rows)
    import_dataset(project, path, ImportOptions(dataset=name))
    labels = "".join(f"{i},ana,{KEYS[n % 3]}\n" for n, i in enumerate(posts))
    import_labels(
        project, write_csv(tmp_path / f"{name}-l.csv", "post_id,annotator,label\n" + labels)
    )


def _splits(tmp_path: Path, out: str, suffix: str) -> dict[str, str]:
    """id -> split of a split export written to ``out``."""
    found: dict[str, str] = {}
    for name in ("train", "dev", "test"):
        path = tmp_path / f"{out}.{name}{suffix}"
        if suffix == ".csv":
            ids = list(pd.read_csv(path, dtype=str)["id"])
        else:
            ids = [json.loads(line)["id"] for line in path.read_text("utf-8").splitlines()]
        found.update(dict.fromkeys(ids, name))
    return found


def _cluster_of(post: str) -> str:
    return post.split("m")[0]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_no_cluster_straddles_splits_and_singletons_keep_their_split(
    store_target: str, tmp_path: Path, suffix: str
) -> None:
    project = init_project(store_target)
    posts = _posts(clusters=40, members=5, singles=300, seed=1)
    _add(project, tmp_path, "first", posts)
    find_clusters(project)
    export_data(project, tmp_path / f"data{suffix}", OPTIONS)
    split = _splits(tmp_path, "data", suffix)
    assert set(split) == set(posts)
    clustered = [p for p in split if p.startswith("c")]
    for cluster in {_cluster_of(p) for p in clustered}:
        assert len({split[p] for p in clustered if _cluster_of(p) == cluster}) == 1, cluster
    for post in (p for p in split if p.startswith("s")):
        assert split[post] == split_of(f"first\x1f{post}", 3, SPLIT)
    project.close()


def test_adding_posts_and_reclustering_moves_no_existing_post(
    store_target: str, tmp_path: Path
) -> None:
    project = init_project(store_target)
    first = _posts(clusters=30, members=4, singles=100, seed=1)
    _add(project, tmp_path, "first", first)
    find_clusters(project)
    export_data(project, tmp_path / "before.csv", OPTIONS)
    before = _splits(tmp_path, "before", ".csv")
    # New copies of the same scripts (ids c*m4..) join the old clusters; new singletons too.
    grown = _posts(clusters=30, members=6, singles=100, seed=2)
    added = {p: t for p, t in grown.items() if p not in first}
    _add(project, tmp_path, "second", added)
    find_clusters(project)
    export_data(project, tmp_path / "after.csv", OPTIONS)
    after = _splits(tmp_path, "after", ".csv")
    assert {p: after[p] for p in before} == before
    for post in (p for p in added if p.startswith("c")):
        assert after[post] == before[f"{_cluster_of(post)}m0"]  # joins its cluster's split
    project.close()


def test_fractions_hold_over_many_clusters(project: Project, tmp_path: Path) -> None:
    posts = _posts(clusters=400, members=3, singles=0, seed=5)
    _add(project, tmp_path, "first", posts)
    find_clusters(project)
    export_data(project, tmp_path / "data.csv", OPTIONS)
    split = _splits(tmp_path, "data", ".csv")
    clusters = {_cluster_of(p): s for p, s in split.items()}
    assert all(split[p] == clusters[_cluster_of(p)] for p in split)
    for name, share in zip(("train", "dev", "test"), SPLIT, strict=True):
        count = sum(s == name for s in clusters.values())
        assert count / len(clusters) == pytest.approx(share, abs=0.05)


def test_manifest_says_how_the_split_was_grouped(project: Project, tmp_path: Path) -> None:
    _add(project, tmp_path, "first", _posts(clusters=5, members=3, singles=5, seed=1))
    result = export_data(project, tmp_path / "plain.csv", OPTIONS)
    assert result.manifest is not None
    manifest = json.loads(result.manifest.read_text("utf-8"))
    assert manifest["split_grouped_by"] == "none"
    assert manifest["clusters_computed"] is False
    assert any("annotator clusters" in w for w in manifest["warnings"])
    find_clusters(project)
    result = export_data(project, tmp_path / "grouped.csv", OPTIONS)
    assert result.manifest is not None
    manifest = json.loads(result.manifest.read_text("utf-8"))
    assert manifest["split_grouped_by"] == "cluster"
    assert manifest["clusters_computed"] is True
    assert not any("annotator clusters" in w for w in manifest["warnings"])
