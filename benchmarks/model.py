"""The model's speed and memory: train + cross-validate + predict, and the keypress while it trains.

    python benchmarks/model.py [--posts 14640]
    python benchmarks/model.py --posts 1000000 --labels 20000 --no-latency

Builds (through the import and label-import services, then clustering, as the app does
after an import) a project of ``--posts`` generated tweet-like posts in three labels, the
first ``--labels`` of them (default: all) labeled by one annotator. Then, each in its own
process so its time and peak memory are its own:

- the app: ``train_model`` with the default settings (5 folds grouped by cluster, the
  learning curve, predictions for every post stored), with the time of each stage;
- the baseline, measured in the same run: bare scikit-learn with the same vectoriser and
  classifier on the same texts held in memory, no database: vectorise the labeled posts,
  5 plain folds, the final fit, and every post predicted in one process (on one BLAS
  thread, as the app). The ratio is the app's overhead (reading and writing the project,
  grouping, the learning curve, and on large projects the gain of two processes);
- the keypress while training runs (unless ``--no-latency``): on a copy of the trained
  project, what a label key does in the Label tab without the widgets (save the label
  with ``SaveAnnotationCommand``, step the queue to the next unlabeled post, read it),
  first with nothing else running, then while ``train_model`` runs in a thread of the
  same process, as the app runs it in its ``QThreadPool`` (so both share the GIL).

Peak memory counts the worker processes: prediction above 200,000 posts runs in joblib
workers, so the process tree's resident memory is sampled every 100 ms and summed
(``peak_memory.TreeMemory``), never below the process's own high-water mark.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from child_runs import child, report
from peak_memory import TreeMemory

CHUNK = 50_000


def run_app(project_path: str) -> None:
    """``train_model`` as the CLI and the app call it; stage times from its progress."""
    from annotator.services.model.report import ModelSettings
    from annotator.services.model.training import train_model
    from annotator.services.project.projects import open_project

    project = open_project(project_path)
    stages: list[tuple[str, float]] = []
    started = time.perf_counter()

    def progress(done: int, total: int, message: str) -> None:
        # A message is sent when its step ends; a repeated one (each fold) moves its end.
        if stages and stages[-1][0] == message:
            stages.pop()
        stages.append((message, time.perf_counter() - started))

    with TreeMemory() as memory:
        result = train_model(project, ModelSettings(), progress=progress)
        seconds = time.perf_counter() - started
    project.close()
    report(
        seconds=seconds,
        peak_mib=memory.peak_mib,
        macro_f1=result.macro_f1,
        labels=result.labels_used,
        predicted=result.predicted_posts,
        stages=json.dumps(stages),
    )


def run_baseline(folder: str) -> None:
    """The same vectoriser and classifier by hand, on texts already in memory."""
    import numpy as np
    from labeled_posts import read_csvs
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    from annotator.services.model.features import make_classifier, make_vectorizer

    texts, given = read_csvs(Path(folder))
    positions = sorted(given)
    y = np.array([given[i] for i in positions])
    # One BLAS thread, as train_model runs (OpenBLAS's threads slow L-BFGS-B 2-4x here),
    # so the ratio is the app's own overhead.
    with TreeMemory() as memory, threadpool_limits(limits=1, user_api="blas"):
        started = time.perf_counter()
        vectorizer = make_vectorizer()
        x = vectorizer.fit_transform([texts[i] for i in positions])
        predicted = np.empty(len(y), dtype=y.dtype)
        for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
            fold_model = make_classifier(0).fit(x[train], y[train])
            predicted[test] = fold_model.predict(x[test])
        model = make_classifier(0).fit(x, y)
        parts = [
            model.predict_proba(vectorizer.transform(texts[start : start + CHUNK]))
            for start in range(0, len(texts), CHUNK)
        ]
        seconds = time.perf_counter() - started
    report(
        seconds=seconds,
        peak_mib=memory.peak_mib,
        macro_f1=float(f1_score(y, predicted, average="macro")),
        predicted=sum(len(p) for p in parts),
    )


def _press(project: object, queue: object, annotator: str) -> tuple[float, float]:
    """One label key without the widgets: (save seconds, save + next post seconds)."""
    from annotator.domain.records import AnnotationChange
    from annotator.services.labeling.draft_commands import SaveAnnotationCommand

    started = time.perf_counter()
    post_id = queue.current_id  # type: ignore[attr-defined]
    change = AnnotationChange(post_id=post_id, annotator=annotator, label_key="not_sponsored")
    SaveAnnotationCommand(project, change, "").do()  # type: ignore[arg-type]
    saved = time.perf_counter()
    queue.advance()  # type: ignore[attr-defined]
    queue.current_post()  # type: ignore[attr-defined]
    queue.refresh_labeled()  # type: ignore[attr-defined]
    return saved - started, time.perf_counter() - started


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[max(0, int(0.95 * len(ordered)) - 1)] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def run_latency(project_path: str, presses: int, pause: float, switch: float | None) -> None:
    """Presses with nothing else running, then presses while a thread trains."""
    if switch is not None:
        sys.setswitchinterval(switch)
    from annotator.services.labeling.labeling_queue import LabelingQueue
    from annotator.services.model.report import ModelSettings
    from annotator.services.model.training import train_model
    from annotator.services.project.projects import open_project
    from annotator.store.navigation import QueueMode

    project = open_project(project_path)
    queue = LabelingQueue(project, "bench", QueueMode("unlabeled"))
    quiet = []
    for _ in range(presses):
        quiet.append(_press(project, queue, "bench"))
        time.sleep(pause)
    stage = ["(start)"]

    def progress(done: int, total: int, message: str) -> None:
        stage[0] = message

    trainer = threading.Thread(
        target=train_model, args=(project, ModelSettings()), kwargs={"progress": progress}
    )
    started = time.perf_counter()
    trainer.start()
    busy, during = [], []
    while trainer.is_alive():
        during.append(stage[0])
        busy.append(_press(project, queue, "bench"))
        time.sleep(pause)
    trained = time.perf_counter() - started
    trainer.join()
    project.close()
    figures: dict[str, float | int | str] = {"busy_presses": len(busy), "training_s": trained}
    for name, found in (("quiet", quiet), ("busy", busy)):
        for key, value in _percentiles([p[1] for p in found]).items():
            figures[f"{name}_{key}"] = value
        figures[f"{name}_save_p95_ms"] = _percentiles([p[0] for p in found])["p95_ms"]
    by_stage: dict[str, list[float]] = {}
    for message, press in zip(during, busy, strict=True):
        by_stage.setdefault(message, []).append(press[1])
    figures["by_stage"] = json.dumps(
        [
            [message, len(found), _percentiles(found)["p95_ms"]]
            for message, found in by_stage.items()
        ]
    )
    report(**figures)


def build(folder: Path, posts: int, labels: int) -> Path:
    from labeled_posts import build_project

    started = time.perf_counter()
    path = build_project(folder, posts, labels)
    print(
        f"built a {posts:,}-post project, {labels:,} labeled, clusters found, "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return path


def print_training(app: dict[str, float], baseline: dict[str, float] | None) -> None:
    print(
        f"app: train + {5}-fold CV + learning curve + predict {int(app['predicted']):,} posts "
        f"({int(app['labels']):,} labels): {app['seconds']:.1f} s, peak memory "
        f"{app['peak_mib']:,.0f} MiB with workers, grouped macro-F1 {app['macro_f1']:.3f}"
    )
    previous = 0.0
    for message, at in [*json.loads(str(app["stages"])), ["(returned)", app["seconds"]]]:
        print(f"    {at - previous:6.1f} s  ending with: {message}")
        previous = at
    if baseline is not None:
        print(
            f"baseline, bare scikit-learn in memory (vectorise, 5 plain folds, fit, predict "
            f"all in one process): {baseline['seconds']:.1f} s, peak memory "
            f"{baseline['peak_mib']:,.0f} MiB, macro-F1 {baseline['macro_f1']:.3f}"
        )
        print(f"ratio app / baseline: {app['seconds'] / baseline['seconds']:.2f}")


def print_latency(found: dict[str, float], presses: int, pause: float) -> None:
    print(f"label key (save + next unlabeled post + read it), one every {pause * 1000:.0f} ms:")
    for name, count in (("no training", presses), ("while training", int(found["busy_presses"]))):
        key = "quiet" if name == "no training" else "busy"
        print(
            f"    {name:15} {count:4} presses: median {found[f'{key}_median_ms']:.1f} ms, "
            f"p95 {found[f'{key}_p95_ms']:.1f} ms, max {found[f'{key}_max_ms']:.1f} ms "
            f"(save alone p95 {found[f'{key}_save_p95_ms']:.1f} ms)"
        )
    print(
        f"    training in the thread took {found['training_s']:.1f} s; "
        f"ratio p95 training / no training: {found['busy_p95_ms'] / found['quiet_p95_ms']:.2f}"
    )
    print("    while training, by the step the training was in (after the message shown):")
    for message, count, p95 in json.loads(str(found["by_stage"])):
        print(f"        after {message!r:34} {count:4} presses, p95 {p95:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=14_640)
    parser.add_argument("--labels", type=int, help="labeled posts (default: every post)")
    parser.add_argument("--presses", type=int, default=150, help="presses with no training")
    parser.add_argument("--pause", type=float, default=0.1, help="seconds between presses")
    parser.add_argument("--no-latency", action="store_true", help="skip the keypress part")
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare baseline")
    parser.add_argument(
        "--switch-interval",
        type=float,
        help="the GIL's switch interval in the keypress run (train_model lowers it to 1 ms)",
    )
    parser.add_argument("--only-latency", action="store_true", help="skip training's timing")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build here, reuse next time")
    parser.add_argument("--app", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", help=argparse.SUPPRESS)
    parser.add_argument("--latency", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.app:
        return run_app(args.app)
    if args.baseline:
        return run_baseline(args.baseline)
    if args.latency:
        return run_latency(args.latency, args.presses, args.pause, args.switch_interval)
    labels = args.labels or args.posts
    with tempfile.TemporaryDirectory() as name:
        folder = args.keep or Path(name)
        folder.mkdir(parents=True, exist_ok=True)
        project = folder / "model.annotator"
        if not project.exists():
            build(folder, args.posts, labels)
        copy = Path(name) / "latency.annotator"
        if not args.only_latency:
            app = child(__file__, "--app", project)
            baseline = None if args.no_baseline else child(__file__, "--baseline", folder)
            print_training(app, baseline)
        if not args.no_latency:
            shutil.copy(project, copy)
            switch = (
                ["--switch-interval", str(args.switch_interval)] if args.switch_interval else []
            )
            found = child(
                __file__, "--latency", copy, "--presses", str(args.presses),
                "--pause", str(args.pause), *switch,
            )  # fmt: skip
            if args.switch_interval:
                print(f"(the GIL's switch interval set to {args.switch_interval * 1000:g} ms)")
            print_latency(found, args.presses, args.pause)


if __name__ == "__main__":
    main()
