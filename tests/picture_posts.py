"""Posts with pictures for the tests: stored the way import stores them (the copies
made by ``prepare_image``, rows written with ``store.media``), from files in a folder
that the tests then delete."""

from __future__ import annotations

import shutil
from pathlib import Path

from annotator.domain.media import MISSING, REFUSED, STORED
from annotator.services.media.images import prepare_image
from annotator.services.project.projects import Project
from annotator.store.media import insert_images, insert_post_media
from tests.media_images import picture

#: The refused picture's reason, as the import would record it.
REFUSED_REASON = "not a picture (the bytes are no image format we read)"


def add_pictures(project: Project, folder: Path, plan: dict[int, list[str]]) -> dict[str, str]:
    """Give posts pictures: ``plan`` maps a post id to its pictures in order, each a colour
    (a stored picture of that colour), ``"missing"`` or ``"refused"``. The source files are
    written to ``folder``, read, stored, and the folder deleted. Returns colour -> hash."""
    folder.mkdir(parents=True, exist_ok=True)
    images: dict[str, dict[str, object]] = {}
    rows: list[dict[str, object]] = []
    for post_id, pictures in plan.items():
        for position, what in enumerate(pictures):
            source = f"{what}_{post_id}_{position}.png"
            row: dict[str, object] = {
                "post_id": post_id,
                "position": position,
                "source_column": "image_name",
                "source": source,
            }
            if what == "missing":
                row["status"] = MISSING
            elif what == "refused":
                (folder / source).write_bytes(b"this is text, not a picture")
                row.update(status=REFUSED, message=REFUSED_REASON)
            else:
                path = folder / f"{what}.png"
                if not path.exists():
                    path.write_bytes(picture(480, 360, what))
                prepared = prepare_image(path.read_bytes())
                images[what] = prepared.row()
                row.update(status=STORED, image_sha256=prepared.sha256)
            rows.append(row)
    with project.session() as session:
        connection = session.connection()
        insert_images(connection, list(images.values()))
        insert_post_media(connection, rows)
    shutil.rmtree(folder)
    return {colour: str(image["sha256"]) for colour, image in images.items()}
