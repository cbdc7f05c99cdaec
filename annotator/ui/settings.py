"""User preferences over QSettings, declared once with their types and defaults.

Window geometry is kept apart from preferences; anything that belongs to a project
lives in the project's database instead.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "annotator"
APPLICATION = "annotator"
MAX_RECENT = 8


class Preferences:
    """Typed accessors; every key appears here and nowhere else."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or QSettings()

    @property
    def annotator_name(self) -> str:
        return str(self._settings.value("preferences/annotator_name", "") or "")

    @annotator_name.setter
    def annotator_name(self, name: str) -> None:
        self._settings.setValue("preferences/annotator_name", name)
        self._settings.sync()

    @property
    def recent_projects(self) -> list[str]:
        value = self._settings.value("preferences/recent_projects", [])
        if isinstance(value, str):  # QSettings gives a one-item list back as a string
            return [value]
        return [str(v) for v in value] if isinstance(value, list | tuple) else []

    def add_recent_project(self, location: str) -> None:
        recent = [location, *(p for p in self.recent_projects if p != location)][:MAX_RECENT]
        self._settings.setValue("preferences/recent_projects", recent)
        self._settings.sync()

    @property
    def export_format(self) -> str:
        """The table format (a suffix such as ".csv") of the last export; "" before one."""
        return str(self._settings.value("preferences/export_format", "") or "")

    @export_format.setter
    def export_format(self, suffix: str) -> None:
        self._settings.setValue("preferences/export_format", suffix)

    @property
    def export_folder(self) -> str:
        """The folder the last export was written to; "" before one."""
        return str(self._settings.value("preferences/export_folder", "") or "")

    @export_folder.setter
    def export_folder(self, folder: str) -> None:
        self._settings.setValue("preferences/export_folder", folder)


def _position_key(project: str, annotator: str) -> str:
    safe = project.replace("/", "|").replace("\\", "|")
    return f"positions/{safe}/{annotator}"


class Positions:
    """The post each annotator was on in each project, to reopen there."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or QSettings()

    def load(self, project: str, annotator: str) -> int | None:
        value = self._settings.value(_position_key(project, annotator))
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    def save(self, project: str, annotator: str, post_id: int) -> None:
        self._settings.setValue(_position_key(project, annotator), post_id)


class WindowState:
    """Geometry and splitter positions, restored at start."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or QSettings()

    def save(self, name: str, state: QByteArray) -> None:
        self._settings.setValue(f"window/{name}", state)

    def load(self, name: str) -> QByteArray | None:
        value = self._settings.value(f"window/{name}")
        return value if isinstance(value, QByteArray) else None
