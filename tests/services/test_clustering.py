"""Clusters on generated data: copied talking points among organic noise."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from annotator.domain.text_similarity import normalise
from annotator.services.clusters.cluster_quality import simulated_posts
from annotator.services.clusters.clustering import (
    cluster_of,
    find_clusters,
    list_clusters,
    post_cluster,
)
from annotator.services.imports.importing import import_dataset
from annotator.services.project.projects import Project
from tests.conftest import write_csv

SCRIPTS = [
    "Dana Rivera is the only candidate with a real plan to bring manufacturing jobs back "
    "to the Midwest. I have seen it up close and I am all in.",
    "Healthcare should not bankrupt a family. Rivera's plan caps what you pay and keeps "
    "your doctor. That is why I am voting Rivera on Tuesday.",
    "Tired of politicians who talk and never deliver? Dana Rivera got the bridge built "
    "in two years. Results matter. Join us this weekend at the town hall.",
]
WORDS = [
    "coffee",
    "morning",
    "trail",
    "river",
    "book",
    "dinner",
    "garden",
    "train",
    "music",
    "weekend",
    "bread",
    "city",
]


def _cluster_file(tmp_path: Path, seed: int = 7) -> tuple[Path, dict[str, int]]:
    rng = random.Random(seed)
    rows, truth = [], {}
    for script_number, script in enumerate(SCRIPTS):
        for copy in range(30):
            words = script.split()
            if copy % 3 == 1:  # a changed word
                words[rng.randrange(len(words))] = rng.choice(WORDS)
            text = " ".join(words)
            if copy % 3 == 2:  # pasted with a link, a mention and an emoji
                text = f"@friend{copy} {text.upper()} 👍🏽 https://t.co/x{copy}"
            post_id = f"c{script_number}-{copy}"
            rows.append((post_id, text, f"organiser{rng.randrange(25)}"))
            truth[post_id] = script_number
    # Varied posts (not 14 draws from the twelve WORDS: any two of those shared most of
    # their text, so a looser similarity rightly grouped them).
    for organic, post in enumerate(simulated_posts(organic=400, campaigns=0, seed=seed)):
        rows.append((f"o{organic}", post.text, f"person{organic}"))
    rng.shuffle(rows)
    body = "".join(f'{i},"{t.replace(chr(34), chr(34) * 2)}",{a}\n' for i, t, a in rows)
    return write_csv(tmp_path / "clusters.csv", "id,text,author\n" + body), truth


def test_normalise_ignores_case_links_mentions_and_emoji_variants() -> None:
    assert normalise("@ana Vote RIVERA!! 👍🏽 https://t.co/abc  now") == normalise(
        "vote rivera 👍 now"
    )


@pytest.mark.parametrize(
    ("pasted", "typed"),
    [
        # Twitter's API escapes what a CSV export keeps.
        ("Jobs &amp; schools, Rivera &gt; Hale", "Jobs & schools, Rivera > Hale"),
        # Fancy-text "bold" letters and full-width letters.
        ("𝗩𝗢𝗧𝗘 Rivera ＴＵＥＳＤＡＹ", "vote rivera tuesday"),
        # An accent typed as a separate mark.
        ("cafe\u0301 owners for Rivera", "café owners for Rivera"),
        ("GlowCo™ serum, use code ANA20", "GlowCo serum, use code ANA20"),
        ("Rivera’s plan #VoteRivera", "Rivera's plan VoteRivera"),
        ("“Results matter”\n\n   not   speeches…", '"results matter" not speeches...'),
    ],
)
def test_normalise_ignores_how_a_copy_was_pasted(pasted: str, typed: str) -> None:
    assert normalise(pasted) == normalise(typed)


def test_normalise_keeps_the_words() -> None:
    assert normalise("Rivera will fix the bridge") != normalise("Rivera will fix the port")
    assert normalise("ＯＫ, 𝗩𝗢𝗧𝗘 Rivera™ &amp; https://t.co/x @ana #now") == "ok vote rivera now"


def test_clusters_are_found_with_high_precision_and_recall(
    project: Project, tmp_path: Path
) -> None:
    path, truth = _cluster_file(tmp_path)
    import_dataset(project, path)
    assert find_clusters(project) >= 3
    clusters = list_clusters(project)
    # Match each script to the cluster holding most of its posts.
    true_positive = false_positive = 0
    for script_number in range(len(SCRIPTS)):
        expected = {p for p, s in truth.items() if s == script_number}
        best = max(clusters, key=lambda c: len(expected & set(c.post_ids)))
        found = set(best.post_ids)
        true_positive += len(found & expected)
        false_positive += len(found - expected)
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / len(truth)
    assert precision > 0.95 and recall > 0.95
    biggest = clusters[0]
    assert biggest.size == 30 and 10 <= biggest.authors <= 25
    assert biggest.to_json().keys() == {
        "id", "size", "authors", "first", "last", "representative", "post_ids",
    }  # fmt: skip


def test_cluster_of_a_post_and_recomputing(project: Project, tmp_path: Path) -> None:
    path, _ = _cluster_file(tmp_path)
    import_dataset(project, path)
    first = find_clusters(project)
    again = find_clusters(project)
    assert first == again
    clusters = list_clusters(project)
    assert list_clusters(project, min_size=31) == []
    from annotator.store.queries import external_id_index

    with project.session() as session:
        post_id = external_id_index(session)[clusters[0].post_ids[0]][0]
    found = cluster_of(project, post_id)
    assert found is not None
    record, members = found
    assert record.size == len(members) == 30


def test_counts_first_and_last_come_from_the_members(project: Project, tmp_path: Path) -> None:
    text = SCRIPTS[0]
    rows = [
        ("a", text, "ann", "2020-02-03T10:00:00"),
        ("b", text.upper(), "ann", "2020-01-31T09:00:00"),
        ("c", f"@x {text} https://t.co/1", "bob", "Sun May 02 10:00:00 +0000 2021"),
        ("d", text, "", ""),
        ("e", "an organic post about coffee and trains", "cem", "2019-01-01"),
        ("f", f"{text}!", "bob", "yesterday"),
    ]
    body = "".join(f'{i},"{t}",{a},{w}\n' for i, t, a, w in rows)
    import_dataset(project, write_csv(tmp_path / "times.csv", "id,text,author,time\n" + body))
    assert find_clusters(project) == 1
    (cluster,) = list_clusters(project)
    assert cluster.size == 5
    assert cluster.authors == 2  # an empty author is nobody
    # The legacy Twitter time became ISO at import and counts; "yesterday" cannot.
    assert (cluster.first, cluster.last) == ("2020-01-31T09:00:00", "2021-05-02T10:00:00+00:00")
    assert sorted(cluster.post_ids) == ["a", "b", "c", "d", "f"]


def test_the_badge_counts_the_accounts_of_the_other_copies(
    project: Project, tmp_path: Path
) -> None:
    text = SCRIPTS[0]
    rows = [("a", "ann"), ("b", "ann"), ("c", "bob"), ("d", ""), ("e", "cem")]
    body = "".join(f'{i},"{text} {n}",{a}\n' for n, (i, a) in enumerate(rows))
    import_dataset(project, write_csv(tmp_path / "copies.csv", "id,text,author\n" + body))
    find_clusters(project)
    from annotator.store.queries import external_id_index

    with project.session() as session:
        ids = {key: found[0] for key, found in external_id_index(session).items()}
    accounts = {}
    for key in "abcde":
        found = post_cluster(project, ids[key])
        assert found is not None and found[0].size == 5
        accounts[key] = found[1]
    # ann has another copy (b), so ann still counts for a; bob and cem have none.
    assert accounts == {"a": 3, "b": 3, "c": 2, "d": 3, "e": 2}


def test_the_projects_similarity_is_kept_and_used(project: Project, tmp_path: Path) -> None:
    from annotator.domain.errors import UserError
    from annotator.services.project.project_settings import (
        DEFAULT_CLUSTER_THRESHOLD,
        cluster_threshold,
        set_cluster_threshold,
    )

    path, _ = _cluster_file(tmp_path)
    import_dataset(project, path)
    # The default from benchmarks/cluster_quality.py's curve (README, Benchmarks).
    assert cluster_threshold(project) == DEFAULT_CLUSTER_THRESHOLD == 0.55
    find_clusters(project)
    loose = sorted(c.size for c in list_clusters(project))
    assert loose == [30, 30, 30]
    # A project that stored the old default keeps it.
    set_cluster_threshold(project, 0.7)
    assert cluster_threshold(project) == 0.7
    find_clusters(project)
    assert sorted(c.size for c in list_clusters(project)) == [30, 30, 30]
    # At 1.0 only texts identical after normalising group: the copies with a changed word
    # (a third of each script's thirty) fall out.
    set_cluster_threshold(project, 1.0)
    assert cluster_threshold(project) == 1.0
    find_clusters(project)
    assert sorted(c.size for c in list_clusters(project)) == [20, 20, 20]
    with pytest.raises(UserError, match="at most 1"):
        set_cluster_threshold(project, 1.5)
    assert cluster_threshold(project) == 1.0
