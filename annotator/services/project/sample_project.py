"""The sample project that ships with the app: 381 posts and three annotators' labels.

The welcome screen's "Open the sample project", ``make run`` and the bundle's smoke
test all build it the same way, clusters found, from the CSV files under ``datasets/`` (inside the
package as ``annotator/resources/samples`` once installed).
"""

from __future__ import annotations

from pathlib import Path

from annotator.resource_files import sample_file
from annotator.services.clusters.clustering import find_clusters
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.imports.label_import import import_labels
from annotator.services.project.projects import init_project
from annotator.store.engine import Project

SAMPLE_POSTS = "sample_posts.csv"
SAMPLE_LABELS = "sample_labels.csv"


def build_sample_project(target: str | Path, *, with_labels: bool = True) -> Project:
    """Create ``target`` (a new file, or an empty database's URL) holding the sample
    posts, and labels.

    Returns the open project; the caller closes it.
    """
    project = init_project(target)
    try:
        import_dataset(project, sample_file(SAMPLE_POSTS), ImportOptions(dataset="sample"))
        if with_labels:
            import_labels(project, sample_file(SAMPLE_LABELS))
        find_clusters(project)  # as the app does after an import: its clusters show
    except BaseException:
        project.close()
        raise
    return project
