"""Cluster figures on a small generated project: label shares, sorting, timelines."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from annotator.domain.records import AnnotationChange
from annotator.services.clusters.clustering import cluster_of, find_clusters
from annotator.services.clusters.summaries import (
    DISAGREEMENT,
    UNLABELED,
    bucket_start,
    cluster_summaries,
    cluster_timeline,
    parse_time,
    python_timeline,
    unit_for,
)
from annotator.services.exports.export_frames import resolved_label
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import save_annotation
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.projects import Project
from annotator.services.review.adjudication import annotations_of, gold_of, set_gold
from annotator.store.navigation import QueueMode
from tests.conftest import write_csv

ALPHA = "Harbour bridge tolls will cost every family in this town two thousand dollars a year"
BETA = "Councillor Okafor voted to close the library branch on Elm Street. Call her office today"
GAMMA = "Free tickets to the river festival for anyone who shares this post before Friday noon"
#: Three clusters: alpha (6 posts, 2 accounts, an afternoon), beta (4 posts, 4 accounts,
#: three weeks) and gamma (3 posts, 3 accounts, half a year); three organic posts.
CLUSTER_CSV = (
    "id,text,author,created_at\n"
    f"a1,{ALPHA},acc1,2021-05-02T10:05:00Z\n"
    f"a2,{ALPHA}!,acc2,2021-05-02T10:40:00Z\n"
    f"a3,{ALPHA}.,acc1,2021-05-02T11:15:00Z\n"
    f"a4,{ALPHA}!!,acc2,2021-05-02T13:59:59+02:00\n"
    f"a5,{ALPHA.upper()},acc1,Sunday lunchtime\n"
    f"a6,{ALPHA} ,acc2,\n"
    f"b1,{BETA},bx1,2021-06-01T08:00:00Z\n"
    f"b2,{BETA}!,bx2,2021-06-01T23:30:00-02:00\n"
    f"b3,{BETA}.,bx3,2021-06-02\n"
    f"b4,{BETA}!!,bx4,2021-06-20T12:00:00Z\n"
    f"g1,{GAMMA},gx1,2021-01-04T09:00:00Z\n"
    f"g2,{GAMMA}!,gx2,2021-01-10T23:00:00Z\n"
    f"g3,{GAMMA}.,gx3,2021-06-28T00:00:00Z\n"
    "o1,Had the best pancakes this morning at the corner cafe,zoe,2021-05-01\n"
    "o2,Anyone know a good plumber near the station? Asking for a friend,yan,2021-05-01\n"
    "o3,Rain again. The garden is happy and so am I today,xia,2021-05-03\n"
)
UNDISCLOSED, DISCLOSED, NOT = "sponsored_undisclosed", "sponsored_disclosed", "not_sponsored"
#: external id -> {annotator: label}; and the gold labels.
LABELS = {
    "a1": {"ana": UNDISCLOSED, "bo": UNDISCLOSED},
    "a2": {"ana": UNDISCLOSED},
    "a3": {"ana": NOT, "bo": UNDISCLOSED},
    "a4": {"ana": NOT, "bo": UNDISCLOSED},
    "a5": {"ana": DISCLOSED},
    "b1": {"ana": DISCLOSED},
    "o1": {"ana": DISCLOSED},
    "o2": {"ana": NOT, "bo": UNDISCLOSED},
}
GOLD = {"a4": UNDISCLOSED, "a5": NOT}


def post_ids(project: Project) -> dict[str, int]:
    """external id -> post id, walking every post as the labeling view does."""
    queue = LabelingQueue(project, "ana", QueueMode("all"))
    found: dict[str, int] = {}
    while True:
        post = queue.current_post()
        assert post is not None
        found[post.external_id] = post.id
        if not queue.go_next():
            return found


def build_cluster_project(project: Project, folder: Path) -> dict[str, int]:
    """Import, label, adjudicate and cluster the clustered posts; external id -> post id."""
    import_dataset(project, write_csv(folder / "clusters.csv", CLUSTER_CSV))
    ids = post_ids(project)
    for external, given in LABELS.items():
        for annotator, key in given.items():
            save_annotation(
                project, AnnotationChange(post_id=ids[external], annotator=annotator, label_key=key)
            )
    for external, key in GOLD.items():
        set_gold(project, post_id=ids[external], label_key=key, decided_by="lead")
    assert find_clusters(project) == 3
    return ids


@pytest.fixture
def ids(project: Project, tmp_path: Path) -> dict[str, int]:
    return build_cluster_project(project, tmp_path)


def test_summaries_count_resolved_labels_per_cluster(project: Project, ids: dict[str, int]) -> None:
    alpha, beta, gamma = cluster_summaries(project)
    assert (alpha.size, alpha.authors) == (6, 2)
    assert (beta.size, beta.authors) == (4, 4)
    assert (gamma.size, gamma.authors) == (3, 3)
    # Gold wins (a4, a5), then a unanimous label (a1, a2); a3 disagrees; a6 has none.
    assert alpha.labels == {UNDISCLOSED: 3, NOT: 1, DISAGREEMENT: 1, UNLABELED: 1}
    assert next(iter(alpha.labels)) == UNDISCLOSED  # most posts first
    assert alpha.share(UNDISCLOSED) == pytest.approx(0.5)
    assert beta.labels == {UNLABELED: 3, DISCLOSED: 1}
    assert gamma.labels == {UNLABELED: 3}
    assert alpha.representative_post_id == ids["a1"]
    assert alpha.representative == ALPHA
    # First and last come from ISO times only: "Sunday lunchtime" is not one.
    assert alpha.first == "2021-05-02T10:05:00Z"
    assert beta.first == "2021-06-01T08:00:00Z" and beta.last == "2021-06-20T12:00:00Z"


def test_label_shares_agree_with_the_exports_resolved_label(
    project: Project, ids: dict[str, int]
) -> None:
    for summary in cluster_summaries(project):
        found = cluster_of(project, summary.representative_post_id)
        assert found is not None
        expected: Counter[str] = Counter()
        for post_id in found[1]:
            given = {a.annotator: a.label_key for a in annotations_of(project, post_id)}
            gold = gold_of(project, post_id)
            label = resolved_label(given, gold.label_key if gold else None)
            expected[label or (DISAGREEMENT if given else UNLABELED)] += 1
        assert summary.labels == dict(expected)


def test_sorted_by_size_or_by_accounts_and_min_size(project: Project, ids: dict[str, int]) -> None:
    assert [s.size for s in cluster_summaries(project)] == [6, 4, 3]
    assert [s.authors for s in cluster_summaries(project, sort="authors")] == [4, 3, 2]
    assert [s.size for s in cluster_summaries(project, min_size=4)] == [6, 4]
    assert cluster_summaries(project, min_size=7) == []


def test_an_afternoon_burst_is_counted_per_hour_with_undated_posts_apart(
    project: Project, ids: dict[str, int]
) -> None:
    alpha = cluster_summaries(project)[0]
    timeline = cluster_timeline(project, alpha.id)
    assert timeline.unit == "hour"
    assert [b.start for b in timeline.buckets] == [
        datetime(2021, 5, 2, 10),
        datetime(2021, 5, 2, 11),  # a4 was 13:59:59 at +02:00
    ]
    assert [b.counts for b in timeline.buckets] == [
        {UNDISCLOSED: 2},
        {DISAGREEMENT: 1, UNDISCLOSED: 1},
    ]
    # The Twitter-style time and the empty one are not dropped: they are counted apart.
    assert timeline.undated == {NOT: 1, UNLABELED: 1}
    assert timeline.dated_total + timeline.undated_total == alpha.size


def test_weeks_of_spread_are_counted_per_day_with_the_gaps(
    project: Project, ids: dict[str, int]
) -> None:
    beta = cluster_summaries(project)[1]
    timeline = cluster_timeline(project, beta.id)
    assert timeline.unit == "day"
    assert len(timeline.buckets) == 20  # 1 to 20 June, empty days included
    by_day = {b.start.day: b.counts for b in timeline.buckets if b.counts}
    # b2 was 23:30 at -02:00 on 1 June: 01:30 UTC on 2 June.
    assert by_day == {1: {DISCLOSED: 1}, 2: {UNLABELED: 2}, 20: {UNLABELED: 1}}
    assert timeline.undated == {}
    assert timeline.labels() == [UNLABELED, DISCLOSED]


def test_half_a_year_is_counted_per_week_from_monday(project: Project, ids: dict[str, int]) -> None:
    gamma = cluster_summaries(project)[2]
    timeline = cluster_timeline(project, gamma.id)
    assert timeline.unit == "week"
    assert timeline.buckets[0].start == datetime(2021, 1, 4)  # a Monday; holds Sunday the 10th
    assert timeline.buckets[0].counts == {UNLABELED: 2}
    assert timeline.buckets[-1].start == datetime(2021, 6, 28)
    assert timeline.buckets[-1].counts == {UNLABELED: 1}
    assert len(timeline.buckets) == 26
    assert sum(b.total for b in timeline.buckets) == 3


def test_sql_and_python_bucketing_agree(project: Project, ids: dict[str, int]) -> None:
    """The SQLite path and the portable one read the same times into the same buckets."""
    for summary in cluster_summaries(project):
        assert cluster_timeline(project, summary.id) == python_timeline(project, summary.id)
        for unit in ("hour", "day", "week", "month"):
            assert cluster_timeline(project, summary.id, unit=unit) == python_timeline(
                project, summary.id, unit=unit
            )


def test_month_buckets_and_unit_choice() -> None:
    from datetime import timedelta

    assert unit_for(timedelta(days=3)) == "hour"
    assert unit_for(timedelta(days=4)) == "day"
    assert unit_for(timedelta(days=121)) == "week"
    assert unit_for(timedelta(days=800)) == "month"
    moment = parse_time("2021-03-31T23:30:00-01:00")
    assert moment == datetime(2021, 4, 1, 0, 30)
    assert bucket_start(moment, "month") == datetime(2021, 4, 1)
    assert bucket_start(moment, "week") == datetime(2021, 3, 29)
    assert parse_time("Sun May 02 12:30:00 +0000 2021") is None
    assert parse_time("1612345678") is None
    assert parse_time("") is None


def test_a_project_without_clusters_has_no_summaries(project: Project) -> None:
    assert cluster_summaries(project) == []
