"""Docs do not lag the code."""

import pytest

from sim.config.docgen import render

from .conftest import ROOT


def test_parameters_doc_is_generated_from_the_schema():
    committed = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/parameters.md is stale: run `python -m sim.config.docgen`"


def test_readme_documents_every_summary_column():
    from sim.records import SUMMARY_COLUMNS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in SUMMARY_COLUMNS if f"`{c}`" not in readme]
    assert not missing, f"README lacks: {missing}"


def test_model_doc_lists_the_city_phases_in_the_order_the_engines_run_them():
    # docs/model.md 3, step 3: the city's day, phase by phase, as sim/city/day.py declares it
    import re

    from sim.city import DAY

    doc = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    step = doc[doc.index("3. **City**") : doc.index("4. **Host government**")]
    named = [n for n in re.findall(r"`([A-Z]+)`", step) if n != "DAY"]
    assert named == [p.name for p in DAY]


def test_readme_layout_names_the_city_package_as_it_is():
    # README "Layout": the protester engine is the package sim/city/, module by module
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    city = layout[layout.index("`city/`") : layout.index("`decision/`")]
    named = set(re.findall(r"`(\w+\.py)`", city))
    on_disk = {p.name for p in (ROOT / "sim" / "city").glob("*.py")} - {"__init__.py"}
    assert named == on_disk
    top = {p.name for p in (ROOT / "sim").glob("*.py")}
    assert not [n for n in top if n.startswith(("city", "kernels")) or n == "neighborhood.py"]


def test_parameters_doc_says_which_parameters_a_calibration_fits():
    # README "Calibration": docs/parameters.md says per parameter whether it is a fact, an
    # assumption, a setting, or calibrated (by which calibration).
    import re

    from sim.calibration.spec import load_spec

    doc = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    spec = load_spec(ROOT / "configs" / "calibration" / "kazakhstan_2022.yaml")
    for key in spec.parameters:
        row = next(
            line
            for line in doc.splitlines()
            if line.startswith(f"| `{re.sub(r'\.\d+\.', '.N.', key)}` |")
        )
        assert "calibrated: kazakhstan_2022" in row, row
    assert "| assumption |" in doc and "| fact |" in doc and "| setting |" in doc


def test_model_doc_quotes_the_schemas_defaults():
    """docs/model.md's `name = value` for a parameter is its default (0 only as "switched off")."""
    import re

    from pydantic import BaseModel

    from sim.config.schema import Config

    leaves: dict[str, set[tuple[str, float]]] = {}

    def walk(section: BaseModel, prefix: str) -> None:
        for name in type(section).model_fields:
            value = getattr(section, name)
            if isinstance(value, BaseModel):
                walk(value, f"{prefix}{name}.")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                leaves.setdefault(name, set()).add((prefix + name, float(value)))

    walk(Config(), "")
    doc = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    stale = []
    for m in re.finditer(r"`?([a-z_]+)`?\s*=\s*([0-9][0-9_,]*(?:\.[0-9]+)?)", doc):
        name, quoted = m.group(1), float(m.group(2).replace(",", "").replace("_", ""))
        if len(leaves.get(name, ())) != 1 or quoted == 0:
            continue  # not one parameter's name, or a switch-off sentence
        path, default = next(iter(leaves[name]))
        if abs(quoted - default) > 1e-9:
            stale.append(
                f"line {doc[: m.start()].count(chr(10)) + 1}: {path} = {quoted}, default {default}"
            )
    assert not stale, "docs/model.md quotes stale defaults:\n" + "\n".join(stale)


def test_readme_speed_table_is_the_committed_benchmark_record():
    # README "Speed": the table against Mesa is benchmarks/results/engine_vs_mesa.csv as committed
    import csv
    import re

    rows = list(csv.DictReader((ROOT / "benchmarks/results/engine_vs_mesa.csv").open()))
    ours = {r["size"]: r for r in rows if r["engine"] == "ours" and r["vision"] == "7"}
    mesa = {r["size"]: r for r in rows if r["engine"] == "mesa"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for size in ("40", "100", "200"):
        line = re.search(rf"^\| {size}x{size} \|.*$", readme, re.M).group(0)
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert float(cells[2]) == pytest.approx(float(ours[size]["s_per_step"]), rel=0.05), line
        assert float(cells[3]) == pytest.approx(float(mesa[size]["s_per_step"]), rel=0.05), line
        ratio = float(ours[size]["ratio_vs_mesa"])
        assert cells[4] == f"{ratio:.0f}x", line
