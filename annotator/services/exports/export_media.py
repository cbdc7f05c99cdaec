"""The training export's pictures: ``--media paths`` writes each stored display copy once
into a folder beside the export, named by its content hash, and lists relative paths."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Connection

from annotator.domain.errors import UserError
from annotator.store.media import image_copy

MEDIA_CHOICES = ("none", "hashes", "paths")


def media_folder(out: Path) -> Path:
    """Where ``--media paths`` puts the pictures of ``out`` (``train.csv`` -> ``train_media``)."""
    return out.with_name(f"{out.stem}_media")


def check_media(media: str, what: str) -> None:
    if media not in MEDIA_CHOICES:
        raise UserError(f"--media {media!r}: choose {', '.join(MEDIA_CHOICES)}")
    if media != "none" and what != "training":
        raise UserError("--media applies to --what training only")


class MediaPaths:
    """Writes display copies into the export's media folder and names them relatively."""

    def __init__(self, connection: Connection, out: Path) -> None:
        self.connection = connection
        self.folder = media_folder(out)
        self.written: dict[str, str] = {}

    def _path(self, sha256: str) -> str:
        known = self.written.get(sha256)
        if known is not None:
            return known
        data = image_copy(self.connection, sha256)
        if data is None:  # cannot happen for a stored picture; leave it out rather than guess
            return ""
        # The display copy is JPEG, or PNG when the picture has transparency.
        suffix = ".png" if data.startswith(b"\x89PNG") else ".jpg"
        self.folder.mkdir(exist_ok=True)
        target = self.folder / f"{sha256}{suffix}"
        if not target.exists():
            target.write_bytes(data)
        relative = f"{self.folder.name}/{target.name}"
        self.written[sha256] = relative
        return relative

    def frame(self, frame: pd.DataFrame, column: str) -> pd.DataFrame:
        """``frame`` with the hash lists of ``column`` replaced by relative paths."""
        if column in frame.columns:
            frame = frame.copy()
            frame[column] = [
                [p for p in (self._path(h) for h in hashes) if p] for hashes in frame[column]
            ]
        return frame
