"""Scenario discovery over a sampled design: PRIM boxes, a CART tree and feature scores.

Given an experiment's runs (each a point of the design and a replication) and a yes/no question
about each run (``deployed``, ``regime_survived == False``), find the region of parameter space
where the answer is mostly yes. The algorithms are EMA Workbench's (``ema_workbench.analysis``):

- PRIM (Friedman and Fisher 1999, as in Bryant and Lempert 2010): peel the box one small slice
  at a time; each step of its peeling trajectory trades coverage (share of all yes-runs inside the
  box) for density (share of yes among the runs inside). The chosen box is the step with the most
  coverage among those whose density reaches the threshold; each restricted limit gets a
  quasi-p-value (a one-sided binomial test of the box against the box without that limit). Further
  boxes are sought among the runs outside the boxes found, as long as one reaches the threshold.
- CART: scikit-learn's decision tree through EMA's wrapper, kept shallow to stay readable.
- Feature scoring: EMA's extra-trees scores, how much each parameter tells yes from no.

Every run counts as one observation: replications of a point share its parameters, so chance
within a point shows as density below 1.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd


def _ema():
    """EMA Workbench's analysis modules, imported on first use (they pull in scikit-learn and
    statsmodels; its top package warns that ipyparallel, which we do not use, is missing)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import cart, feature_scoring, prim
        from ema_workbench.analysis.scenario_discovery_util import RuleInductionType
    return prim, cart, feature_scoring, RuleInductionType


QP_MAX = 0.05
"""A box limit whose quasi-p-value is above this is not significant: it is listed in the tables but
left out of the rule, and the rule's coverage and density are those of the box without it."""


@dataclass(frozen=True)
class Box:
    """One PRIM box at its chosen step of the peeling trajectory, and the rule it states.

    ``limits`` are PRIM's, with their quasi-p-values; the rule keeps the significant ones
    (quasi-p-value at most ``QP_MAX``), and coverage, density, mass and runs are the rule's own,
    counted over the runs not in an earlier box's rule. ``prim_coverage`` and ``prim_density`` are
    those of the chosen step itself.
    """

    number: int  # 1, 2, ... in the order found
    step: int  # the chosen step of its peeling trajectory
    coverage: float  # share of all yes-runs inside the rule
    density: float  # share of yes among the runs inside the rule
    mass: float  # share of all runs inside the rule
    runs: int
    reached: bool  # PRIM's chosen step reaches the density threshold
    limits: (
        pd.DataFrame
    )  # index: parameter; columns low, high, qp_low, qp_high (NaN: side not restricted)
    prim_coverage: float
    prim_density: float

    def significant(self) -> pd.DataFrame:
        """The rule's limits: PRIM's, less the sides whose quasi-p-value is above ``QP_MAX``."""
        lim = self.limits.copy()
        for side in ("qp_low", "qp_high"):
            lim.loc[lim[side] > QP_MAX, side] = np.nan
        return lim[lim[["qp_low", "qp_high"]].notna().any(axis=1)]

    def rule(self) -> str:
        """The box in words: ``legitimacy <= 0.74 and police_loyalty <= 0.56``."""
        return rule_text(self.significant(), "<=", ">=") or "anywhere (no limit needed)"

    def inside(self, x: pd.DataFrame) -> np.ndarray:
        """Which runs the rule holds for."""
        mask = np.ones(len(x), dtype=bool)
        for param, row in self.significant().iterrows():
            if not np.isnan(row["qp_low"]):
                mask &= x[param].to_numpy() >= row["low"]
            if not np.isnan(row["qp_high"]):
                mask &= x[param].to_numpy() <= row["high"]
        return mask


def short(parameter: str) -> str:
    """A design parameter's short name: its last part (``host.legitimacy`` -> ``legitimacy``), the
    last two joined where the last is a force's field (``host.forces.police.loyalty`` ->
    ``police_loyalty``), or the whole key where the last part alone says little
    (``events.0.value``)."""
    parts = parameter.split(".")
    if any(p.isdigit() for p in parts):
        return parameter
    if len(parts) >= 4 and parts[-3] == "forces":
        return f"{parts[-2]}_{parts[-1]}"
    return parts[-1]


def number(value: float) -> str:
    """A limit as written in a rule: ``0.884``, ``2,240``."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def rule_text(limits: pd.DataFrame, upper: str, lower: str) -> str:
    """Limits as ``a <= p <= b and q >= c``: only the restricted sides (qp value present)."""
    parts = []
    for param, row in limits.iterrows():
        lo, hi = not np.isnan(row["qp_low"]), not np.isnan(row["qp_high"])
        name = short(str(param))
        if lo and hi:
            mirror = {">=": "<=", ">": "<"}[lower]
            parts.append(f"{number(row['low'])} {mirror} {name} {upper} {number(row['high'])}")
        elif hi:
            parts.append(f"{name} {upper} {number(row['high'])}")
        elif lo:
            parts.append(f"{name} {lower} {number(row['low'])}")
    return " and ".join(parts)


def prim_boxes(
    x: pd.DataFrame,
    y: np.ndarray,
    threshold: float = 0.8,
    max_boxes: int = 3,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> tuple[list[Box], pd.DataFrame]:
    """PRIM boxes for ``y`` over ``x``, and every box's peeling trajectory.

    Args:
        x: one row per run, one float column per design parameter.
        y: yes/no per run.
        threshold: density the chosen step must reach.
        max_boxes: most boxes to find.
        peel_alpha: share of the runs peeled off at each step.
        mass_min: smallest share of all runs a box may hold.

    Returns:
        The boxes (the first always, marked ``reached=False`` and at its densest step when no step
        reaches the threshold; later ones only when they reach it) and one trajectory table with a
        row per (box, step): coverage, density, mass, runs, restricted dimensions, chosen.
    """
    prim, _, _, _ = _ema()
    with warnings.catch_warnings():  # EMA's own use of pandas' deprecated keywords
        warnings.simplefilter("ignore")
        finder = prim.Prim(
            x.reset_index(drop=True),
            np.asarray(y, dtype=bool),
            peel_alpha=peel_alpha,
            paste_alpha=peel_alpha,
            mass_min=mass_min,
        )
    boxes: list[Box] = []
    trajectories: list[pd.DataFrame] = []
    y = np.asarray(y, dtype=bool)
    taken = np.zeros(len(x), dtype=bool)  # runs inside an earlier box's rule
    while len(boxes) < max_boxes:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = finder.find_box()
        if found is None:
            break
        traj = found.peeling_trajectory
        ok = traj[traj["density"] >= threshold]
        if ok.empty and boxes:
            break  # no further box reaches the threshold
        pool = ok if not ok.empty else traj[traj["density"] == traj["density"].max()]
        order = pool.sort_values(["coverage", "density", "res_dim"], ascending=[False, False, True])
        step = int(order.index[0])
        found.select(step)
        stats, lims = found.inspect(step, style="data")[0]
        limits = pd.DataFrame(
            lims.to_numpy(dtype=float),
            index=lims.index,
            columns=["low", "high", "qp_low", "qp_high"],
        )
        box = Box(
            len(boxes) + 1,
            step,
            0.0,
            0.0,
            0.0,
            0,
            not ok.empty,
            limits,
            float(stats["coverage"]),
            float(stats["density"]),
        )
        inside = box.inside(x.reset_index(drop=True)) & ~taken
        runs = int(inside.sum())
        boxes.append(
            replace(
                box,
                coverage=float(y[inside].sum() / max(1, y.sum())),
                density=float(y[inside].mean()) if runs else 0.0,
                mass=runs / len(x),
                runs=runs,
            )
        )
        taken |= inside
        trajectories.append(traj.assign(box=len(boxes), chosen=traj.index == step))
        if not ok.empty and y[taken].sum() >= y.sum():
            break  # every yes-run is in a box already
    table = pd.concat(trajectories, ignore_index=True) if trajectories else pd.DataFrame()
    if not table.empty:
        table = table.rename(
            columns={"id": "step", "n": "runs", "k": "yes_runs", "res_dim": "restricted"}
        )
        table = table[
            [
                "box",
                "step",
                "coverage",
                "density",
                "mass",
                "runs",
                "yes_runs",
                "restricted",
                "chosen",
            ]
        ]
    return boxes, table


def box_table(boxes: list[Box]) -> pd.DataFrame:
    """One row per (box, restricted parameter): limits and quasi-p-values, with the box's stats."""
    rows = []
    for b in boxes:
        stats = {
            "box": b.number,
            "rule": b.rule(),
            "coverage": b.coverage,
            "density": b.density,
            "mass": b.mass,
            "runs": b.runs,
            "prim_step": b.step,
            "prim_coverage": b.prim_coverage,
            "prim_density": b.prim_density,
            "reaches_threshold": b.reached,
        }
        if b.limits.empty:
            rows.append(
                {
                    **stats,
                    "parameter": "",
                    "low": np.nan,
                    "high": np.nan,
                    "qp_low": np.nan,
                    "qp_high": np.nan,
                }
            )
        for param, lim in b.limits.iterrows():
            in_rule = any(lim[s] <= QP_MAX for s in ("qp_low", "qp_high"))
            rows.append({**stats, "parameter": param, **lim.to_dict(), "in_rule": in_rule})
    return pd.DataFrame(rows)


def cart_tree(
    x: pd.DataFrame, y: np.ndarray, depth: int = 3, mass_min: float = 0.05, seed: int = 0
):
    """A shallow CART tree: (fitted classifier, its text, a row per leaf: its rule and stats)."""
    from sklearn.tree import DecisionTreeClassifier, export_text

    _ema()  # EMA imported once, with its import-time warnings silenced
    from ema_workbench.analysis.cart import CART

    class Shallow(CART):
        """EMA's CART with a depth limit and a fixed seed: a readable and repeatable tree."""

        def build_tree(self):
            leaf = max(1, int(self.mass_min * self.x.shape[0]))
            self.clf = DecisionTreeClassifier(
                min_samples_leaf=leaf, max_depth=depth, random_state=seed
            )
            self.clf.fit(self._x, self.y)

    model = Shallow(x.reset_index(drop=True), np.asarray(y, dtype=bool), mass_min=mass_min)
    model.build_tree()
    text = export_text(
        model.clf, feature_names=list(x.columns), class_names=["no", "yes"], show_weights=True
    )
    init = pd.DataFrame([x.min(), x.max()])
    rows = []
    for box, st in zip(model.boxes, model.stats, strict=True):
        lim = pd.DataFrame({"low": box.iloc[0], "high": box.iloc[1]}).astype(float)
        lim["qp_low"] = np.where(lim["low"] != init.iloc[0], 0.0, np.nan)  # marks a restricted side
        lim["qp_high"] = np.where(lim["high"] != init.iloc[1], 0.0, np.nan)
        restricted = lim[lim[["qp_low", "qp_high"]].notna().any(axis=1)]
        rows.append(
            {
                "rule": rule_text(restricted, "<=", ">") or "anywhere",
                "coverage": st["coverage"],
                "density": st["density"],
                "mass": st["mass"],
                "runs": int(round(st["mass"] * len(x))),
            }
        )
    leaves = pd.DataFrame(rows).sort_values(
        ["density", "coverage"], ascending=False, ignore_index=True
    )
    return model.clf, text, leaves


def feature_scores(x: pd.DataFrame, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """Extra-trees feature scores (EMA Workbench), highest first: how well each parameter tells yes
    from no."""
    _, _, scoring, kind = _ema()
    scores, _ = scoring.get_ex_feature_scores(
        x.reset_index(drop=True),
        np.asarray(y, dtype=int),
        mode=kind.CLASSIFICATION,
        random_state=seed,
    )
    table = scores.reset_index()
    table.columns = ["parameter", "score"]
    return table
