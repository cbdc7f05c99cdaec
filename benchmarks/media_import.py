"""Import speed with pictures: `annotator import` of posts naming image files, against
Pillow alone decoding and resizing the same images, measured in the same run.

N posts (default 100,000) name M distinct images (default 20,000) in an ``Image Name``
column, as the Instagram sheet does; post i shows image i mod M. The images are
photo-like 1080 x 1080 JPEGs (a colour gradient under a grain texture, each one distinct),
made once and kept in the temporary folder across runs (``--images-dir`` to choose it).

- baseline: Pillow opens, decodes and resizes each distinct image to the display size
  (1,600 px long side) and the thumbnail (160 px), in the same number of worker processes
  the import uses (``media_import.WORKERS``, 2), nothing else;
- annotator: the import service into a fresh SQLite project: posts, reading and hashing
  every file, decoding, making and storing the copies, and the posts' media rows.

Each side runs in its own process. Prints both times, the ratio (the target is 3 at most)
and how much the project grows per distinct image.

    python benchmarks/media_import.py --posts 10000 --images 2000
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from pathlib import Path

from child_runs import child, report
from peak_memory import peak_rss_mib

SIDE = 1080
#: Bump when the generated pictures change, so a cache of older ones is not reused.
_IMAGES_VERSION = 2


def _texture(seed: int) -> object:
    """A texture shared by all pictures (rolled differently for each): soft blotches, as
    of objects out of focus, under a fine sensor grain."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    small = rng.uniform(0, 255, (SIDE // 30, SIDE // 30, 3)).astype(np.uint8)
    blotches = np.asarray(
        Image.fromarray(small, "RGB").resize((SIDE, SIDE), Image.Resampling.BICUBIC), float
    )
    grain = rng.normal(0, 4, (SIDE, SIDE, 3))
    return (blotches - 128) * 0.5 + grain


def make_images(folder: Path, count: int) -> list[Path]:
    """``count`` distinct photo-like JPEGs in ``folder``; those already there are kept."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"image_{i:06d}.jpg" for i in range(count)]
    missing = [(i, p) for i, p in enumerate(paths) if not p.exists()]
    if not missing:
        return paths
    print(f"making {len(missing):,} pictures in {folder} (kept for the next run)", flush=True)
    texture = _texture(7)
    ramp = np.linspace(0.0, 1.0, SIDE)
    for i, path in missing:
        rng = np.random.default_rng(i)
        top, bottom = rng.uniform(30, 225, 3), rng.uniform(30, 225, 3)
        gradient = top + (bottom - top) * ramp[:, None, None] * np.ones((1, SIDE, 1))
        shifted = np.roll(texture, (int(rng.integers(SIDE)), int(rng.integers(SIDE))), (0, 1))
        pixels = np.clip(gradient + shifted, 0, 255).astype(np.uint8)
        temporary = path.with_suffix(".part")
        Image.fromarray(pixels, "RGB").save(temporary, "JPEG", quality=90)
        temporary.replace(path)
    return paths


def make_posts(source: Path, posts: int, images: list[Path]) -> None:
    """The sheet: post i names image i mod M, relative to the sheet's folder."""
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "Caption", "Username", "Image Name"])
        for i in range(posts):
            image = images[i % len(images)]
            writer.writerow(
                [
                    str(3000000000000000000 + i),
                    f"Loving this look from @brand_{i % 300} #ad use code GLOW{i % 97} ({i})",
                    f"creator_{i % 5000}",
                    os.path.relpath(image, source.parent),
                ]
            )


def _resize(path: str) -> int:
    from PIL import Image

    with Image.open(path) as opened:
        opened.load()
        display = opened.copy()
        display.thumbnail((1600, 1600), Image.Resampling.BICUBIC)
        thumbnail = opened.copy()
        thumbnail.thumbnail((160, 160), Image.Resampling.LANCZOS)
    return display.width + thumbnail.width


def run_baseline(images: list[Path]) -> None:
    from joblib import Parallel, delayed

    from annotator.services.imports.media_import import WORKERS

    started = time.perf_counter()
    done = sum(
        1
        for _ in Parallel(n_jobs=WORKERS, return_as="generator")(
            delayed(_resize)(str(p)) for p in images
        )
    )
    report(seconds=time.perf_counter() - started, images=done, peak_mib=peak_rss_mib())


def _project_bytes(location: Path) -> int:
    return sum(p.stat().st_size for p in location.parent.glob(location.name + "*") if p.is_file())


def run_annotator(source: Path, folder: Path) -> None:
    from annotator.services.imports.importing import import_dataset
    from annotator.services.project.projects import init_project
    from annotator.store.media import stored_image_bytes

    location = folder / "bench.annotator"
    for old in folder.glob("bench.annotator*"):
        old.unlink()
    project = init_project(location)
    empty = _project_bytes(location)
    started = time.perf_counter()
    result = import_dataset(project, source)
    elapsed = time.perf_counter() - started
    with project.engine.connect() as connection:
        stored = stored_image_bytes(connection)
    project.close()
    report(
        seconds=elapsed,
        posts=result.added,
        images=result.pictures_stored,
        missing=result.pictures_missing,
        refused=result.pictures_refused,
        copies_bytes=stored,
        growth_bytes=_project_bytes(location) - empty,
        peak_mib=peak_rss_mib(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--images", type=int, default=20_000)
    parser.add_argument(
        "--images-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / f"annotator-bench-media-v{_IMAGES_VERSION}",
        help="where the generated pictures are kept between runs",
    )
    parser.add_argument("--side", choices=["baseline", "annotator"])
    parser.add_argument("--source", type=Path)
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    images = make_images(args.images_dir / "images", args.images)
    if args.side == "baseline":
        run_baseline(images)
        return
    if args.side == "annotator":
        run_annotator(args.source, args.folder)
        return
    source_mib = sum(p.stat().st_size for p in images) / 2**20
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = args.images_dir / f"posts_{args.posts}_{args.images}.csv"
        make_posts(source, args.posts, images)
        common = ("--images", args.images, "--images-dir", args.images_dir)
        baseline = child(__file__, "--side", "baseline", *common)
        ours = child(
            __file__, "--side", "annotator", "--source", source, "--folder", folder, *common
        )
    assert ours["posts"] == args.posts and ours["images"] == args.images, ours
    assert ours["missing"] == 0 and ours["refused"] == 0, ours
    print(
        f"{args.posts:,} posts naming {args.images:,} distinct {SIDE}x{SIDE} JPEGs "
        f"({source_mib:,.0f} MiB, {source_mib * 1024 / args.images:,.0f} KiB each)"
    )
    print(
        f"{'Pillow decode + resize (2 processes)':40} {baseline['seconds']:7.2f} s  "
        f"{args.images / baseline['seconds']:6.0f} images/s"
    )
    print(
        f"{'annotator import (2 worker processes)':40} {ours['seconds']:7.2f} s  "
        f"{args.images / ours['seconds']:6.0f} images/s  peak {ours['peak_mib']:,.0f} MiB"
    )
    print(f"ratio (annotator time / baseline time): {ours['seconds'] / baseline['seconds']:.2f}")
    print(
        f"project growth per distinct image: {ours['growth_bytes'] / args.images / 1024:,.0f} KiB"
        f" (stored copies alone: {ours['copies_bytes'] / args.images / 1024:,.0f} KiB)"
    )


if __name__ == "__main__":
    main()
