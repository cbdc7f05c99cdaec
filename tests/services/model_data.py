"""A generated labeled set for the model's tests: class-dependent words, plain posts and
copy-paste campaigns, written as a posts CSV and a labels CSV."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

LABELS = ("not_sponsored", "sponsored_disclosed", "sponsored_undisclosed")
_COMMON = [
    "today",
    "really",
    "nice",
    "great",
    "morning",
    "city",
    "friends",
    "weekend",
    "coffee",
    "new",
    "love",
]
_BY_LABEL = {
    "not_sponsored": [
        "lunch",
        "rain",
        "bus",
        "cat",
        "homework",
        "garden",
        "sleepy",
        "tired",
        "walk",
        "movie",
    ],
    "sponsored_disclosed": [
        "#ad",
        "#sponsored",
        "partnership",
        "paid-for-by",
        "code",
        "discount",
        "gifted",
    ],
    "sponsored_undisclosed": [
        "link-in-bio",
        "discount",
        "code",
        "amazing-product",
        "must-buy",
        "swipe",
    ],
}
_DISCLOSURE = {
    "not_sponsored": "",
    "sponsored_disclosed": " #ad paid for by GlowCo",
    "sponsored_undisclosed": " use my code GLOW20",
}


@dataclass
class LabeledSet:
    posts_csv: Path
    labels_csv: Path
    truth: dict[str, str]
    given: dict[str, str]
    flipped: set[str]
    campaign_of: dict[str, int]


def _text(rng: random.Random, label: str) -> str:
    words = rng.sample(_COMMON, 4) + rng.sample(_BY_LABEL[label], 3)
    rng.shuffle(words)
    return " ".join(words) + _DISCLOSURE[label] + f" {rng.randrange(10**6)}"


def generate(
    folder: Path, *, posts: int = 600, labeled: int = 400, flip: float = 0.0, seed: int = 7,
    campaigns: int = 10, copies: int = 6,
) -> LabeledSet:  # fmt: skip
    """``posts`` posts, the first ``labeled`` labeled by "ana" (a share ``flip`` flipped);
    ``campaigns`` messages copied ``copies`` times each among them."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str]] = []
    campaign_of: dict[str, int] = {}
    truth: dict[str, str] = {}
    for campaign in range(campaigns):
        label = LABELS[campaign % 3]
        message = _text(rng, label) + " campaign message number " + str(campaign)
        for copy in range(copies):
            post_id = f"c{campaign}-{copy}"
            rows.append((post_id, message + ("!" * (copy % 2)), f"acct{campaign}_{copy}"))
            campaign_of[post_id] = campaign
            truth[post_id] = label
    while len(rows) < posts:
        label = rng.choices(LABELS, weights=(5, 3, 2))[0]
        post_id = f"p{len(rows)}"
        rows.append((post_id, _text(rng, label), f"user{rng.randrange(200)}"))
        truth[post_id] = label
    rng.shuffle(rows)
    posts_csv = folder / "posts.csv"
    with posts_csv.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "text", "author"])
        writer.writerows(rows)
    given: dict[str, str] = {}
    flipped: set[str] = set()
    for post_id, _, _ in rows[:labeled]:
        label = truth[post_id]
        if post_id not in campaign_of and rng.random() < flip:
            label = rng.choice([other for other in LABELS if other != label])
            flipped.add(post_id)
        given[post_id] = label
    labels_csv = folder / "labels.csv"
    with labels_csv.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["post_id", "annotator", "label"])
        writer.writerows((post_id, "ana", label) for post_id, label in given.items())
    return LabeledSet(posts_csv, labels_csv, truth, given, flipped, campaign_of)
