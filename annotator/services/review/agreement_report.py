"""The agreement report a lead reads before trusting labels: built from the project's
annotations, computed by ``domain.agreement``, shaped for the CLI, JSON and the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlmodel import col

from annotator.domain.agreement import (
    MISSING,
    Estimate,
    LabelAgreement,
    bootstrap_alpha,
    category_counts,
    confusion_matrix,
    estimate_json,
    fleiss_kappa,
    krippendorff_alpha,
    pairwise_kappas,
    per_label,
    percent_agreement,
    recode,
)
from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.people import look_alike_groups, name_key, visible
from annotator.store.engine import Project
from annotator.store.queries import load_codebook
from annotator.store.tables import Annotation, Annotator, Dataset, GoldLabel, Post

#: Landis and Koch (1977) bands: conventions for reading kappa, not thresholds of truth.
LANDIS_KOCH = (
    (0.0, "poor"),
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (1.0, "almost perfect"),
)


def landis_koch(value: float | None) -> str:
    """The Landis and Koch wording for a kappa or alpha value ("" when undefined)."""
    if value is None:
        return ""
    if value < 0:
        return "poor"
    for upper, words in LANDIS_KOCH[1:]:
        if value <= upper:
            return words
    return "almost perfect"


@dataclass(frozen=True)
class AnnotatorSummary:
    """One annotator's label distribution and pace."""

    name: str
    distribution: dict[str, int]
    median_seconds: float | None
    posts_per_hour: float | None


@dataclass
class AgreementReport:
    """Every figure of the review; ``to_json`` is the CLI's stable contract."""

    codebook: Codebook
    annotators: list[str]
    items: int
    items_multi: int
    percent_agreement: Estimate
    cohen: dict[tuple[str, str], Estimate]
    fleiss: Estimate
    alpha: Estimate
    alpha_ci: tuple[float, float] | None
    labels: dict[str, LabelAgreement]
    questions: dict[str, Estimate]
    confusion: dict[tuple[str, str], list[list[int]]]
    gold: int
    people: list[AnnotatorSummary] = field(default_factory=list)
    #: Stored spellings a reader would take for one person (an old project's duplicates).
    look_alike: list[list[str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        alpha: dict[str, Any] = {
            "alpha": self.alpha.value,
            "ci95": list(self.alpha_ci) if self.alpha_ci else None,
        }
        if self.alpha.value is None:
            alpha["reason"] = self.alpha.reason
        data: dict[str, Any] = {
            "items": self.items,
            "items_multi": self.items_multi,
            "annotators": self.annotators,
            "labels": list(self.codebook.keys),
            "percent_agreement": self.percent_agreement.value,
            "cohen_kappa": {
                f"{a}|{b}": estimate_json(kappa, "kappa", with_n=True)
                for (a, b), kappa in self.cohen.items()
            },
            "fleiss_kappa": estimate_json(self.fleiss, "kappa", with_n=True),
            "krippendorff_alpha": alpha,
            "per_label": {
                key: {
                    "count": label.count,
                    "share": label.share,
                    "specific_agreement": label.specific_agreement.value,
                    "alpha": label.alpha.value,
                    "rare": label.rare,
                    **({"reason": label.alpha.reason} if label.alpha.value is None else {}),
                }
                for key, label in self.labels.items()
            },
            "per_question": {
                question: estimate_json(estimate, "alpha")
                for question, estimate in self.questions.items()
            },
            "confusion": {
                f"{a}|{b}": {"labels": list(self.codebook.keys), "matrix": matrix}
                for (a, b), matrix in self.confusion.items()
            },
            "gold": self.gold,
        }
        if self.look_alike:  # only an old project's duplicates add this key
            data["look_alike_names"] = self.look_alike
        if self.percent_agreement.value is None:
            data["reason"] = self.percent_agreement.reason
        return data

    def to_table(self) -> str:
        """The report as a reader wants it on a terminal."""
        return format_report(self)


def _fmt(estimate: Estimate, digits: int = 3) -> str:
    if estimate.value is None:
        return f"n/a ({estimate.reason})"
    return f"{estimate.value:.{digits}f}"


def format_report(report: AgreementReport) -> str:
    lines = [
        f"{report.items:,} labeled posts, {report.items_multi:,} with two or more labels; "
        f"{len(report.annotators)} annotators; {report.gold:,} gold labels",
        "",
        f"Percent agreement   {_fmt(report.percent_agreement)}",
        f"Fleiss' kappa       {_fmt(report.fleiss)}  {landis_koch(report.fleiss.value)}",
    ]
    alpha = _fmt(report.alpha)
    if report.alpha_ci:
        alpha += f"  95% CI [{report.alpha_ci[0]:.3f}, {report.alpha_ci[1]:.3f}]"
    lines.append(f"Krippendorff alpha  {alpha}  {landis_koch(report.alpha.value)}")
    for question, estimate in report.questions.items():
        lines.append(f"  alpha, {question:<12} {_fmt(estimate)}")
    lines += ["", "Cohen's kappa by pair (posts both labeled)"]
    for (a, b), kappa in report.cohen.items():
        lines.append(f"  {visible(a)} × {visible(b)}: {_fmt(kappa)}  (n={kappa.n or 0})")
    lines += ["", "Per label: count, share, specific agreement, alpha vs the rest"]
    for key, label in report.labels.items():
        share = f"{label.share:.1%}" if label.share is not None else "n/a"
        warning = "  RARE (<5%): kappa and alpha are unstable" if label.rare else ""
        lines.append(
            f"  {key:<24} {label.count:>7,} {share:>7}  "
            f"{_fmt(label.specific_agreement)}  {_fmt(label.alpha)}{warning}"
        )
    lines += ["", "Annotators: labels given, median seconds per post, posts per hour"]
    for person in report.people:
        given = ", ".join(f"{k} {v}" for k, v in person.distribution.items())
        median = f"{person.median_seconds:.1f}s" if person.median_seconds is not None else "n/a"
        rate = f"{person.posts_per_hour:.0f}/h" if person.posts_per_hour is not None else "n/a"
        lines.append(f"  {visible(person.name)}: {given}; {median}; {rate}")
    lines += [
        "",
        "Bands after Landis and Koch (1977); they are conventions, not thresholds of truth.",
    ]
    lines += [look_alike_line(group) for group in report.look_alike]
    return "\n".join(lines)


def look_alike_line(names: list[str]) -> str:
    """The advice for one group of look-alike spellings, with invisible characters shown."""
    shown = " / ".join(visible(name) for name in names)
    return (
        f"names that look like one person: {shown} — merge them with "
        "annotator merge-annotators PROJECT FROM INTO"
    )


def look_alike_names(project: Project) -> list[list[str]]:
    """Groups of annotators (not yet merged) whose names a reader would take for one."""
    with project.session() as session:
        names = session.execute(
            select(col(Annotator.name))
            .where(col(Annotator.merged_into).is_(None))
            .order_by(col(Annotator.id))
        ).scalars()
        return look_alike_groups([str(name) for name in names])


def _load(
    project: Project, dataset: str | None, annotators: list[str] | None
) -> tuple[Codebook, list[tuple[int, str, str, float]], int]:
    with project.session() as session:
        codebook = load_codebook(session)
        statement = select(
            col(Annotation.post_id),
            col(Annotator.name),
            col(Annotation.label_key),
            col(Annotation.seconds_spent),
        ).join(Annotator, col(Annotator.id) == col(Annotation.annotator_id))
        gold = select(func.count()).select_from(GoldLabel)
        if dataset is not None:
            exists = session.execute(select(col(Dataset.id)).where(col(Dataset.name) == dataset))
            if exists.first() is None:
                raise UserError(f"the project has no dataset {dataset!r}")
            in_dataset = col(Annotation.post_id).in_(
                select(col(Post.id))
                .join(Dataset, col(Dataset.id) == col(Post.dataset_id))
                .where(col(Dataset.name) == dataset)
            )
            statement = statement.where(in_dataset)
            gold = gold.where(
                col(GoldLabel.post_id).in_(
                    select(col(Post.id))
                    .join(Dataset, col(Dataset.id) == col(Post.dataset_id))
                    .where(col(Dataset.name) == dataset)
                )
            )
        known = [str(n) for n in session.execute(select(col(Annotator.name))).scalars()]
        if annotators:
            by_key = {name_key(name): name for name in reversed(known)}
            annotators = [
                name if name in known else by_key.get(name_key(name), name) for name in annotators
            ]
            missing = sorted(set(annotators) - set(known))
            if missing:
                raise UserError(
                    f"no annotator called {', '.join(missing)}; the annotators are: "
                    + ", ".join(sorted(known))
                )
            statement = statement.where(col(Annotator.name).in_(annotators))
        rows = [
            (int(p), str(a), str(k), float(s or 0)) for p, a, k, s in session.execute(statement)
        ]
        return codebook, rows, int(session.execute(gold).scalar_one())


def agreement_report(
    project: Project,
    *,
    dataset: str | None = None,
    annotators: list[str] | None = None,
    resamples: int = 1000,
    seed: int = 20200214,
) -> AgreementReport:
    """Every agreement figure for the project (or one dataset, or some annotators), read
    from one snapshot: labels another program saves meanwhile count wholly or not at all."""
    with project.snapshot():
        return _report(project, dataset, annotators, resamples, seed)


def _report(
    project: Project,
    dataset: str | None,
    annotators: list[str] | None,
    resamples: int,
    seed: int,
) -> AgreementReport:
    codebook, rows, gold = _load(project, dataset, annotators)
    keys = list(codebook.keys)
    label_index = {key: i for i, key in enumerate(keys)}
    names = sorted({name for _, name, _, _ in rows})
    name_index = {name: i for i, name in enumerate(names)}
    post_ids = np.array([p for p, _, _, _ in rows], dtype=np.int64)
    unique_posts, row_of = np.unique(post_ids, return_inverse=True)
    codes = np.full((len(unique_posts), len(names)), MISSING, dtype=np.int64)
    if rows:
        codes[row_of, [name_index[n] for _, n, _, _ in rows]] = [
            label_index[k] for _, _, k, _ in rows
        ]
    counts = category_counts(codes, len(keys))
    alpha = krippendorff_alpha(counts)
    kappas = pairwise_kappas(codes, len(keys)) if len(names) >= 2 else {}
    questions = {
        question: krippendorff_alpha(
            recode(counts, [[label_index[k] for k in group] for group in answers.values()])
        )
        for question, answers in codebook.questions.items()
    }
    people = []
    who = np.array([name_index[n] for _, n, _, _ in rows], dtype=np.int64)
    spent = np.array([s for _, _, _, s in rows], dtype=np.float64)
    for name in names:
        given = codes[:, name_index[name]]
        seconds = spent[(who == name_index[name]) & (spent > 0)]
        total_hours = seconds.sum() / 3600 if len(seconds) else 0.0
        people.append(
            AnnotatorSummary(
                name=name,
                distribution={k: int((given == i).sum()) for i, k in enumerate(keys)},
                median_seconds=float(np.median(seconds)) if len(seconds) else None,
                posts_per_hour=len(seconds) / total_hours if total_hours > 0 else None,
            )
        )
    return AgreementReport(
        codebook=codebook,
        annotators=names,
        items=len(unique_posts),
        items_multi=int((counts.sum(axis=1) >= 2).sum()),
        percent_agreement=percent_agreement(counts),
        cohen={(names[a], names[b]): kappa for (a, b), kappa in kappas.items()},
        fleiss=fleiss_kappa(counts),
        alpha=alpha,
        alpha_ci=bootstrap_alpha(counts, resamples=resamples, seed=seed),
        labels=dict(zip(keys, per_label(counts), strict=True)),
        questions=questions,
        confusion={
            (names[a], names[b]): confusion_matrix(codes[:, a], codes[:, b], len(keys)).tolist()
            for (a, b) in kappas
        },
        gold=gold,
        people=people,
        look_alike=look_alike_names(project),
    )
