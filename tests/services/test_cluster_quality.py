"""Cluster quality at the default similarity, on issue #17's campaigns (a small version of
benchmarks/cluster_quality.py), and the measures themselves."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

import annotator.services.clusters.clustering as clustering
from annotator.services.clusters.cluster_quality import (
    SimulatedPost,
    pairwise_scores,
    simulated_posts,
    whole_campaigns,
)
from annotator.services.clusters.clustering import find_clusters, list_clusters
from annotator.services.imports.importing import import_dataset
from annotator.services.project.project_settings import set_cluster_threshold
from annotator.services.project.projects import Project


def _import(project: Project, tmp_path: Path, posts: list[SimulatedPost]) -> None:
    path = tmp_path / "campaigns.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "author"])
        writer.writerows((p.external_id, p.text, p.author) for p in posts)
    import_dataset(project, path)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_default_similarity_finds_campaigns_with_edits(
    project: Project, tmp_path: Path, seed: int
) -> None:
    posts = simulated_posts(organic=300, campaigns=5, seed=seed)
    _import(project, tmp_path, posts)
    find_clusters(project)  # the project's similarity: the default
    clusters = [c.post_ids for c in list_clusters(project)]
    scores = pairwise_scores(clusters, {p.external_id: p.campaign for p in posts})
    assert scores.precision >= 0.95
    assert scores.recall >= 0.95


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_project_that_kept_the_old_default_finds_most_pairs(
    project: Project, tmp_path: Path, seed: int
) -> None:
    """LSH bands chosen for recall: at 0.7 the old bands left 0.83-0.86 of the pairs."""
    posts = simulated_posts(organic=300, campaigns=5, seed=seed)
    _import(project, tmp_path, posts)
    set_cluster_threshold(project, 0.7)
    find_clusters(project)
    clusters = [c.post_ids for c in list_clusters(project)]
    scores = pairwise_scores(clusters, {p.external_id: p.campaign for p in posts})
    assert scores.precision >= 0.95
    assert scores.recall >= 0.9


def test_big_buckets_and_folded_pairs_give_the_same_clusters(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    posts = simulated_posts(organic=300, campaigns=5, seed=4)
    _import(project, tmp_path, posts)
    find_clusters(project)
    expected = sorted(sorted(c.post_ids) for c in list_clusters(project))
    assert len(expected) >= 5
    # Every bucket through the leader pass, the pairs folded every few found.
    monkeypatch.setattr(clustering, "ALL_PAIRS", 1)
    monkeypatch.setattr(clustering, "_FOLD", 3)
    find_clusters(project)
    assert sorted(sorted(c.post_ids) for c in list_clusters(project)) == expected


def test_pairwise_scores_count_pairs_of_posts() -> None:
    campaign_of = {"a": 0, "b": 0, "c": 1, "d": 1, "e": 1, "f": None, "g": None}
    # True pairs: ab, cd, ce, de. Found: abc (ab right, ac bc wrong), de (right), fg (wrong).
    scores = pairwise_scores([["a", "b", "c"], ["d", "e"], ["f", "g"]], campaign_of)
    assert (scores.true_pairs, scores.found_pairs, scores.correct_pairs) == (4, 5, 2)
    assert scores.precision == pytest.approx(2 / 5)
    assert scores.recall == pytest.approx(2 / 4)
    assert whole_campaigns([["a", "b", "c"], ["d", "e"]], campaign_of) == 0
    assert whole_campaigns([["a", "b"], ["c", "d", "e"], ["f", "g"]], campaign_of) == 2
    nothing = pairwise_scores([], campaign_of)
    assert (nothing.precision, nothing.recall) == (1.0, 0.0)


_LINK = re.compile(r" https://\S+$")
_MENTION = re.compile(r"^@\w+ ")


def test_simulated_campaigns_have_the_issues_shape() -> None:
    posts = simulated_posts(organic=500, campaigns=30, seed=5)
    organic = [p for p in posts if p.campaign is None]
    assert len(organic) == 500
    assert len({p.text.casefold() for p in organic}) == 500
    copies: defaultdict[int, list[SimulatedPost]] = defaultdict(list)
    for post in posts:
        if post.campaign is not None:
            copies[post.campaign].append(post)
    assert sorted(copies) == list(range(30))
    for campaign in copies.values():
        assert 5 <= len(campaign) <= 40
        assert len({p.author for p in campaign}) == len(campaign)  # different accounts
        bodies = [_MENTION.sub("", _LINK.sub("", p.text)).split() for p in campaign]
        # The talking point is 14-28 words; a copy drops two at most.
        assert all(12 <= len(words) <= 28 for words in bodies)
        # Up to two words changed or dropped: every copy keeps most of the commonest.
        common = Counter(w for words in bodies for w in set(words))
        kept = [w for w, n in common.items() if n > len(campaign) / 2]
        assert all(len(set(kept) - set(words)) <= 2 for words in bodies)
    every = [p for c in copies.values() for p in c]
    links = sum(bool(_LINK.search(p.text)) for p in every) / len(every)
    mentions = sum(bool(_MENTION.match(p.text)) for p in every) / len(every)
    assert 0.25 < links < 0.42 and 0.25 < mentions < 0.42
    assert simulated_posts(organic=500, campaigns=30, seed=5) == posts  # seeded
