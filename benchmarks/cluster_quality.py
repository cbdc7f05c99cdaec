"""How well clusters recover campaigns, per similarity: pairwise precision and recall.

    python benchmarks/cluster_quality.py [--organic 6000] [--campaigns 60] [--step 0.05]

Generates issue #17's campaigns (``services/clusters/cluster_quality.py``: talking points
of 14-28 words, each copied by 5-40 accounts with up to two words changed or dropped, a
link appended to a third of the copies and an @mention prepended to a third) among
organic posts, imports them into a real project and runs the real cluster search at each
similarity from 0.3 to 1.0. A pair of posts is found when both land in one cluster, and
true when both copy one campaign; a campaign is whole when one cluster holds all its
copies and nothing else. Prints what this run measured; it asserts nothing.

``--url`` (a PostgreSQL server where the user may create databases) runs the same on a
fresh database there instead of a project file.
"""

from __future__ import annotations

import argparse
import csv
import platform
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from child_runs import fresh_database

from annotator.services.clusters.cluster_quality import (
    pairwise_scores,
    simulated_posts,
    whole_campaigns,
)
from annotator.services.clusters.clustering import find_clusters, list_clusters
from annotator.services.imports.importing import import_dataset
from annotator.services.project.project_settings import DEFAULT_CLUSTER_THRESHOLD
from annotator.services.project.projects import init_project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organic", type=int, default=6000, help="organic posts")
    parser.add_argument("--campaigns", type=int, default=60, help="talking points copied")
    parser.add_argument("--step", type=float, default=0.05, help="between similarities")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument(
        "--url", help="a PostgreSQL server URL: run on a fresh database there instead of a file"
    )
    args = parser.parse_args()
    posts = simulated_posts(organic=args.organic, campaigns=args.campaigns, seed=args.seed)
    campaign_of = {p.external_id: p.campaign for p in posts}
    copies = sum(p.campaign is not None for p in posts)
    print(
        f"{args.organic:,} organic posts and {args.campaigns} campaigns of {copies:,} copies "
        f"(seed {args.seed}); {date.today()}, {platform.python_implementation()} "
        f"{platform.python_version()} on {platform.machine()}"
    )
    with tempfile.TemporaryDirectory() as name, ExitStack() as stack:
        target: str | Path = Path(name) / "campaigns.annotator"
        if args.url:
            target = stack.enter_context(fresh_database(args.url))
        source = Path(name) / "campaigns.csv"
        with source.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text", "author"])
            writer.writerows((p.external_id, p.text, p.author) for p in posts)
        project = init_project(target)
        try:
            import_dataset(project, source)
            print("| similarity | precision | recall | clusters | campaigns whole | time |")
            print("|---|---|---|---|---|---|")
            for step in range(round(0.7 / args.step) + 1):
                threshold = round(0.3 + step * args.step, 2)
                started = time.perf_counter()
                find_clusters(project, threshold=threshold)
                seconds = time.perf_counter() - started
                clusters = [c.post_ids for c in list_clusters(project)]
                scores = pairwise_scores(clusters, campaign_of)
                whole = whole_campaigns(clusters, campaign_of)
                mark = " (default)" if threshold == DEFAULT_CLUSTER_THRESHOLD else ""
                print(
                    f"| {threshold:.2f}{mark} | {scores.precision:.3f} | {scores.recall:.3f} "
                    f"| {len(clusters):,} | {whole} of {args.campaigns} | {seconds:.2f} s |"
                )
        finally:
            project.close()


if __name__ == "__main__":
    main()
