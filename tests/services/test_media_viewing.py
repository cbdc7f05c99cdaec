"""Reading posts' pictures for the screen: decoded from the stored copies alone, fitted
to their box, thumbnails per page of posts, and copies sharing an image."""

from __future__ import annotations

from pathlib import Path

from annotator.services.media.viewing import (
    decode,
    first_thumbnails,
    has_stored_pictures,
    media_of,
    post_pictures,
    shared_image_counts,
)
from annotator.services.project.projects import Project
from tests.media_images import picture
from tests.picture_posts import add_pictures
from tests.services.test_cluster_summaries import post_ids


def test_decode_fits_the_box_and_never_enlarges() -> None:
    big = decode(picture(800, 400, "red", "JPEG"), box=(200, 200))
    assert (big.width, big.height) == (200, 100)
    assert len(big.rgba) == 200 * 100 * 4
    small = decode(picture(40, 30, "blue", "PNG"), box=(200, 200))
    assert (small.width, small.height) == (40, 30)
    red, green, blue, alpha = small.rgba[:4]
    assert (red, green, blue, alpha) == (0, 0, 255, 255)


def test_pictures_of_a_post_come_from_the_project_alone(
    small_project: Project, tmp_path: Path
) -> None:
    ids = sorted(post_ids(small_project).values())
    assert not has_stored_pictures(small_project)
    add_pictures(small_project, tmp_path / "gone", {ids[0]: ["red", "missing", "blue"]})
    assert not (tmp_path / "gone").exists()
    assert has_stored_pictures(small_project)

    items = media_of(small_project, ids[0])
    assert [item.status for item in items] == ["stored", "missing", "stored"]
    shown = post_pictures(small_project, ids[0], items, box=(120, 120), thumbnail_box=(32, 32))
    assert shown.large is not None and (shown.large.width, shown.large.height) == (120, 90)
    assert list(shown.thumbnails) == [2]  # the blue one, by its position
    assert max(shown.thumbnails[2].width, shown.thumbnails[2].height) <= 32


def test_first_thumbnails_and_shared_images(small_project: Project, tmp_path: Path) -> None:
    ids = sorted(post_ids(small_project).values())
    add_pictures(
        small_project,
        tmp_path / "pictures",
        {ids[0]: ["missing", "red"], ids[1]: ["red"], ids[2]: ["blue"]},
    )
    found = first_thumbnails(small_project, ids, box=(16, 16))
    assert found[ids[3]] is None  # no picture
    assert all(found[post_id] is not None for post_id in ids[:3])
    assert shared_image_counts(small_project, ids) == {ids[0]: 1, ids[1]: 1}
