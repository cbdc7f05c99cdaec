"""The Review tab and adjudication driven with real keys and clicks; the database is the judge."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from annotator.domain.records import AnnotationChange, AnnotationRecord, EvidenceSpan
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import save_annotation
from annotator.services.project.projects import Project, init_project, open_project
from annotator.services.review.adjudication import gold_history, gold_of, unanimous_without_gold
from annotator.services.review.agreement_report import (
    AgreementReport,
    agreement_report,
    landis_koch,
)
from annotator.store.queries import external_id_index, iter_annotations
from annotator.ui.label_chips import CHIP_COLOUR_ROLE
from annotator.ui.main_window import LABEL_TAB, REVIEW_TAB, MainWindow
from annotator.ui.review.review_figures import CAVEAT, shade
from annotator.ui.review.review_panel import DISAGREEMENTS_PAGE, ReviewPanel

pytestmark = pytest.mark.gui

#: External ids of the SMALL_CSV posts.
FORMULA, SERUM, VOTE, HTML_POST = "00123", "1229871234567890123", "1229871234567890124", "42"
NS, SD, SU = "not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"
#: Who labeled what: SERUM and HTML_POST are disagreements, FORMULA and VOTE unanimous.
LABELS = {
    FORMULA: {"ana": NS, "ben": NS, "chloe": NS},
    SERUM: {"ana": SD, "ben": SD, "chloe": SU},
    VOTE: {"ana": NS, "ben": NS},
    HTML_POST: {"ana": SU, "ben": NS},
}


@contextmanager
def reopened(location: str) -> Iterator[Project]:
    """The project through a fresh connection, as another process would see it."""
    project = open_project(location)
    try:
        yield project
    finally:
        project.close()


def ids_of(location: str) -> dict[str, int]:
    with reopened(location) as project, project.session() as session:
        return {external: ids[0] for external, ids in external_id_index(session).items()}


def build_project(tmp_path: Path, small_csv: Path, labels: dict[str, dict[str, str]]) -> str:
    project = init_project(tmp_path / "review.annotator")
    try:
        import_dataset(project, small_csv)
        with project.session() as session:
            ids = {external: found[0] for external, found in external_id_index(session).items()}
        for external, given in labels.items():
            for annotator, key in given.items():
                evidence = (
                    (EvidenceSpan(21, 24, "#ad"),)
                    if (external, annotator) == (SERUM, "ana")
                    else ()
                )
                save_annotation(
                    project,
                    AnnotationChange(
                        post_id=ids[external],
                        annotator=annotator,
                        label_key=key,
                        notes=f"{annotator} on {external}",
                        sponsor="GlowCo" if external == SERUM else "",
                        evidence=evidence,
                    ),
                )
        return str(project.location)
    finally:
        project.close()


@pytest.fixture
def review_location(tmp_path: Path, small_csv: Path) -> str:
    return build_project(tmp_path, small_csv, LABELS)


@pytest.fixture
def report(review_location: str) -> AgreementReport:
    with reopened(review_location) as project:
        return agreement_report(project)


@pytest.fixture
def window(review_location: str, make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window(review_location, annotator="lead")


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, modifiers: object = None) -> None:
    """Type a key the way a person does: into whatever widget has the focus."""
    target = QApplication.focusWidget() or window
    if modifiers is None:
        qtbot.keyClick(target, key)
    else:
        qtbot.keyClick(target, key, modifiers)


def wait_for_figures(qtbot: QtBot, review: ReviewPanel) -> None:
    qtbot.waitUntil(lambda: review.report is not None and not review.computing, timeout=10_000)


def open_review(qtbot: QtBot, window: MainWindow) -> ReviewPanel:
    """Ctrl+R, as the View menu says, then wait for the background computation."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press(qtbot, window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == REVIEW_TAB
    wait_for_figures(qtbot, window.review)
    return window.review


def show_disagreements(qtbot: QtBot, review: ReviewPanel) -> None:
    bar = review.pages.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(DISAGREEMENTS_PAGE).center())
    assert review.pages.currentIndex() == DISAGREEMENTS_PAGE


def click_row(qtbot: QtBot, review: ReviewPanel, post_id: int) -> None:
    table = review.disagreements.view
    row = review.disagreements.model.row_of(post_id)
    assert row is not None
    center = table.visualRect(review.disagreements.model.index(row, 1)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=center)


def listed_gold(review: ReviewPanel, post_id: int) -> str:
    model = review.disagreements.model
    row = model.row_of(post_id)
    assert row is not None
    return str(model.index(row, model.gold_column).data(Qt.ItemDataRole.ToolTipRole))


# ----- the figures -------------------------------------------------------------------------


def test_headline_figures_match_the_report_with_their_bands(
    qtbot: QtBot, window: MainWindow, report: AgreementReport, errors: list[str]
) -> None:
    review = open_review(qtbot, window)
    headline = review.headline

    assert report.fleiss.value is not None and report.alpha.value is not None
    assert report.alpha_ci is not None
    assert headline.values["percent"].text() == f"{report.percent_agreement.value:.3f}"
    assert headline.values["fleiss"].text() == f"{report.fleiss.value:.3f}"
    assert headline.bands["fleiss"].text() == landis_koch(report.fleiss.value)
    assert headline.values["alpha"].text() == f"{report.alpha.value:.3f}"
    assert headline.bands["alpha"].text() == landis_koch(report.alpha.value)
    lo, hi = report.alpha_ci
    assert headline.alpha_ci.text() == f"95% CI [{lo:.3f}, {hi:.3f}]"
    sponsored = report.questions["sponsored"]
    assert headline.values["question:sponsored"].text() == f"{sponsored.value:.3f}"
    assert "4 labeled posts" in headline.counts.text()
    assert "3 annotators" in headline.counts.text()
    assert "0 gold labels" in headline.counts.text()
    assert headline.caveat.text() == CAVEAT
    assert headline.caveat.isVisible()
    per_label = review.labels
    assert [per_label.item(r, 1).text() for r in range(3)] == [
        str(report.labels[k].count) for k in (NS, SD, SU)
    ]
    assert review.status.text().startswith("Computed at")
    assert errors == []


def test_undefined_figures_say_n_a_and_why(
    qtbot: QtBot, tmp_path: Path, small_csv: Path, make_window: Callable[..., MainWindow]
) -> None:
    location = build_project(tmp_path, small_csv, {FORMULA: {"ana": NS}, VOTE: {"ana": SD}})
    window = make_window(location, annotator="lead")
    review = open_review(qtbot, window)

    assert review.headline.values["fleiss"].text() == "n/a"
    assert review.headline.bands["fleiss"].text() == "no post has two or more labels"
    assert review.headline.alpha_ci.text() == ""
    assert review.heatmap.item(0, 0).text() == "—"
    assert review.confusion.caption.text() == "A confusion matrix needs two annotators."
    assert review.disagreements.model.rowCount() == 0


def test_kappa_heatmap_shows_each_pair(
    qtbot: QtBot, window: MainWindow, report: AgreementReport
) -> None:
    heatmap = open_review(qtbot, window).heatmap
    names = [heatmap.horizontalHeaderItem(c).text() for c in range(heatmap.columnCount())]
    assert names == ["ana", "ben", "chloe"]

    kappa = report.cohen[("ana", "ben")]
    assert kappa.value is not None
    assert heatmap.item(0, 1).text() == f"{kappa.value:.3f}\nn = 4"
    assert heatmap.item(1, 0).text() == f"{kappa.value:.3f}\nn = 4"
    assert heatmap.item(0, 0).text() == heatmap.item(2, 2).text() == "—"
    assert "n = 4 posts both labeled" in heatmap.item(0, 1).toolTip()
    # Four posts are too few to trust: hatched grey, not shaded like a well-founded kappa.
    assert "Fewer than 10 posts" in heatmap.item(0, 1).toolTip()
    assert heatmap.item(0, 1).background().style() == Qt.BrushStyle.BDiagPattern
    assert heatmap.item(0, 1).background().color() != shade(kappa.value)[0]
    chloe = report.cohen[("ana", "chloe")]
    shown = f"{chloe.value:.3f}" if chloe.value is not None else "n/a"
    assert heatmap.item(2, 0).text().split("\n")[0] == shown


def test_bar_chart_has_a_bar_set_per_label_with_each_annotators_counts(
    qtbot: QtBot, window: MainWindow
) -> None:
    chart = open_review(qtbot, window).chart

    assert chart.series is not None
    assert len(chart.series.barSets()) == 3
    # Annotators in order ana, ben, chloe.
    assert chart.values() == {
        "Not sponsored": [2.0, 3.0, 1.0],
        "Sponsored, disclosed": [1.0, 1.0, 0.0],
        "Sponsored, undisclosed": [1.0, 0.0, 1.0],
    }


def test_confusion_matrix_follows_the_annotator_pickers(
    qtbot: QtBot, window: MainWindow, report: AgreementReport
) -> None:
    confusion = open_review(qtbot, window).confusion

    def shown() -> list[list[int]]:
        table = confusion.table
        return [
            [int(table.item(r, c).text()) for c in range(table.columnCount())]
            for r in range(table.rowCount())
        ]

    stored = report.confusion[("ana", "ben")]
    # HTML_POST: ana said undisclosed, ben not sponsored; so the matrix is not symmetric.
    assert stored == [[2, 0, 0], [0, 1, 0], [1, 0, 0]]
    assert (confusion.first.currentText(), confusion.second.currentText()) == ("ana", "ben")
    assert shown() == stored

    confusion.first.setCurrentIndex(confusion.first.findText("ben"))
    confusion.second.setCurrentIndex(confusion.second.findText("ana"))
    assert shown() == [[2, 0, 1], [0, 1, 0], [0, 0, 0]]
    assert confusion.caption.text().startswith("Rows: ben's labels  ·  columns: ana's labels")

    confusion.second.setCurrentIndex(confusion.second.findText("ben"))
    assert confusion.table.rowCount() == 0
    assert confusion.caption.text() == "Pick two different annotators."


# ----- disagreements and adjudication ---------------------------------------------------------


def test_disagreement_list_holds_exactly_the_disagreeing_posts(
    qtbot: QtBot, window: MainWindow, review_location: str, qtmodeltester: ModelTester
) -> None:
    ids = ids_of(review_location)
    review = open_review(qtbot, window)
    show_disagreements(qtbot, review)
    model = review.disagreements.model
    qtmodeltester.check(model)

    assert [model.post_id(r) for r in range(model.rowCount())] == [ids[SERUM], ids[HTML_POST]]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["ID", "Text", "ana", "ben", "chloe", "Gold"]
    serum = [model.index(0, c).data() for c in range(model.columnCount())]
    assert serum[0] == SERUM
    # Short colour-coded chips, the full label in the tool tip.
    assert serum[2:] == ["SD", "SD", "SU", ""]
    tips = [model.index(0, c).data(Qt.ItemDataRole.ToolTipRole) for c in (2, 4, 5)]
    wanted = ["ana: Sponsored, disclosed", "chloe: Sponsored, undisclosed", "Gold: none yet"]
    assert all(want in str(tip) for want, tip in zip(wanted, tips, strict=True))
    colours = {model.index(0, c).data(CHIP_COLOUR_ROLE).name() for c in (2, 4)}
    assert len(colours) == 2  # disclosed and undisclosed look different
    assert model.index(0, 5).data(CHIP_COLOUR_ROLE) is None
    assert "SD Sponsored, disclosed" in review.disagreements.legend.text()
    html_row = [model.index(1, c).data() for c in range(model.columnCount())]
    assert html_row[1] == "<b>not bold</b> &amp; just my lunch"
    assert html_row[4] == "—"  # chloe did not label it
    assert review.pages.tabText(DISAGREEMENTS_PAGE) == "Disagreements (2)"
    assert review.disagreements.count.text() == "2 disagreements  ·  2 without gold"


def test_adjudicating_by_keyboard_stores_gold_with_note_and_moves_on(
    qtbot: QtBot, window: MainWindow, review_location: str, errors: list[str]
) -> None:
    ids = ids_of(review_location)
    review = open_review(qtbot, window)
    show_disagreements(qtbot, review)
    panel = review.adjudication

    click_row(qtbot, review, ids[SERUM])
    press(qtbot, window, Qt.Key.Key_Return)
    assert panel.post_id == ids[SERUM]
    assert QApplication.focusWidget() is panel
    assert [a.autoRepeat() for a in panel.key_actions.values()] == [False, False, False]
    assert panel.text.toPlainText().startswith("Loving my new serum! #ad")
    cards = [card.text() for card in panel.cards]
    assert [c.splitlines()[:2] for c in cards] == [
        ["ana", "Sponsored, disclosed"],
        ["ben", "Sponsored, disclosed"],
        ["chloe", "Sponsored, undisclosed"],
    ]
    assert "Evidence: “#ad”" in cards[0]
    assert "Sponsor: GlowCo" in cards[0]
    assert f"Notes: ana on {SERUM}" in cards[0]

    qtbot.mouseClick(panel.notes.viewport(), Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is panel.notes
    qtbot.keyClicks(QApplication.focusWidget(), "says #ad in 2 places")
    with reopened(review_location) as project:
        assert gold_of(project, ids[SERUM]) is None  # the 2 typed was text, not a decision
    press(qtbot, window, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is panel
    press(qtbot, window, Qt.Key.Key_2)

    with reopened(review_location) as project:
        gold = gold_of(project, ids[SERUM])
        assert gold is not None
        assert (gold.label_key, gold.decided_by, gold.notes, gold.method) == (
            SD,
            "lead",
            "says #ad in 2 places",
            "adjudicated",
        )
        assert gold_of(project, ids[HTML_POST]) is None
    assert "Gold: Sponsored, disclosed" in listed_gold(review, ids[SERUM])
    # On to the next disagreement without gold, keys still here.
    assert panel.post_id == ids[HTML_POST]
    assert review.disagreements.current_post_id() == ids[HTML_POST]
    assert panel.text.toPlainText() == "<b>not bold</b> &amp; just my lunch"
    assert panel.notes.toPlainText() == ""

    press(qtbot, window, Qt.Key.Key_3)
    with reopened(review_location) as project:
        gold = gold_of(project, ids[HTML_POST])
        assert gold is not None and gold.label_key == SU
    assert "Every listed disagreement has gold now" in panel.status.text()
    assert review.disagreements.count.text() == "2 disagreements  ·  0 without gold"
    assert errors == []


def test_changing_gold_later_keeps_history(
    qtbot: QtBot, window: MainWindow, review_location: str
) -> None:
    ids = ids_of(review_location)
    review = open_review(qtbot, window)
    show_disagreements(qtbot, review)
    panel = review.adjudication
    click_row(qtbot, review, ids[SERUM])
    press(qtbot, window, Qt.Key.Key_Return)
    press(qtbot, window, Qt.Key.Key_2)
    assert panel.post_id == ids[HTML_POST]

    click_row(qtbot, review, ids[SERUM])
    assert panel.post_id == ids[SERUM]
    assert panel.gold.text().startswith("Gold: Sponsored, disclosed — by lead (adjudicated)")
    press(qtbot, window, Qt.Key.Key_3)  # the table has the focus: the keys work there too

    with reopened(review_location) as project:
        assert gold_history(project, ids[SERUM]) == [
            (SD, "lead", "adjudicated"),
            (SU, "lead", "adjudicated"),
        ]
    click_row(qtbot, review, ids[SERUM])
    assert panel.history.text().splitlines()[1:] == [
        "  Sponsored, disclosed — by lead (adjudicated)",
        "  Sponsored, undisclosed — by lead (adjudicated)",
    ]

    qtbot.mouseClick(panel.remove, Qt.MouseButton.LeftButton)
    with reopened(review_location) as project:
        assert gold_of(project, ids[SERUM]) is None
        assert gold_history(project, ids[SERUM])[-1] == (None, "lead", "adjudicated")
    assert "Gold: none yet" in listed_gold(review, ids[SERUM])
    assert panel.gold.text() == "Gold: none yet"


def test_prefill_of_unanimous_posts_asks_first(
    qtbot: QtBot,
    window: MainWindow,
    review_location: str,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],
) -> None:
    ids = ids_of(review_location)
    asked: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return answers[len(asked) - 1]

    monkeypatch.setattr(QMessageBox, "question", question)
    review = open_review(qtbot, window)
    show_disagreements(qtbot, review)
    button = review.disagreements.prefill

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert asked[0].startswith("Pre-fill gold for 2 unanimous posts?")
    with reopened(review_location) as project:
        assert len(unanimous_without_gold(project)) == 2
        assert gold_of(project, ids[FORMULA]) is None

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2
    qtbot.waitUntil(lambda: "2 unanimous posts got" in review.status.text(), timeout=10_000)
    with reopened(review_location) as project:
        decisions = [gold_of(project, ids[e]) for e in (FORMULA, VOTE)]
        assert [(d.label_key, d.decided_by, d.method) for d in decisions if d] == [
            (NS, "lead", "unanimous"),
            (NS, "lead", "unanimous"),
        ]
        assert gold_of(project, ids[SERUM]) is None  # disagreements are left to the lead
    wait_for_figures(qtbot, review)
    assert "2 gold labels" in review.headline.counts.text()
    assert errors == []


def test_label_keys_never_label_on_the_review_tab(
    qtbot: QtBot, window: MainWindow, review_location: str
) -> None:
    def my_labels() -> list[str]:
        with reopened(review_location) as project, project.session() as session:
            return [a.label_key for a in iter_annotations(session) if a.annotator == "lead"]

    shown_post = window.labeling.current_post_id
    review = open_review(qtbot, window)
    assert not window.label_actions[f"label.{SD}"].isEnabled()
    assert not window.actions_by_id["post.skip"].isEnabled()
    press(qtbot, window, Qt.Key.Key_2)
    show_disagreements(qtbot, review)
    click_row(qtbot, review, review.disagreements.model.post_id(0))
    press(qtbot, window, Qt.Key.Key_Return)
    press(qtbot, window, Qt.Key.Key_2)  # adjudicates, which is not labeling
    assert my_labels() == []
    assert window.labeling.current_post_id == shown_post

    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == LABEL_TAB
    assert window.label_actions[f"label.{SD}"].isEnabled()
    press(qtbot, window, Qt.Key.Key_2)
    assert my_labels() == [SD]


def test_every_label_in_the_review_tab_is_plain_text(qtbot: QtBot, window: MainWindow) -> None:
    review = open_review(qtbot, window)
    show_disagreements(qtbot, review)
    review.disagreements.select_post(review.disagreements.model.post_id(1))
    labels = review.findChildren(QLabel)
    assert len(labels) > 20
    assert [
        label.objectName() for label in labels if label.textFormat() != Qt.TextFormat.PlainText
    ] == []
    assert review.adjudication.text.toPlainText() == "<b>not bold</b> &amp; just my lunch"


# ----- one undo history across tabs ------------------------------------------------------------


def lead_labels(location: str) -> list[AnnotationRecord]:
    with reopened(location) as project, project.session() as session:
        return [a for a in iter_annotations(session) if a.annotator == "lead"]


def test_ctrl_z_after_a_gold_decision_removes_it_and_says_so(
    qtbot: QtBot, window: MainWindow, review_location: str
) -> None:
    ids = ids_of(review_location)
    review = open_review(qtbot, window)
    show_disagreements(qtbot, review)
    panel = review.adjudication
    click_row(qtbot, review, ids[SERUM])
    press(qtbot, window, Qt.Key.Key_Return)
    press(qtbot, window, Qt.Key.Key_2)
    with reopened(review_location) as project:
        decision = gold_of(project, ids[SERUM])
        assert decision is not None and decision.label_key == SD
    undo = window.actions_by_id["edit.undo"]
    assert undo.text() == f"&Undo: gold ‘Sponsored, disclosed’ on post {SERUM}"
    model = review.disagreements.model
    without_gold = model.without_gold()

    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    with reopened(review_location) as project:
        assert gold_of(project, ids[SERUM]) is None
        assert [method for _label, _who, method in gold_history(project, ids[SERUM])] == [
            "adjudicated",
            "undo",
        ]
    assert window.statusBar().currentMessage() == (
        f"Undo: gold ‘Sponsored, disclosed’ on post {SERUM}"
    )
    assert model.without_gold() == without_gold + 1  # the list follows the undo
    click_row(qtbot, review, ids[SERUM])
    assert panel.gold.text() == "Gold: none yet"

    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    press(qtbot, window, Qt.Key.Key_Z, redo)
    with reopened(review_location) as project:
        decision = gold_of(project, ids[SERUM])
        assert decision is not None and decision.label_key == SD
    assert window.statusBar().currentMessage().startswith("Redo: gold ‘Sponsored, disclosed’")


def test_ctrl_z_on_the_review_tab_undoes_a_label_given_on_the_label_tab(
    qtbot: QtBot, window: MainWindow, review_location: str
) -> None:
    labeled = window.labeling.current_post_id
    assert labeled is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press(qtbot, window, Qt.Key.Key_3)
    assert [a.post_id for a in lead_labels(review_location)] == [labeled]
    review = open_review(qtbot, window)
    assert review.isVisible()

    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    assert lead_labels(review_location) == []
    message = window.statusBar().currentMessage()
    assert message.startswith("Undo: label ‘Sponsored, undisclosed’ on post ")
    assert window.tabs.currentIndex() == REVIEW_TAB  # the lead stays where they are
    assert window.labeling.current_post_id == labeled  # the Label tab shows that post again


def test_look_alike_names_of_an_old_project_are_said_above_the_figures(
    qtbot: QtBot, make_window: Callable[..., MainWindow], small_project: Project
) -> None:
    from annotator.store.tables import Annotation, Annotator

    with small_project.session() as session:  # as a project made before names were checked
        for post_id, name in enumerate(["Ana", "ana "], start=1):
            row = Annotator(name=name)
            session.add(row)
            session.flush()
            assert row.id is not None
            session.add(Annotation(post_id=post_id, annotator_id=row.id, label_key="not_sponsored"))
    location = small_project.location
    small_project.close()
    window = make_window(location, annotator="lead")
    review = open_review(qtbot, window)
    assert review.look_alike.isVisible()
    assert review.look_alike.text() == (
        "Names that look like one person: Ana / ana␣ — merge them with annotator "
        "merge-annotators PROJECT FROM INTO"
    )
