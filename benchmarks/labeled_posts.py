"""Generated labeled posts for the model benchmarks, and projects built from them.

Tweet-like texts (about 18 pseudo-words, 100-140 characters) over a 6,000-word
vocabulary; each label has its own cue words, but a post carries only a few of them
and some cue words of other labels, and 8% of the labels given are flipped, so the
model scores a macro-F1 near the 0.76 of the real 14,640-tweet set (not 1.0, which
would make every strategy look alike). A share of the posts are copies of campaign
messages (one label each), pasted with a mention and a link or with a word changed,
so the project has copy-paste clusters that cross-validation must keep in one fold.

Projects are built through the services' bulk paths (the CSV import and the label
import), never one ORM object per post.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

LABELS = ("not_sponsored", "sponsored_disclosed", "sponsored_undisclosed")
WEIGHTS = (5, 3, 2)
ANNOTATOR = "ana"
_SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choices(_SYLLABLES, k=rng.randint(1, 3))))
    return sorted(words)


@dataclass
class Generator:
    """Makes (text, label) pairs; one instance per data set, so campaigns repeat."""

    seed: int = 7
    campaign_share: float = 0.15
    campaigns: int = 300
    flip: float = 0.08

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        words = _vocabulary(self.rng, 6000)
        self.rng.shuffle(words)
        self.cues = {label: words[i * 60 : (i + 1) * 60] for i, label in enumerate(LABELS)}
        self.common = words[180:]
        self.messages = [self._organic(LABELS[i % 3]) for i in range(self.campaigns)]

    def _organic(self, label: str) -> tuple[str, str]:
        rng = self.rng
        words = rng.choices(self.common, k=rng.randint(12, 20))
        # Two of the own label's cue words, often one of another label's: a hint, not a rule.
        words += rng.sample(self.cues[label], rng.choice((1, 1, 2)))
        if rng.random() < 0.6:
            words.append(rng.choice(self.cues[rng.choice(LABELS)]))
        rng.shuffle(words)
        return " ".join(words), label

    def post(self, number: int) -> tuple[str, str, str]:
        """(text, author, label given) of post ``number``."""
        rng = self.rng
        if rng.random() < self.campaign_share:
            campaign = rng.randrange(self.campaigns)
            text, label = self.messages[campaign]
            if number % 3 == 1:
                text = f"@fan{number} {text} https://t.co/{number:x}"
            elif number % 3 == 2:
                words = text.split()
                words[rng.randrange(len(words))] = rng.choice(self.common)
                text = " ".join(words)
            author = f"organiser{campaign}_{rng.randrange(40)}"
        else:
            label = rng.choices(LABELS, weights=WEIGHTS)[0]
            text, _ = self._organic(label)
            author = f"user{rng.randrange(100_000)}"
        if rng.random() < self.flip:
            label = rng.choice([other for other in LABELS if other != label])
        return text, author, label


def write_csvs(folder: Path, posts: int, labeled: int, seed: int = 7) -> tuple[Path, Path]:
    """``posts.csv`` (id, text, author) and ``labels.csv`` (one label by ``ANNOTATOR`` on
    the first ``labeled`` posts; posts come in random order, so that is a random sample)."""
    generator = Generator(seed=seed)
    posts_csv, labels_csv = folder / "posts.csv", folder / "labels.csv"
    with (
        posts_csv.open("w", newline="", encoding="utf-8") as posts_file,
        labels_csv.open("w", newline="", encoding="utf-8") as labels_file,
    ):
        post_writer, label_writer = csv.writer(posts_file), csv.writer(labels_file)
        post_writer.writerow(["id", "text", "author"])
        label_writer.writerow(["post_id", "annotator", "label"])
        for number in range(posts):
            text, author, label = generator.post(number)
            post_writer.writerow([f"p{number}", text, author])
            if number < labeled:
                label_writer.writerow([f"p{number}", ANNOTATOR, label])
    return posts_csv, labels_csv


def read_csvs(folder: Path) -> tuple[list[str], dict[int, str]]:
    """Every post's text in id order, and the label of each labeled post's position."""
    with (folder / "posts.csv").open(newline="", encoding="utf-8") as handle:
        texts = [row[1] for row in csv.reader(handle)][1:]
    with (folder / "labels.csv").open(newline="", encoding="utf-8") as handle:
        labels = {int(row[0][1:]): row[2] for row in list(csv.reader(handle))[1:]}
    return texts, labels


def build_project(folder: Path, posts: int, labeled: int, seed: int = 7) -> Path:
    """A project of generated posts, labels imported and clusters found (as the app does
    after an import). Returns its path; the CSVs stay in ``folder`` for the baselines."""
    from annotator.services.clusters.clustering import find_clusters
    from annotator.services.imports.importing import ImportOptions, import_dataset
    from annotator.services.imports.label_import import import_labels
    from annotator.services.project.projects import init_project

    posts_csv, labels_csv = write_csvs(folder, posts, labeled, seed)
    path = folder / "model.annotator"
    project = init_project(path)
    import_dataset(project, posts_csv, ImportOptions(dataset="generated"))
    import_labels(project, labels_csv)
    find_clusters(project)
    project.close()
    return path
