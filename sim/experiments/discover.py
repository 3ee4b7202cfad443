"""``sim discover``: scenario discovery on a stored experiment with a sampled design.

Reads the experiment's runs (nothing is run), asks a yes/no question of each run
(``sim.experiments.expressions``), and writes into ``DIR/discovery/<question>/``:

- ``prim_boxes.csv`` (each box's rule, coverage, density and every limit with its quasi-p-value),
  ``prim_trajectory.csv`` (every step of each peeling trajectory), ``prim_tradeoff.png``,
  ``prim_boxes.png``, ``prim_design.png``;
- ``cart_tree.txt``, ``cart_leaves.csv``, ``cart_tree.png``;
- ``feature_scores.csv``, ``feature_scores.png``;
- ``report.txt``: what ``sim discover`` prints.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..config import ConfigError
from ..files import check_writable, write_csv, write_text
from ..records import SUMMARY_COLUMNS
from .discovery import Box, box_table, cart_tree, feature_scores, number, prim_boxes, short
from .expressions import evaluate
from .spec import ExperimentSpec
from .statistics import stored_summary

METHODS = ("prim", "cart", "both")
FILES = (
    "prim_boxes.csv",
    "prim_trajectory.csv",
    "prim_tradeoff.png",
    "prim_boxes.png",
    "prim_design.png",
    "cart_tree.txt",
    "cart_leaves.csv",
    "cart_tree.png",
    "feature_scores.csv",
    "feature_scores.png",
    "report.txt",
)
"""Every file a discovery may write (what an earlier run left and this one does not is removed)."""


@dataclass
class Discovery:
    """What a discovery found: the question, its counts, PRIM's boxes, CART's leaves, the scores."""

    question: str
    runs: int
    yes: int
    parameters: list[str]
    boxes: list[Box] = field(default_factory=list)
    leaves: pd.DataFrame | None = None
    scores: pd.DataFrame | None = None
    folder: Path | None = None
    files: list[Path] = field(default_factory=list)

    def sentence(self, box: int = 1) -> str:
        """One box in a sentence: ``deployed when legitimacy <= 0.74 and ...: coverage 0.71, density
        0.86``."""
        b = self.boxes[box - 1]
        return (
            f"{self.question} when {b.rule()}: coverage {b.coverage:.2f}, density {b.density:.2f}"
        )


def design_runs(out: Path) -> tuple[ExperimentSpec, pd.DataFrame, list[str]]:
    """(spec, summary of every stored run with its parameters, the design's parameters)."""
    manifest = out / "manifest.json"
    if not manifest.is_file():
        raise ConfigError(
            f"{out} holds no experiment results (no manifest.json); give the folder "
            "`sim experiment` wrote, e.g. results/experiments/when_moscow_deploys."
        )
    spec = ExperimentSpec.model_validate(json.loads(manifest.read_text(encoding="utf-8"))["spec"])
    if spec.design is None:
        raise ConfigError(
            f"{out}: experiment {spec.name!r} compares named variants; scenario discovery needs "
            "a sampled design (design.kind lhs, sobol, morris or grid) whose parameters vary "
            "from run to run."
        )
    _, summary = stored_summary(out)
    if summary.empty:
        raise ConfigError(
            f"{out}: experiment {spec.name!r} has no finished runs yet; run `sim experiment` "
            "on its spec first."
        )
    return spec, summary, list(spec.sweep.parameters)


def discover(
    out: str | Path,
    outcome: str,
    method: str = "both",
    threshold: float = 0.8,
    where: str | None = None,
    max_boxes: int = 3,
    depth: int = 3,
) -> Discovery:
    """Run scenario discovery for ``outcome`` (a yes/no expression) on the experiment in ``out``.

    Args:
        out: the experiment folder.
        outcome: the question, e.g. ``deployed`` or ``regime_survived == False``.
        method: ``prim``, ``cart`` or ``both``; feature scores are always computed.
        threshold: the density PRIM's chosen box must reach.
        where: only the runs where this expression holds (e.g. ``deployed``).
        max_boxes: most PRIM boxes.
        depth: CART's depth.
    """
    out = Path(out)
    if method not in METHODS:
        raise ConfigError(f"--method {method!r} is not allowed; give one of {', '.join(METHODS)}.")
    if not 0 < threshold <= 1:
        raise ConfigError(
            f"--threshold {threshold}: the density a box must reach is a share; give a "
            "number above 0 and at most 1, e.g. 0.8."
        )
    spec, summary, params = design_runs(out)
    columns = summary[[c for c in SUMMARY_COLUMNS if c not in ("rep", "seed")]]
    if where:
        keep = evaluate(where, columns, what="--where").to_numpy()
        summary, columns = summary[keep], columns[keep]
    y = evaluate(outcome, columns).to_numpy()
    scope = f" among the {len(y)} runs where {where}" if where else ""
    if y.all() or not y.any():
        raise ConfigError(
            f"--outcome {outcome!r} is {'true' if y.all() else 'false'} in all {len(y)} runs"
            f"{scope} of {out}: nothing tells yes from no. Ask another question, or widen the "
            "design's ranges so that both answers occur."
        )
    x = summary[params].astype(float).reset_index(drop=True)
    found = Discovery(outcome, len(y), int(y.sum()), params)
    found.folder = check_writable(out / "discovery" / slug(outcome, where), "discovery folder")
    from . import discovery_plots as dp

    folder, files = found.folder, found.files
    for name in FILES:
        (folder / name).unlink(missing_ok=True)  # no stale figure from an earlier --method
    if method in ("prim", "both"):
        found.boxes, trajectory = prim_boxes(x, y, threshold, max_boxes)
        files += [
            write_csv(box_table(found.boxes), folder / "prim_boxes.csv"),
            write_csv(trajectory, folder / "prim_trajectory.csv"),
            dp.tradeoff(trajectory, found.boxes, threshold, outcome, folder / "prim_tradeoff.png"),
            dp.box_limits(found.boxes, x, outcome, folder / "prim_boxes.png"),
        ]
    found.scores = feature_scores(x, y)
    files += [
        write_csv(found.scores, folder / "feature_scores.csv"),
        dp.scores_figure(found.scores, outcome, folder / "feature_scores.png"),
    ]
    if found.boxes:
        pair = _pair(found.boxes[0], found.scores)
        if pair:
            files.append(
                dp.design_view(x, y, found.boxes[0], pair, outcome, folder / "prim_design.png")
            )
    if method in ("cart", "both"):
        clf, text, found.leaves = cart_tree(x, y, depth)
        files += [
            write_text(folder / "cart_tree.txt", text),
            write_csv(found.leaves, folder / "cart_leaves.csv"),
            dp.tree_figure(clf, params, outcome, folder / "cart_tree.png"),
        ]
    files.append(write_text(folder / "report.txt", report(found, spec, threshold, where) + "\n"))
    return found


def slug(outcome: str, where: str | None = None) -> str:
    """A question as a folder name: ``regime_survived == False`` -> ``regime_survived_eq_False``."""
    text = outcome if not where else f"{outcome} where {where}"
    for op, word in (
        ("==", "eq"),
        ("!=", "ne"),
        ("<=", "le"),
        (">=", "ge"),
        ("<", "lt"),
        (">", "gt"),
    ):
        text = text.replace(op, f" {word} ")
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:80] or "question"


def _pair(box: Box, scores: pd.DataFrame) -> tuple[str, str] | None:
    """The two parameters to view the first box on: its most significant limits, then top scores."""
    lim = box.significant()
    ranked = list(lim[["qp_low", "qp_high"]].min(axis=1).sort_values().index)
    ranked += [p for p in scores["parameter"] if p not in ranked]
    return (ranked[0], ranked[1]) if len(ranked) >= 2 else None


def report(
    found: Discovery, spec: ExperimentSpec, threshold: float, where: str | None = None
) -> str:
    """What ``sim discover`` prints: the question, the boxes, CART's strongest leaf, the scores."""
    scope = f"of the {found.runs} runs where {where}" if where else f"of the {found.runs} runs"
    lines = [
        f"{spec.name}: `{found.question}` is true in {found.yes} {scope} "
        f"({found.yes / found.runs:.0%}), over {len(found.parameters)} design parameters "
        f"({spec.sweep.kind}, {spec.replications} replications per point)."
    ]
    if found.boxes:
        lines.append(
            f"PRIM (density threshold {threshold:g}; limits with a quasi-p-value above 0.05 "
            "left out of the rule):"
        )
        for b in found.boxes:
            flag = "" if b.reached else f" (no step reaches density {threshold:g}: the densest one)"
            lines.append(f"  box {b.number}: {found.sentence(b.number)}; {b.runs} runs{flag}")
            for p, lim in b.limits.iterrows():
                for side, op, qp in (("low", ">=", lim["qp_low"]), ("high", "<=", lim["qp_high"])):
                    if qp == qp:  # not NaN: this side is restricted
                        note = "" if qp <= 0.05 else "  (left out: not significant)"
                        lines.append(f"      {p} {op} {number(lim[side])}   quasi-p {qp:.2g}{note}")
        if len(found.boxes) > 1:
            lines.append(
                f"  all boxes together: coverage {sum(b.coverage for b in found.boxes):.2f}"
            )
    if found.leaves is not None and len(found.leaves):
        best = found.leaves.iloc[0]
        lines.append(
            f"CART: the densest leaf is {best['rule']}: coverage {best['coverage']:.2f}, density "
            f"{best['density']:.2f} ({int(best['runs'])} runs); the tree is in cart_tree.txt"
        )
    if found.scores is not None:
        top = ", ".join(
            f"{short(p)} {s:.2f}" for p, s in found.scores.head(5).itertuples(index=False)
        )
        lines.append(f"Feature scores (extra trees): {top}")
    lines.append(f"Tables and figures in {found.folder}/")
    return "\n".join(lines)
