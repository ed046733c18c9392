"""Precision and recall of finding research in decision papers (issue 16), on a labelled set:
the demo borough's papers (PDF and HTML, with planted citations, near-misses and distractors,
``data_pipeline.demo.papers``) against the demo's research register, and real Kent County
Council committee papers against a hand-made register, labelled by hand
(``tests/fixtures/real/decision-papers/labels.json``).

A candidate is a (paper, kind, target) pair the matcher keeps at the review queue's threshold;
it is right when the label lists it. Target: recall >= 0.9 at precision >= 0.8. Prints each
miss and each false candidate, so a change to the matcher can be judged by what it gets wrong.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from data_pipeline.demo import write_demo
from data_pipeline.demo.papers import write_demo_papers
from data_pipeline.papers.documents import read_document
from data_pipeline.papers.mentions import QUEUE_THRESHOLD, Target, find_mentions
from data_pipeline.papers.targets import targets_from_rows

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "real" / "decision-papers"
TARGET_RECALL, TARGET_PRECISION = 0.9, 0.8
DEMO_SCALE = 300


@dataclass(frozen=True)
class LabelledSet:
    name: str
    targets: list[Target]
    papers: list[tuple[Path, frozenset[tuple[str, str]]]]


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


def demo_set(folder: Path, count: int = 24) -> LabelledSet:
    """The demo borough's research register and its labelled papers."""
    files = write_demo(folder / "demo", scale=DEMO_SCALE)
    projects_file = next(f for f in files if f.name.endswith("_projects.csv"))
    with projects_file.open(newline="", encoding="utf-8") as handle:
        projects = list(csv.DictReader(handle))
    projects.sort(key=lambda p: (p["start_date"], p["project_id"]), reverse=True)
    outputs = [
        {"project_id": p["project_id"], "output_no": n, "title": part.split("|")[0].strip()}
        for p in projects
        for n, part in enumerate((p.get("outputs") or "").split(";"), start=1)
        if part.strip()
    ]
    papers = write_demo_papers(projects, folder / "papers", count=count)
    return LabelledSet(
        "demo papers (PDF and HTML)",
        targets_from_rows(projects, outputs),
        [(p.path, p.expected) for p in papers],
    )


def real_set() -> LabelledSet:
    """Real committee papers and the hand-made register and labels."""
    labels = json.loads((REAL / "labels.json").read_text(encoding="utf-8"))
    register = labels["register"]
    return LabelledSet(
        "real Kent County Council papers",
        targets_from_rows(register["projects"], register["outputs"]),
        [
            (REAL / name, frozenset((kind, target) for kind, target in expected))
            for name, expected in labels["papers"].items()
        ],
    )


def evaluate(labelled: LabelledSet, threshold: float = QUEUE_THRESHOLD) -> Score:
    """Match every paper of the set and count right, wrong and missed candidates."""
    score = Score()
    for path, expected in labelled.papers:
        document = read_document(path.read_bytes(), path.name)
        found = {
            (m.target.kind, m.target.target_id): m
            for m in find_mentions(document.pages, labelled.targets, threshold)
        }
        for key, mention in found.items():
            if key in expected:
                score.true_positives += 1
            else:
                score.false_positives += 1
                score.errors.append(
                    f"false  {path.name}: {key} {mention.match_kind} {mention.score:.2f} "
                    f"p{mention.page} '{mention.matched_text}'"
                )
        for key in expected - set(found):
            score.false_negatives += 1
            score.errors.append(f"missed {path.name}: {key}")
    return score


def combined(scores: Sequence[Score]) -> Score:
    total = Score()
    for s in scores:
        total.true_positives += s.true_positives
        total.false_positives += s.false_positives
        total.false_negatives += s.false_negatives
        total.errors.extend(s.errors)
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=48, help="demo papers to make")
    args, _ = parser.parse_known_args(argv)
    from benchmarks.common import record

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        sets = [demo_set(Path(tmp), args.papers), real_set()]
        scores = [evaluate(s) for s in sets]
        seconds = time.perf_counter() - start
    total = combined(scores)
    print(f"## Research found in decision papers (threshold {QUEUE_THRESHOLD})\n")
    print("| set | papers | right | wrong | missed | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for labelled, s in [*zip(sets, scores, strict=True), (None, total)]:
        name = labelled.name if labelled else "**all**"
        count = len(labelled.papers) if labelled else sum(len(x.papers) for x in sets)
        print(
            f"| {name} | {count} | {s.true_positives} | {s.false_positives} | "
            f"{s.false_negatives} | {s.precision:.3f} | {s.recall:.3f} |"
        )
    met = total.recall >= TARGET_RECALL and total.precision >= TARGET_PRECISION
    print(
        f"\nTarget recall >= {TARGET_RECALL} at precision >= {TARGET_PRECISION}: "
        f"{'met' if met else 'NOT met'} ({seconds:.1f} s including making the papers)\n"
    )
    for line in total.errors:
        print(f"    {line}")
    record("papers_matching_precision", total.precision, "ratio")
    record("papers_matching_recall", total.recall, "ratio")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
