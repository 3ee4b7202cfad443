"""Docs do not lag the code."""

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
