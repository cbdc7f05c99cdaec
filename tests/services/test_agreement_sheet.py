"""The xlsx Agreement sheet, read back as a lead opens it: bands only for statistics
corrected for chance, three decimals on numeric cells, labels by their display names."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from annotator.domain.agreement import category_counts, percent_agreement
from annotator.services.exports.exporting import ExportOptions, export_data
from annotator.services.imports.label_import import import_labels
from annotator.services.project.projects import Project
from tests.conftest import write_csv

BANDS = ("poor", "slight", "fair", "moderate", "substantial", "almost perfect")
KEYS = ("not_sponsored", "sponsored_disclosed", "sponsored_undisclosed")


@pytest.fixture
def sheet(project: Project, tmp_path: Path) -> dict[str, tuple[object, str, str]]:
    """Three annotators on twelve posts, mostly "not sponsored": raw agreement is high
    (as on real data, where one label dominates) and kappa much lower."""
    posts = "id,text\n" + "".join(f"p{i},post number {i}\n" for i in range(12))
    from annotator.services.imports.importing import import_dataset

    import_dataset(project, write_csv(tmp_path / "posts.csv", posts))
    given = {
        "ana": "nnnnnnnnndds",
        "ben": "nnnnnnnnndss",
        "cy": "nnnnnnnndddn",
    }
    names = {"n": KEYS[0], "d": KEYS[1], "s": KEYS[2]}
    rows = "".join(
        f"p{i},{who},{names[code]}\n"
        for who, codes in given.items()
        for i, code in enumerate(codes)
    )
    import_labels(project, write_csv(tmp_path / "labels.csv", "post_id,annotator,label\n" + rows))
    out = tmp_path / "posts.xlsx"
    export_data(project, out, ExportOptions(manifest=False))
    agreement = openpyxl.load_workbook(out)["Agreement"]
    found: dict[str, tuple[object, str, str]] = {}
    for measure, value, note in agreement.iter_rows(min_row=2, max_col=3):
        if measure.value:
            found[str(measure.value)] = (value.value, value.number_format, str(note.value or ""))
    return found


def test_percent_agreement_carries_no_kappa_band(sheet: dict[str, tuple[object, str, str]]) -> None:
    value, _, note = sheet["Percent agreement"]
    assert isinstance(value, float) and value > 0.8  # "almost perfect" if it were banded
    assert not any(band in note for band in BANDS)
    assert "not corrected for chance" in note
    for name, (_, _, note) in sheet.items():
        if name.startswith("Specific agreement"):
            assert not any(band in note for band in BANDS), name


def test_chance_corrected_statistics_carry_their_band(
    sheet: dict[str, tuple[object, str, str]],
) -> None:
    for name in ("Fleiss' kappa", "Krippendorff's alpha", "Cohen's kappa ana × ben"):
        value, _, note = sheet[name]
        assert isinstance(value, float)
        assert note.split(";")[0] in BANDS, (name, note)


def test_statistics_stay_numbers_shown_to_three_decimals(
    sheet: dict[str, tuple[object, str, str]],
) -> None:
    value, number_format, _ = sheet["Percent agreement"]
    codes = [[0] * 9 + [1, 1, 2], [0] * 9 + [1, 2, 2], [0] * 8 + [1, 1, 1, 0]]
    import numpy as np

    expected = percent_agreement(category_counts(np.array(codes).T, 3)).value
    assert value == pytest.approx(expected)  # the full value is kept, only shown rounded
    assert number_format == "0.000"
    for name in ("Fleiss' kappa", "Krippendorff's alpha", "alpha 95% CI low"):
        assert sheet[name][1] == "0.000", name
    count, count_format, _ = sheet["Labeled posts"]
    assert (count, count_format) == (12, "General")


def test_labels_appear_by_display_name_never_by_key(
    sheet: dict[str, tuple[object, str, str]],
) -> None:
    text = " ".join(f"{name} {note}" for name, (_, _, note) in sheet.items())
    assert not any(key in text for key in KEYS)
    assert "Specific agreement: Sponsored, undisclosed" in sheet
    assert "alpha vs the rest: Not sponsored" in sheet
    assert sheet["Label"][0] == "Posts"  # the distribution under the figures
    assert sheet["Not sponsored"][0] == 8 and sheet["Sponsored, disclosed"][0] == 1
